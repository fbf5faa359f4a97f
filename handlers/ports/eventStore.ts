/**
 * The event-store port. Every adapter (SQLite embedded default, in-memory, EventStoreDB) implements it and is
 * proven by the one contract suite in test/contract/eventStoreContract.ts.
 *
 * Revisions count a stream's events from 0; positions order every event in the store, increasing, starting
 * above 0 (position 0 means "before the first event"). Both stay below 2^53 and are plain numbers.
 */

/**
 * `no_stream`: the stream must not exist; `stream_exists`: it must; `any`: no check; a number: the exact revision of
 * the stream's last event.
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

/** R20: what every event records beside its data. */
export interface EventMetadata {
  actorId: string;
  commandId: string;
  correlationId: string;
  causationId?: string | undefined;
  occurredAt: string;
  reason?: string | undefined;
  notes?: string | undefined;
}

export interface NewEvent {
  /** A UUID; appending the same ids again is idempotent (see `append`). */
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

export interface StoredEvent {
  id: string;
  stream: string;
  type: string;
  revision: number;
  position: number;
  data: unknown;
  metadata: EventMetadata;
}

/** A place in a by-stream read: the stream and revision of the event read last. */
export interface StreamCursor {
  stream: string;
  revision: number;
}

export interface StreamWrite {
  stream: string;
  expectedRevision: ExpectedRevision;
  events: NewEvent[];
}

export interface StreamWriteResult {
  stream: string;
  /** The revision of the stream's last event after the write (-1: the stream is still empty). */
  nextRevision: number;
  /** Position of the stream's last written event; 0 when the write held no events. */
  position: number;
}

export interface AppendResult {
  streams: StreamWriteResult[];
  /** The highest position written, or the store's head when nothing was written. */
  position: number;
  /**
   * Optional: the position of the first event written, when the store knows that this append's events, and none
   * other, hold every position from it to `position` (SQLite; absent when nothing new was written).
   */
  firstPosition?: number;
}

/** The reply to a command, kept so the same command id gets the same reply again (R21). */
export interface CommandRecord {
  commandId: string;
  reply: unknown;
  /**
   * Who sent the command, and its type (R21): the first reply goes back only to them. Records written before owners
   * were kept, and the engine's own derived commands, have none.
   */
  owner?: CommandOwner | undefined;
  /** Filled in by the store when read back: the position of the append that recorded the command. */
  position?: number;
}

export interface CommandOwner {
  actorId: string;
  type: string;
}

export interface AppendOptions {
  /**
   * Stored in the same transaction as the events where the adapter can (SQLite, memory). When a record with
   * this command id exists already, the append throws DuplicateCommandError and stores nothing.
   */
  command?: CommandRecord;
  /**
   * No other command of the caller's process is being decided or committed: a store that commits on another thread
   * may commit this one in place instead (one at a time, the two thread hops are most of the time beside the fsync).
   * A hint: stores may ignore it.
   */
  alone?: boolean;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number,
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${actual === -1 ? 'no stream' : actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** The command id is already recorded: nothing was stored; the first reply stands (R21). */
export class DuplicateCommandError extends Error {
  constructor(readonly commandId: string) {
    super(`command ${commandId} was already handled`);
    this.name = 'DuplicateCommandError';
  }
}

/** The store cannot be reached or written (disk, server down): the caller answers UNAVAILABLE. */
export class EventStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}

/**
 * The store refuses the engine's credentials (a wrong password, a user without the rights). An outage to the
 * commands in hand (they answer UNAVAILABLE and can be sent again), but one only an operator can end: the server
 * stops at start on it instead of waiting.
 */
export class EventStoreAccessDeniedError extends EventStoreUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreAccessDeniedError';
  }
}

/**
 * One stream write is larger than the store takes in one append (EventStoreDB: 1 MiB by default). Raised before
 * anything of the call is written: the command is refused as it stands and may be sent in smaller parts.
 */
export class AppendTooLargeError extends Error {
  constructor(
    readonly stream: string,
    readonly bytes: number | undefined,
    readonly limit: number,
  ) {
    const size = bytes === undefined ? '' : ` ${bytes} bytes,`;
    super(`the events for ${stream} are${size} over the event store's limit of ${limit} bytes per write`);
    this.name = 'AppendTooLargeError';
  }
}

/**
 * R30: the log itself is damaged (a page of its file, an event whose checksum no longer matches). Not an outage: a
 * retry cannot help. The message names the file and the remedy; the engine stops rather than answer around it.
 */
export class EventStoreCorruptError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreCorruptError';
  }
}

/**
 * A stream's state folded up to a revision, kept beside the log so that loading a long stream reads the snapshot
 * and the events after it instead of every event from the first (issue #19). A cache: events stay the truth.
 */
