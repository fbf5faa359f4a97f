/**
 * The EventStoreDB (KurrentDB) adapter of the event-store port, over gRPC with `@eventstore/db-client` 6.x.
 *
 * Usage: `const store = EventStoreDbEventStore.connect({ connectionString: 'esdb://localhost:2113?tls=false' })`
 * (synchronous: the client connects lazily, so a bad connection string throws here and an unreachable server
 * shows on the first call as EventStoreUnavailableError; `await store.ping()` checks at start-up).
 * Options: `streamPrefix` (default `lms`), `readPageSize` (events per `$all` page, default 500),
 * `readConcurrency` (streams read in parallel before an append, default 16), `resubscribe` (backoff, default
 * 100 ms doubling to 5 s), `onSubscriptionError(error, attempt, delayMs)` (called before each resubscription).
 * The credentials need read access to `$all` (a system stream: admins only by default), unless the server runs
 * insecure. Pure mapping rules (names, revisions, positions, errors, filter, checkpoint) live in
 * eventStoreDbMapping.ts with their unit tests.
 *
 * Design notes:
 * - Streams: logical `training-ada` is stored as `{prefix}-training-ada`. Command records and checkpoints live in
 *   `{prefix}:command-{commandId}` and `{prefix}:checkpoint-{name}` (a `:`, not a `-`, so they can never collide
 *   with a logical stream, and the readers and the subscription filter skip them by construction).
 * - Events: JSON events with the port's id (a UUID; the engine derives it from the command id and the event's
 *   index), type, `data` as the JSON body and the port's EventMetadata (R20) as the JSON metadata.
 * - Positions are `$all` commit positions (see eventStoreDbMapping.ts): they increase in `$all` order but are log
 *   byte offsets, not 1, 2, 3, so the contract suite's checks of exact positions (1, 2, 3...; head 3 after three
 *   events; readAll(5) as "after the 5th event") cannot hold here; ordering, paging and "after position p" do.
 *   Only positions this store returned (or 0) may be passed back to readAll / subscribe. Stream reads need the
 *   server to report `$all` positions (added to the server in 2022; older servers send "no position", which is
 *   refused with a clear error). The append result's position is the server's commit position of the last event
 *   written, which for an implicit-commit append is that event's own position; when the server gives none (an
 *   idempotent retry) or the revision is not the predicted one, the event at the new revision is read back.
 * - Multi-stream atomicity: EventStoreDB appends to one stream at a time. `append` therefore (1) refuses a
 *   duplicate command id, (2) reads every stream of the call (all of it: EventStoreDB has no index by event id,
 *   and the replay check needs the stored ids) and checks every write with `planAppend`, the same rules as the
 *   SQLite and memory stores, simulating the earlier writes of the call, (3) only then appends each write, in
 *   order, with its own expected revision, which the server checks again, and (4) writes the command record.
 *   So a conflict that exists when the append starts stores nothing, as the contract requires. What remains is
 *   a race window: if another writer appends to one of the streams between step 2 and that stream's append,
 *   the server refuses that write with WrongExpectedVersion, the call throws WrongExpectedRevisionError, and the
 *   writes before it in the same call are already stored (and no command record is written). A crash between
 *   two writes leaves the same partial state. Both converge on retry: the retried command carries the same event
 *   ids, the stored writes are recognised as replays (nothing is stored twice) and the missing ones are written.
 *   A concurrent duplicate of the same command id is likewise only caught at step 4 (the record stream is
 *   appended with NO_STREAM): its events may already be stored when it gets DuplicateCommandError.
 * - Idempotency: a write whose first id is already stored in its stream is a replay when all its ids sit there
 *   at consecutive revisions in the same order; it stores nothing and returns the original revision and position,
 *   whatever its expected revision (the contract's rule, stronger than the server's own idempotency, which only
 *   holds for a retry with the same expected revision). When the server refuses a write with a conflict, the
 *   stream is read again: if the write's events are now stored there (a concurrent retry of the same append won),
 *   the write counts as a replay instead of a conflict. Not covered: an id already stored in a stream that the
 *   call does not touch (EventStoreDB cannot look ids up), and a replay of events planned earlier in the same call.
 * - Cost: each append reads every stream it writes in full (in parallel, `readConcurrency` at a time) before
 *   writing; fine for the engine's per-aggregate streams, linear in their length.
 * - readAll / headPosition page through `$all` (`readPageSize` events per request, forwards / backwards) and keep
 *   this prefix's events only: the 6.x client has no server-side filter for reads, so on a server shared with
 *   much other data they scan past it. Both skip `$` streams and types and the adapter's `:` streams.
 * - Subscriptions use the client's `subscribeToAll` with a server-side stream-name filter `^{prefix}-` (not the
 *   shared readAll-polling CatchUpSubscription: the server pushes live events, so no polling interval), consumed
 *   with `for await`. After an error or a server restart they resubscribe with exponential backoff from the
 *   position of the last event handed to the consumer (never from `checkpointReached`), dropping anything at or
 *   before it. `close()` resolves pending `next()` calls as done and cancels the gRPC call.
 * - Checkpoints: one event per write in `{prefix}:checkpoint-{name}`, whose `$maxCount` is set to 1 on the first
 *   write through this store instance (when the stream metadata does not say so already); reads take the last event.
 * - Errors: unavailable / deadline / not-leader / access-denied / discovery failures become
 *   EventStoreUnavailableError; every operation after `close()` throws it too.
 */
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  jsonEvent,
  type AllStreamRecordedEvent,
  type AllStreamSubscription,
  type AppendResult as EsdbAppendResult,
  type EventData,
  type Position,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import {
  DuplicateCommandError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type AppendOptions,
  type AppendResult,
  type CommandRecord,
  type EventStore,
  type StoredEvent,
  type StreamWrite,
  type StreamWriteResult,
  type SubscribeOptions,
  type Subscription,
} from '../../handlers/ports/eventStore';
import {
  DEFAULT_STREAM_PREFIX,
  EventStoreDbMappingError,
  advanceCheckpoint,
  backoffDelay,
  checkpointStream,
  commandStream,
  fromEsdbRevision,
  isAfter,
  isStreamNotFound,
  isWrongExpectedVersion,
  planAppend,
  subscriptionFilter,
  toEsdbCursor,
  toEsdbExpectedRevision,
  toEsdbReadPosition,
  toEventData,
  toPhysicalStream,
  toPortPosition,
  toStoredEvent,
  toWrongExpectedRevision,
  translateError,
  validateStreamPrefix,
  type AppendStep,
  type BackoffOptions,
  type StreamSnapshot,
} from './eventStoreDbMapping';

