/**
 * The append of the EventStoreDB adapter: a multi-stream append over a server that appends to one stream at a time.
 *
 * - Multi-stream atomicity: `append` (1) refuses a duplicate command id, (2) reads every stream of the call (all
 *   of it: EventStoreDB has no index by event id, and the replay check needs the stored ids) and checks every
 *   write with `appendSteps`, the same rules as the SQLite and memory stores, simulating the earlier writes of the
 *   call, (3) only then appends each write, in order, with its own expected revision, which the server checks
 *   again, and (4) writes the command record. So a conflict that exists when the append starts stores nothing, as
 *   the contract requires. What remains is a race window: if another writer appends to one of the streams between
 *   step 2 and that stream's append, the server refuses that write with WrongExpectedVersion, the call throws
 *   WrongExpectedRevisionError, and the writes before it in the same call are already stored (and no command record
 *   is written). A crash between two writes leaves the same partial state. Both converge on retry: the retried
 *   command carries the same event ids, the stored writes are recognised as replays (nothing is stored twice) and
 *   the missing ones are written. A concurrent duplicate of the same command id is likewise only caught at step 4
 *   (the record stream is appended with NO_STREAM): its events may already be stored when it gets
 *   DuplicateCommandError.
 * - Idempotency: a write whose first id is already stored in its stream is a replay when all its ids sit there
 *   at consecutive revisions in the same order; it stores nothing and returns the original revision and position,
 *   whatever its expected revision (the contract's rule, stronger than the server's own idempotency, which only
 *   holds for a retry with the same expected revision). When the server refuses a write with a conflict, the
 *   stream is read again: if the write's events are now stored there (a concurrent retry of the same append won),
 *   the write counts as a replay instead of a conflict. Not covered: an id already stored in a stream that the
 *   call does not touch (EventStoreDB cannot look ids up), and a replay of events claimed earlier in the same call.
 * - Positions: the append result's position is the server's commit position of the last event written, which for
 *   an implicit-commit append is that event's own position; when the server gives none or the revision is not
 *   the predicted one (v24.10 answers an idempotent retry with the original revision and position; another
 *   writer's events can move the revision), the event at the new revision is read back.
 * - Size: a write larger than the server's MaxAppendSize (1 MiB by default; option `maxAppendSize`) is refused
 *   with AppendTooLargeError before the first write, so the server's own refusal cannot leave a partial call.
 * - Cost: each append reads every stream it writes in full (in parallel, `readConcurrency` at a time) before
 *   writing; fine for the engine's per-aggregate streams, linear in their length.
 */
import type { AppendResult as EsdbAppendResult, EventData, EventStoreDBClient } from '@eventstore/db-client';
import {
  type AppendOptions,
  type AppendResult,
  AppendTooLargeError,
  DuplicateCommandError,
  type StreamWrite,
  type StreamWriteResult,
  WrongExpectedRevisionError,
} from '../../handlers/ports/eventStore';
import { type AppendStep, appendSteps, type StreamSnapshot } from './eventStoreDbAppendSteps';
import type { EventStoreDbCommandRecords } from './eventStoreDbCommands';
import { isWrongExpectedVersion, toWrongExpectedRevision } from './eventStoreDbErrors';
import {
  EventStoreDbMappingError,
  fromEsdbRevision,
  toEsdbExpectedRevision,
  toEventData,
  toPhysicalStream,
  toPortPosition,
} from './eventStoreDbMapping';
import type { EventStoreDbReader } from './eventStoreDbReads';

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * What one event counts against the server's MaxAppendSize, or a little more: v24.10 counts the data's bytes
 * (Event.SizeOnDisk); the metadata is counted too, so the check here never lets through what the server refuses.
 */
function appendBytes(event: EventData): number {
  return Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata ?? null));
}

