/**
 * Reads of the EventStoreDB adapter: single streams, and `$all` paged for readAll and the head position.
 *
 * readAll / headPosition page through `$all` (`readPageSize` events per request, forwards / backwards) and keep this
 * prefix's events only: the 6.x client has no server-side filter for reads, so on a server shared with much other
 * data they scan past it. Both skip `$` streams and types and the adapter's `:` streams.
 */
import {
  type AllStreamRecordedEvent,
  BACKWARDS,
  END,
  type EventStoreDBClient,
  FORWARDS,
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
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly prefix: string,
    /** Events per `$all` read request. */
    private readonly pageSize: number,
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

  async readAll(fromPosition: number, limit: number): Promise<StoredEvent[]> {
    const count = Math.floor(limit);
    const start = Math.max(0, Math.floor(fromPosition));
    if (!(count > 0)) return [];
    const found: StoredEvent[] = [];
    let cursor: Position = toEsdbCursor(start);
    let from = toEsdbReadPosition(start);
    for (;;) {
      const page = await this.readAllPage(from, FORWARDS);
      for (const recorded of page) {
        // The server reads from `from` inclusively: drop what lies at or before the cursor.
        if (!isAfter(recorded.position, cursor)) continue;
        cursor = recorded.position;
        const stored = toStoredEvent(this.prefix, recorded);
        if (stored === undefined) continue;
        found.push(stored);
        if (found.length === count) return found;
      }
      if (page.length < this.pageSize) return found;
      from = cursor;
    }
  }

  /** The position of this prefix's last event: `$all` read backwards a page at a time. */
  async head(): Promise<number> {
    let from: Position | typeof END = END;
    let cursor: Position | undefined;
    for (;;) {
      const page = await this.readAllPage(from, BACKWARDS);
      for (const recorded of page) {
        if (cursor !== undefined && !isAfter(cursor, recorded.position)) continue;
        cursor = recorded.position;
        const stored = toStoredEvent(this.prefix, recorded);
        if (stored !== undefined) return stored.position;
      }
      if (page.length < this.pageSize || cursor === undefined) return 0;
      from = cursor;
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

  private async readAllPage(
    from: Position | typeof END | 'start',
    direction: typeof FORWARDS | typeof BACKWARDS,
  ): Promise<AllStreamRecordedEvent[]> {
    const page = await collect(this.client.readAll({ fromPosition: from, direction, maxCount: this.pageSize }));
    return page.flatMap((resolved) => (resolved.event === undefined ? [] : [resolved.event]));
  }
}