export interface EventStoreDbEventStoreOptions {
  /** `esdb://host:2113?tls=false`, `esdb+discover://...` for a cluster; credentials as `esdb://user:pass@host...`. */
  connectionString: string;
  /** Prefix of every stream this store writes (letters, digits, _). Default `lms`. */
  streamPrefix?: string;
  /** Events per `$all` read request (default 500, at least 2). */
  readPageSize?: number;
  /** Streams read in parallel before an append (default 16). */
  readConcurrency?: number;
  /** Resubscription backoff (default 100 ms doubling up to 5000 ms). */
  resubscribe?: BackoffOptions;
  /** Called when a subscription failed or ended and is about to resubscribe after `delayMs`. */
  onSubscriptionError?: (error: unknown, attempt: number, delayMs: number) => void;
}

const COMMAND_RECORDED = 'CommandRecorded';
const CHECKPOINT_WRITTEN = 'CheckpointWritten';
const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

function integerAtLeast(value: number | undefined, fallback: number, min: number, name: string): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result < min)
    throw new RangeError(`${name} must be an integer >= ${min}, not ${result}`);
  return result;
}

/** Connection-string errors without the credentials a connection string may carry. */
function redact(text: string): string {
  return text.replace(/\/\/[^@/\s]*@/g, '//***@');
}

/**
 * Reads a whole (bounded) client stream with `for await`. A no-op error listener stays attached so an error the
 * client emits after the loop has ended cannot crash the process; errors during the loop still reach it.
 */
