/**
 * Reads of the EventStoreDB adapter: single streams, and `$all` paged for readAll and the head position.
 *
 * readAll and head read `$all` through a filtered subscription read to its caught-up signal (readUntilCaughtUp.ts):
 * the server keeps only this prefix's event streams, so a server shared with much other data is not shipped here.
 * `$` types and the adapter's `:` streams are skipped here too (toStoredEvent).
 */
import {
  BACKWARDS,
  END,
  type EventStoreDBClient,
  type Position,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import type { StoredEvent } from '../../handlers/ports/eventStore';
import { isStreamNotFound } from './eventStoreDbErrors';
import {
  fromEsdbRevision,
  isAfter,
  toEsdbCursor,
  toEsdbReadPosition,
  toPhysicalStream,
  toStoredEvent,
} from './eventStoreDbMapping';
import { subscriptionFilter } from './eventStoreDbSubscription';
import { readUntilCaughtUp } from './readUntilCaughtUp';

/**
 * Reads a whole (bounded) client stream with `for await`. A no-op error listener stays attached so an error the
 * client emits after the loop has ended cannot crash the process; errors during the loop still reach it.
 */
export async function collect<T>(read: StreamingRead<T>): Promise<T[]> {
  read.on('error', () => undefined);
  const items: T[] = [];
  let completed = false;
  try {
    for await (const item of read) items.push(item);
    completed = true;
  } finally {
    if (!completed) await read.cancel().catch(() => undefined);
  }
  return items;
}

export class EventStoreDbReader {
  /** The highest position of this prefix's events seen so far: where head() looks for newer ones. */
  private known = 0;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly prefix: string,
    /** Events per `$all` page (head() reads this many at a time when it looks for newer events). */
    private readonly pageSize: number,
    /** How long a read may wait for the server's next message before the server counts as unavailable. */
    private readonly silenceMs: number,
  ) {}

  async readStream(stream: string, fromRevision: number): Promise<StoredEvent[]> {
    const from = Math.max(0, Math.ceil(fromRevision));
    if (!Number.isSafeInteger(from)) throw new RangeError(`fromRevision must be an integer, not ${fromRevision}`);
    const recorded = await this.readPhysical(toPhysicalStream(this.prefix, stream), { fromRevision: BigInt(from) });
    return recorded.flatMap((event) => {
      const stored = toStoredEvent(this.prefix, event);
      return stored === undefined ? [] : [stored];
    });
  }

  async streamRevision(stream: string): Promise<number> {
    const last = await this.lastOf(toPhysicalStream(this.prefix, stream));
    return last === undefined ? -1 : fromEsdbRevision(last.revision);
  }

  /**
   * Up to `limit` of this prefix's events after `fromPosition`, filtered by the server: the 6.x client has no
   * filtered reads, so this is a `$all` subscription with the stream-name filter, read until the server says it has
   * caught up (or `limit` events came) and then cancelled. A server shared with other prefixes' data is scanned on
   * the server, not shipped here and filtered.
   */
  async readAll(fromPosition: number, limit: number): Promise<StoredEvent[]> {
    const count = Math.floor(limit);
    const start = Math.max(0, Math.floor(fromPosition));
    if (!(count > 0)) return [];
    const found: StoredEvent[] = [];
    let cursor: Position = toEsdbCursor(start);
    await readUntilCaughtUp(
      this.client,
      { fromPosition: toEsdbReadPosition(start), filter: subscriptionFilter(this.prefix) },
      this.silenceMs,
      (recorded) => {
        // The subscription starts after `start`; the check keeps that true whatever the server does.
        if (!isAfter(recorded.position, cursor)) return true;
        cursor = recorded.position;
        const stored = toStoredEvent(this.prefix, recorded);
        if (stored !== undefined) found.push(stored);
        return found.length < count;
      },
    );
    const last = found[found.length - 1];
    if (last !== undefined) this.known = Math.max(this.known, last.position);
    return found;
  }

  /**
   * The position of this prefix's last event, in one small read when it is the last record of `$all` (a server of
   * its own); otherwise this prefix's events after the highest position this reader has seen, filtered by the
   * server (usually none: one call that answers "caught up").
   */
  async head(): Promise<number> {
    const [last] = await collect(this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }));
    const stored = last?.event === undefined ? undefined : toStoredEvent(this.prefix, last.event);
    if (stored !== undefined) {
      this.known = Math.max(this.known, stored.position);
      return stored.position;
    }
    for (;;) {
      const page = await this.readAll(this.known, this.pageSize);
      if (page.length < this.pageSize) return this.known;
    }
  }

  /** The last event of an EventStoreDB stream, if any. */
  async lastOf(physical: string): Promise<RecordedEvent | undefined> {
    const [last] = await this.readPhysical(physical, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return last;
  }

  /** A stream's recorded events (links not resolved); a stream that does not exist reads as empty. */
  async readPhysical(physical: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    try {
      const read = await collect(this.client.readStream(physical, options));
      return read.flatMap((resolved) => (resolved.event === undefined ? [] : [resolved.event]));
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
  }
}
