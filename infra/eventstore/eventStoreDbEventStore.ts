/**
 * The EventStoreDB (KurrentDB) adapter of the event-store port, over gRPC with `@eventstore/db-client` 6.x.
 *
 * Usage: `const store = EventStoreDbEventStore.connect({ connectionString: 'esdb://localhost:2113?tls=false' })`
 * (synchronous: the client connects lazily, so a bad connection string throws here and an unreachable server
 * shows on the first call as EventStoreUnavailableError; `await store.ping()` checks at start-up).
 * Options: `streamPrefix` (default `lms`), `readPageSize` (events per `$all` page, default 500), `readSilenceMs`, `maxAppendSize`,
 * `readConcurrency` (streams read in parallel before an append, default 16), `resubscribe` (backoff, default
 * 100 ms doubling to 5 s), `onSubscriptionError(error, attempt, delayMs)` (called before each resubscription).
 * The credentials need read access to `$all` (a system stream: admins only by default), unless the server runs
 * insecure.
 *
 * This file is the port's face: options, lifecycle and error translation. The work is done beside it:
 * eventStoreDbAppend.ts (multi-stream append, with the pure check in eventStoreDbAppendSteps.ts),
 * eventStoreDbReads.ts (stream and `$all` reads), eventStoreDbSubscription.ts, eventStoreDbCommands.ts,
 * eventStoreDbCheckpoints.ts. Pure mapping rules (names, revisions, positions, events) live in
 * eventStoreDbMapping.ts and error recognition in eventStoreDbErrors.ts, with their unit tests.
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
 *   refused with a clear error).
 * - Errors: unavailable / deadline / not-leader / access-denied / discovery failures become
 *   EventStoreUnavailableError; every operation after `close()` throws it too.
 */
import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import {
  type AppendOptions,
  type AppendResult,
  type CommandRecord,
  type EventStore,
  EventStoreUnavailableError,
  type StoredEvent,
  type StreamWrite,
  type SubscribeOptions,
  type Subscription,
} from '../../handlers/ports/eventStore';
import { EventStoreDbAppender } from './eventStoreDbAppend';
import { EventStoreDbCheckpoints } from './eventStoreDbCheckpoints';
import { EventStoreDbCommandRecords } from './eventStoreDbCommands';
import { translateError } from './eventStoreDbErrors';
import { DEFAULT_STREAM_PREFIX, validateStreamPrefix } from './eventStoreDbMapping';
import { collect, EventStoreDbReader } from './eventStoreDbReads';
import { type BackoffOptions, EventStoreDbSubscription } from './eventStoreDbSubscription';

export interface EventStoreDbEventStoreOptions {
  /** `esdb://host:2113?tls=false`, `esdb+discover://...` for a cluster; credentials as `esdb://user:pass@host...`. */
  connectionString: string;
  /** Prefix of every stream this store writes (letters, digits, _). Default `lms`. */
  streamPrefix?: string;
  /** Events per `$all` read request (default 500, at least 2). */
  readPageSize?: number;
  /** Streams read in parallel before an append (default 16). */
  readConcurrency?: number;
  /** The server's MaxAppendSize in bytes (default 1048576, the server's default): larger writes are refused first. */
  maxAppendSize?: number;
  /** How long a `$all` read waits for the server's next message before it counts as unavailable (default 30000). */
  readSilenceMs?: number;
  /** Resubscription backoff (default 100 ms doubling up to 5000 ms). */
  resubscribe?: BackoffOptions;
  /** Called when a subscription failed or ended and is about to resubscribe after `delayMs`. */
  onSubscriptionError?: (error: unknown, attempt: number, delayMs: number) => void;
}

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

export class EventStoreDbEventStore implements EventStore {
  private readonly prefix: string;
  private readonly reader: EventStoreDbReader;
  private readonly appender: EventStoreDbAppender;
  private readonly commands: EventStoreDbCommandRecords;
  private readonly checkpoints: EventStoreDbCheckpoints;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();
  private closed = false;
  /** subscribeToAll is pushed by the server: the engine server waits on it when idle (no polling of the head). */
  readonly pushesNewEvents = true;

  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: EventStoreDbEventStoreOptions,
  ) {
    this.prefix = validateStreamPrefix(options.streamPrefix ?? DEFAULT_STREAM_PREFIX);
    // At least 2: a page read from an event's position repeats that event, so a page of 1 would never advance.
    const readPageSize = integerAtLeast(options.readPageSize, 500, 2, 'readPageSize');
    const readConcurrency = integerAtLeast(options.readConcurrency, 16, 1, 'readConcurrency');
    const readSilenceMs = integerAtLeast(options.readSilenceMs, 30_000, 100, 'readSilenceMs');
    this.reader = new EventStoreDbReader(client, this.prefix, readPageSize, readSilenceMs);
    this.commands = new EventStoreDbCommandRecords(client, this.prefix, this.reader);
    const maxAppendSize = integerAtLeast(options.maxAppendSize, 1024 * 1024, 1, 'maxAppendSize');
    this.appender = new EventStoreDbAppender(
      client,
      this.prefix,
      this.reader,
      this.commands,
      readConcurrency,
      maxAppendSize,
    );
    this.checkpoints = new EventStoreDbCheckpoints(client, this.prefix, this.reader);
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
    return this.guard('appending', () => this.appender.append(writes, options));
  }

  async readStream(stream: string, fromRevision = 0): Promise<StoredEvent[]> {
    return this.guard('reading a stream', () => this.reader.readStream(stream, fromRevision));
  }

  async streamRevision(stream: string): Promise<number> {
    return this.guard('reading a stream revision', () => this.reader.streamRevision(stream));
  }

  async readAll(fromPosition: number, limit: number): Promise<StoredEvent[]> {
    return this.guard('reading $all', () => this.reader.readAll(fromPosition, limit));
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
    return this.guard('reading the head position', () => this.reader.head());
  }

  async findCommand(commandId: string): Promise<CommandRecord | undefined> {
    return this.guard('reading a command record', () => this.commands.find(commandId));
  }

  async readCheckpoint(name: string): Promise<number> {
    return this.guard('reading a checkpoint', () => this.checkpoints.read(name));
  }

  async writeCheckpoint(name: string, position: number): Promise<void> {
    await this.guard('writing a checkpoint', () => this.checkpoints.write(name, position));
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