async function collect<T>(read: StreamingRead<T>): Promise<T[]> {
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

interface CommandRecordedData {
  commandId: string;
  reply: unknown;
  position: number;
}

function isCommandRecorded(data: unknown): data is CommandRecordedData {
  if (typeof data !== 'object' || data === null) return false;
  const record = data as Record<string, unknown>;
  return typeof record.commandId === 'string' && typeof record.position === 'number' && 'reply' in record;
}

export class EventStoreDbEventStore implements EventStore {
  private readonly prefix: string;
  private readonly readPageSize: number;
  private readonly readConcurrency: number;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();
  /** Checkpoint streams whose `$maxCount = 1` this instance has made sure of. */
  private readonly limitedCheckpoints = new Set<string>();
  private closed = false;

  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: EventStoreDbEventStoreOptions,
  ) {
    this.prefix = validateStreamPrefix(options.streamPrefix ?? DEFAULT_STREAM_PREFIX);
    // At least 2: a page read from an event's position repeats that event, so a page of 1 would never advance.
    this.readPageSize = integerAtLeast(options.readPageSize, 500, 2, 'readPageSize');
    this.readConcurrency = integerAtLeast(options.readConcurrency, 16, 1, 'readConcurrency');
  }

  /** Creates the client (no network yet). Throws RangeError for a bad connection string, prefix or option. */
  static connect(options: EventStoreDbEventStoreOptions): EventStoreDbEventStore {
    validateStreamPrefix(options.streamPrefix ?? DEFAULT_STREAM_PREFIX);
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(options.connectionString);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new RangeError(`invalid EventStoreDB connection string: ${redact(message)}`);
    }
    return new EventStoreDbEventStore(client, options);
  }

  /** The stream prefix in use (e.g. for logs). */
  get streamPrefix(): string {
    return this.prefix;
  }

  /** Asks the server for the last event of `$all`: resolves when it answers, EventStoreUnavailableError when not. */
  async ping(): Promise<void> {
    await this.guard('pinging the server', async () => {
      await collect(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
    });
  }

  async append(writes: StreamWrite[], options: AppendOptions = {}): Promise<AppendResult> {
    return this.guard('appending', async () => {
      const command = options.command;
      if (command !== undefined && (await this.readCommand(command.commandId)) !== undefined) {
        throw new DuplicateCommandError(command.commandId);
      }
      const streams = [...new Set(writes.map((write) => write.stream))];
      const snapshots = new Map<string, StreamSnapshot>();
      await mapLimited(streams, this.readConcurrency, async (stream) => {
        snapshots.set(stream, await this.snapshot(stream));
      });
      const steps = planAppend(writes, snapshots);
      // Everything that can be refused without the server is refused now, before the first write.
      const payloads = steps.map((step) => (step.kind === 'append' ? step.write.events.map(toEventData) : []));
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
      const position = highest > 0 ? highest : await this.head();
      if (command !== undefined) await this.recordCommand(command, position);
      return { streams: results, position };
    });
  }

  async readStream(stream: string, fromRevision = 0): Promise<StoredEvent[]> {
    return this.guard('reading a stream', async () => {
      const from = Math.max(0, Math.ceil(fromRevision));
      if (!Number.isSafeInteger(from)) throw new RangeError(`fromRevision must be an integer, not ${fromRevision}`);
      const recorded = await this.readPhysical(toPhysicalStream(this.prefix, stream), { fromRevision: BigInt(from) });
      return recorded.flatMap((event) => {
        const stored = toStoredEvent(this.prefix, event);
        return stored === undefined ? [] : [stored];
      });
    });
  }

  async streamRevision(stream: string): Promise<number> {
    return this.guard('reading a stream revision', async () => {
      const [last] = await this.readPhysical(toPhysicalStream(this.prefix, stream), {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      });
      return last === undefined ? -1 : fromEsdbRevision(last.revision);
    });
  }

  async readAll(fromPosition: number, limit: number): Promise<StoredEvent[]> {
    return this.guard('reading $all', async () => {
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
        if (page.length < this.readPageSize) return found;
        from = cursor;
      }
    });
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.assertOpen();
    const subscription: EventStoreDbSubscription = new EventStoreDbSubscription({
      client: this.client,
      prefix: this.prefix,
      fromPosition: options.fromPosition,
      backoff: this.options.resubscribe ?? {},
      onError: this.options.onSubscriptionError,
      onClose: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number> {
    return this.guard('reading the head position', () => this.head());
  }

  async findCommand(commandId: string): Promise<CommandRecord | undefined> {
    return this.guard('reading a command record', () => this.readCommand(commandId));
  }

  async readCheckpoint(name: string): Promise<number> {
    return this.guard('reading a checkpoint', async () => {
      const [last] = await this.readPhysical(checkpointStream(this.prefix, name), {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      });
      if (last === undefined) return 0;
      const position: unknown = (last.data as { position?: unknown } | null)?.position;
      if (typeof position !== 'number') {
        throw new EventStoreDbMappingError(`checkpoint ${name}: the last event of ${last.streamId} holds no position`);
      }
      return position;
    });
  }

  async writeCheckpoint(name: string, position: number): Promise<void> {
    await this.guard('writing a checkpoint', async () => {
      if (!Number.isSafeInteger(position) || position < 0) {
        throw new RangeError(`checkpoint position must be a non-negative safe integer, not ${position}`);
      }
      const stream = checkpointStream(this.prefix, name);
      await this.client.appendToStream(stream, jsonEvent({ type: CHECKPOINT_WRITTEN, data: { name, position } }));
      if (!this.limitedCheckpoints.has(stream)) {
        const { metadata } = await this.client.getStreamMetadata(stream);
        if (metadata?.maxCount !== 1) await this.client.setStreamMetadata(stream, { ...metadata, maxCount: 1 });
        this.limitedCheckpoints.add(stream);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    try {
      await this.client.dispose();
    } catch {
      // Closing anyway: the channel is dropped with the client.
    }
  }

  /** One planned write: the server checks the expected revision again (see the header for the race it closes). */
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
    // A fresh write's result carries the position of its last event. Otherwise (the server took it for an
    // idempotent retry, or another writer's events moved the revision) the event at nextRevision is read back.
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
        const [step] = planAppend([write], new Map([[write.stream, snapshot]]));
        if (step?.kind === 'done') return step.result;
      } catch (refusal) {
        if (!(refusal instanceof WrongExpectedRevisionError)) throw refusal;
      }
    }
    throw toWrongExpectedRevision(error, write.stream, write.expectedRevision, snapshot.revision);
  }

  private async recordCommand(command: CommandRecord, position: number): Promise<void> {
    const data: CommandRecordedData = { commandId: command.commandId, reply: command.reply ?? null, position };
    let result: EsdbAppendResult;
    try {
      result = await this.client.appendToStream(
        commandStream(this.prefix, command.commandId),
        jsonEvent({ type: COMMAND_RECORDED, data: { ...data } }),
        {
          expectedRevision: NO_STREAM,
        },
      );
    } catch (error) {
      if (isWrongExpectedVersion(error)) throw new DuplicateCommandError(command.commandId);
      throw error;
    }
    if (!result.success) throw new DuplicateCommandError(command.commandId);
  }

  private async readCommand(commandId: string): Promise<CommandRecord | undefined> {
    const [first] = await this.readPhysical(commandStream(this.prefix, commandId), { maxCount: 1 });
    if (first === undefined) return undefined;
    if (!isCommandRecorded(first.data)) {
      throw new EventStoreDbMappingError(
        `command ${commandId}: ${first.streamId} does not hold a ${COMMAND_RECORDED} event`,
      );
    }
    return { commandId, reply: first.data.reply, position: first.data.position };
  }

  /** A stream's events and last revision as `planAppend` needs them. */
  private async snapshot(stream: string): Promise<StreamSnapshot> {
    const recorded = await this.readPhysical(toPhysicalStream(this.prefix, stream), {});
    const events = recorded.map((event) => ({
      id: event.id,
      revision: fromEsdbRevision(event.revision),
      position: event.position,
    }));
    return { revision: events[events.length - 1]?.revision ?? -1, events };
  }

  private async positionAt(physical: string, revision: number): Promise<number> {
    const [event] = await this.readPhysical(physical, { fromRevision: BigInt(revision), maxCount: 1 });
    if (event === undefined)
      throw new EventStoreDbMappingError(`${physical} has no event at revision ${revision} right after writing it`);
    return toPortPosition(event.position);
  }

  /** The position of this prefix's last event: `$all` read backwards a page at a time. */
  private async head(): Promise<number> {
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
      if (page.length < this.readPageSize || cursor === undefined) return 0;
      from = cursor;
    }
  }

  private async readAllPage(
    from: Position | typeof END | 'start',
    direction: typeof FORWARDS | typeof BACKWARDS,
  ): Promise<AllStreamRecordedEvent[]> {
    const page = await collect(this.client.readAll({ fromPosition: from, direction, maxCount: this.readPageSize }));
    return page.flatMap((resolved) => (resolved.event === undefined ? [] : [resolved.event]));
  }

  /** A stream's recorded events (links not resolved); a stream that does not exist reads as empty. */
  private async readPhysical(physical: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    try {
      const read = await collect(this.client.readStream(physical, options));
      return read.flatMap((resolved) => (resolved.event === undefined ? [] : [resolved.event]));
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('EventStoreDB event store is closed');
  }

  /** Runs an operation, turning "the server cannot be used" errors into EventStoreUnavailableError. */
  private async guard<T>(doing: string, operation: () => Promise<T>): Promise<T> {
    this.assertOpen();
    try {
      return await operation();
    } catch (error) {
      if (this.closed && !(error instanceof EventStoreUnavailableError)) {
        throw new EventStoreUnavailableError(`EventStoreDB event store closed while ${doing}`, { cause: error });
      }
      throw translateError(error, doing);
    }
  }
}

interface SubscriptionOptions {
  client: EventStoreDBClient;
  prefix: string;
  fromPosition: number;
  backoff: BackoffOptions;
  onError: ((error: unknown, attempt: number, delayMs: number) => void) | undefined;
  onClose: () => void;
}

/** Cancels the gRPC call and ends the readable, so a `for await` over it finishes. */
async function stop(subscription: AllStreamSubscription): Promise<void> {
  try {
    await subscription.unsubscribe();
  } catch {
    // The call may never have started (connection failure): nothing to cancel.
  }
  subscription.destroy();
}

/**
 * A catch-up-then-live subscription on `$all` through the client's `subscribeToAll` (see the header). One consumer;
 * `next()` calls are queued in order by the async generator behind it.
 */
class EventStoreDbSubscription implements Subscription, AsyncIterator<StoredEvent, undefined> {
  private closed = false;
  /** Position of the last event handed to the consumer: where a resubscription resumes. */
  private checkpoint: number;
  private current: AllStreamSubscription | undefined;
  private wakeSleeper: (() => void) | undefined;
  /** Callers of next() still waiting: close() resolves them as done. */
  private readonly waiting = new Set<(result: IteratorResult<StoredEvent, undefined>) => void>();
  private readonly events: AsyncGenerator<StoredEvent, undefined, undefined>;

  constructor(private readonly options: SubscriptionOptions) {
    this.checkpoint = Math.max(0, Math.floor(options.fromPosition));
    toEsdbReadPosition(this.checkpoint); // validates it now rather than in the first next()
    this.events = this.run();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StoredEvent, undefined>> {
    if (this.closed) return Promise.resolve(DONE);
    // Not Promise.race with one long-lived "closed" promise: every race would leave a reaction on it for as
    // long as the subscription lives. Each call registers itself until it settles, and close() settles the rest.
    return new Promise((resolve, reject) => {
      this.waiting.add(resolve);
      this.events.next().then(
        (result) => {
          if (this.waiting.delete(resolve)) resolve(result);
        },
        (error: unknown) => {
          if (this.waiting.delete(resolve)) reject(error);
        },
      );
    });
  }

  /** Called by `break` / `return` inside `for await`: the subscription is closed. */
  async return(): Promise<IteratorResult<StoredEvent, undefined>> {
    await this.close();
    return DONE;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const resolve of this.waiting) resolve(DONE);
    this.waiting.clear();
    this.wakeSleeper?.();
    const current = this.current;
    this.current = undefined;
    if (current !== undefined) void stop(current);
    // A generator parked at `yield` runs its `finally` now; a running one once its pending read settles.
    this.events.return(undefined).catch(() => undefined);
    this.options.onClose();
    return Promise.resolve();
  }

  private async *run(): AsyncGenerator<StoredEvent, undefined, undefined> {
    const { client, prefix } = this.options;
    let attempt = 0;
    while (!this.closed) {
      const subscription = client.subscribeToAll({
        fromPosition: toEsdbReadPosition(this.checkpoint),
        filter: subscriptionFilter(prefix),
      });
      // Errors reach the for-await below; this listener only keeps a late one from crashing the process.
      subscription.on('error', () => undefined);
      this.current = subscription;
      let failure: unknown;
      try {
        for await (const resolved of subscription) {
          if (this.closed) break;
          attempt = 0;
          const event = resolved.event === undefined ? undefined : toStoredEvent(prefix, resolved.event);
          if (event === undefined) continue;
          const step = advanceCheckpoint(this.checkpoint, event);
          if (!step.deliver) continue;
          this.checkpoint = step.checkpoint;
          yield event;
        }
      } catch (error) {
        // An event the port cannot represent would fail again after a resubscription: the consumer gets it.
        if (error instanceof EventStoreDbMappingError) throw error;
        failure = error;
      } finally {
        if (this.current === subscription) this.current = undefined;
        await stop(subscription);
      }
      if (this.closed) return undefined;
      const delay = backoffDelay(attempt, this.options.backoff);
      this.options.onError?.(failure ?? new Error('EventStoreDB subscription ended'), attempt, delay);
      attempt += 1;
      await this.sleep(delay);
    }
    return undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeSleeper = undefined;
        resolve();
      }, ms);
      this.wakeSleeper = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        resolve();
      };
    });
  }
}