export interface StreamSnapshot {
  /** The revision of the last event folded into it. */
  revision: number;
  /** Who may read it: the aggregate's codec and the domain code that folded it; any other reader ignores it. */
  format: string;
  /** The state as the aggregate's codec wrote it (JSON text). */
  state: string;
}

/** R30: what a check of the whole log found. */
export interface IntegrityReport {
  /** Events whose checksum was recomputed and matched. */
  checked: number;
  /** Events stored before checksums were kept (nothing to compare). */
  unchecked: number;
  /** The first event that does not match its checksum, or the storage's own finding; undefined when all is well. */
  firstDamage?: { position: number | null; problem: string };
}

export interface Subscription extends AsyncIterable<StoredEvent> {
  /** Ends the iteration; pending `next()` calls resolve as done. */
  close(): Promise<void>;
}

export interface SubscribeOptions {
  /** Deliver events after this position (0: from the start). */
  fromPosition: number;
}

export interface EventStore {
  /**
   * Appends to one or several streams atomically: either every write is stored or none is.
   * Each write's expected revision is checked; a mismatch throws WrongExpectedRevisionError and stores nothing.
   * Re-appending events whose ids are already stored in that stream, in the same order, is idempotent:
   * nothing is stored again and the original result is returned.
   */
  append(writes: StreamWrite[], options?: AppendOptions): Promise<AppendResult>;
  /** A stream's events from a revision on, in order; an unknown stream reads as empty. */
  readStream(stream: string, fromRevision?: number): Promise<StoredEvent[]>;
  /** The revision of the stream's last event, -1 when it does not exist. */
  streamRevision(stream: string): Promise<number>;
  /** Up to `limit` events with position greater than `fromPosition`, in position order. */
  readAll(fromPosition: number, limit: number): Promise<StoredEvent[]>;
  /**
   * Optional: the events after `fromPosition` up to `toPosition` (inclusive), in position order, of every stream but
   * the users' training streams (`training-*`): the reference data a decision reads, a small part of the log. Lets
   * the reference-data feed skip training events without reading them; without it the feed reads everything. With
   * `trainingTypes`, training events of those types come too (the reactor's view of the log: reference data and the
   * training events that give or take a rule's source).
   */
  readReferenceData?(
    fromPosition: number,
    toPosition: number,
    limit: number,
    trainingTypes?: readonly string[],
  ): Promise<StoredEvent[]>;
  /** Optional: several whole streams in one read (a reactor's chunk of users); missing streams read as empty. */
  readStreams?(streams: readonly string[]): Promise<Map<string, StoredEvent[]>>;
  /**
   * Optional: the events of every stream whose name starts with `prefix` (not empty), stream after stream in name
   * order (binary) and each stream in revision order, only those at or below `toPosition`: up to `limit` of them
   * after `after` (the stream and revision read last; undefined to start). Lets a rebuild fold one user at a time
   * instead of holding every user's state while it reads the log in global order.
   */
  readStreamsByPrefix?(
    prefix: string,
    toPosition: number,
    after: StreamCursor | undefined,
    limit: number,
  ): Promise<StoredEvent[]>;
  /** Catch-up then live: every event after `fromPosition`, in order, and then new ones as they are appended. */
  subscribe(options: SubscribeOptions): Subscription;
  /**
   * Optional: true when the server pushes new events to subscribe() (nothing polls behind it), so an idle engine waits
   * on a subscription instead of asking for the head again and again.
   */
  readonly pushesNewEvents?: boolean;
  /** The position of the last stored event, 0 when empty. */
  headPosition(): Promise<number>;
  /** Optional: one small call to a store server, so a start-up finds a wrong address or password at once. */
  ping?(): Promise<void>;
  findCommand(commandId: string): Promise<CommandRecord | undefined>;
  /** Optional (R30): checks the storage and every event's checksum; a store with its own guarantees may leave it out. */
  verifyIntegrity?(onProgress?: (checked: number) => void): Promise<IntegrityReport>;
  /**
   * Optional: the snapshot kept for a stream, or undefined (none, or one the store finds damaged). Stores without
   * snapshots fold every stream from its first event.
   */
  readSnapshot?(stream: string): Promise<StreamSnapshot | undefined>;
  /**
   * Optional (with readSnapshot): keeps a stream's snapshot in place of the one kept, unless that one is of the same
   * format and a later revision; one past the stream's last event is not kept. Not durable at once (no fsync of its
   * own): a snapshot lost costs a longer fold, never an event.
   */
  writeSnapshot?(stream: string, snapshot: StreamSnapshot): Promise<void>;
  /** A named checkpoint (reactors): the position up to which its owner has handled events. */
  readCheckpoint(name: string): Promise<number>;
  writeCheckpoint(name: string, position: number): Promise<void>;
  close(): Promise<void>;
}