export class EventStoreDbAppender {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly prefix: string,
    private readonly reader: EventStoreDbReader,
    private readonly commands: EventStoreDbCommandRecords,
    /** Streams read in parallel before an append. */
    private readonly readConcurrency: number,
    /** The server's MaxAppendSize: a larger write is refused before anything of the call is written. */
    private readonly maxAppendSize: number,
  ) {}

  async append(writes: StreamWrite[], options: AppendOptions): Promise<AppendResult> {
    const command = options.command;
    if (command !== undefined && (await this.commands.find(command.commandId)) !== undefined) {
      throw new DuplicateCommandError(command.commandId);
    }
    const streams = [...new Set(writes.map((write) => write.stream))];
    const snapshots = new Map<string, StreamSnapshot>();
    await mapLimited(streams, this.readConcurrency, async (stream) => {
      snapshots.set(stream, await this.snapshot(stream));
    });
    const steps = appendSteps(writes, snapshots);
    // Everything that can be refused without the server is refused now, before the first write.
    const payloads = steps.map((step) => (step.kind === 'append' ? step.write.events.map(toEventData) : []));
    for (const [index, step] of steps.entries()) {
      const bytes = (payloads[index] ?? []).reduce((sum, event) => sum + appendBytes(event), 0);
      if (bytes > this.maxAppendSize) throw new AppendTooLargeError(step.write.stream, bytes, this.maxAppendSize);
    }
    const results: StreamWriteResult[] = [];
    let highest = 0;
    for (const [index, step] of steps.entries()) {
      if (step.kind === 'done') {
        results.push(step.result);
        continue;
      }
      const result = await this.appendStep(step, payloads[index] ?? []);
      results.push(result);
      highest = Math.max(highest, result.position);
    }
    const position = highest > 0 ? highest : await this.reader.head();
    if (command !== undefined) await this.commands.record(command, position);
    return { streams: results, position };
  }

  /** One write of the append: the server checks the expected revision again (see the header for the race it closes). */
  private async appendStep(
    step: Extract<AppendStep, { kind: 'append' }>,
    events: EventData[],
  ): Promise<StreamWriteResult> {
    const { write } = step;
    const physical = toPhysicalStream(this.prefix, write.stream);
    let result: EsdbAppendResult;
    try {
      result = await this.client.appendToStream(physical, events, {
        expectedRevision: toEsdbExpectedRevision(write.expectedRevision),
      });
    } catch (error) {
      if (isWrongExpectedVersion(error)) return this.afterConflict(write, error);
      throw error;
    }
    // With throwOnAppendFailure=false in the connection string the client reports a conflict this way.
    if (!result.success) return this.afterConflict(write, undefined);
    const nextRevision = fromEsdbRevision(result.nextExpectedRevision);
    // A fresh write's result carries the position of its last event. Otherwise (no position, or a revision other
    // than predicted) the event at nextRevision is read back.
    const position =
      result.position !== undefined && nextRevision === step.lastRevision
        ? toPortPosition(result.position)
        : await this.positionAt(physical, nextRevision);
    return { stream: write.stream, nextRevision, position };
  }

  /** The server refused a write: a replay if its events are stored there now, else the port's conflict. */
  private async afterConflict(write: StreamWrite, error: unknown): Promise<StreamWriteResult> {
    const snapshot = await this.snapshot(write.stream);
    if (write.events.length > 0) {
      try {
        const [step] = appendSteps([write], new Map([[write.stream, snapshot]]));
        if (step?.kind === 'done') return step.result;
      } catch (refusal) {
        if (!(refusal instanceof WrongExpectedRevisionError)) throw refusal;
      }
    }
    throw toWrongExpectedRevision(error, write.stream, write.expectedRevision, snapshot.revision);
  }

  /** A stream's events and last revision as `appendSteps` needs them. */
  private async snapshot(stream: string): Promise<StreamSnapshot> {
    const recorded = await this.reader.readPhysical(toPhysicalStream(this.prefix, stream), {});
    const events = recorded.map((event) => ({
      id: event.id,
      revision: fromEsdbRevision(event.revision),
      position: event.position,
    }));
    return { revision: events[events.length - 1]?.revision ?? -1, events };
  }

  private async positionAt(physical: string, revision: number): Promise<number> {
    const [event] = await this.reader.readPhysical(physical, { fromRevision: BigInt(revision), maxCount: 1 });
    if (event === undefined)
      throw new EventStoreDbMappingError(`${physical} has no event at revision ${revision} right after writing it`);
    return toPortPosition(event.position);
  }
}
