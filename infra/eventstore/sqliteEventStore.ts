/**
 * The embedded default EventStore: one SQLite file through better-sqlite3.
 *
 * Usage: `const store = SqliteEventStore.open({ file: `${dataDir}/events.db` })` (synchronous; the parent
 * folder is created when missing). Options: `synchronous` ('FULL' default, or 'NORMAL'), `pollIntervalMs`
 * (how often a caught-up subscription re-reads to see other processes' appends; default 50),
 * `subscriptionPageSize` (default 500), `busyTimeoutMs` (default 5000). `close()` ends its subscriptions.
 *
 * Design notes:
 * - WAL: readers never block the writer nor the writer readers, and another process (CLI next to a server)
 *   can share the file. synchronous = FULL fsyncs the WAL at every commit, so an acknowledged append
 *   survives power loss; NORMAL is offered for benchmarks and throwaway data (may lose the last commits).
 * - Group commit: appends arriving in the same event-loop turn share one BEGIN IMMEDIATE transaction (one fsync),
 *   each inside its own SAVEPOINT so a conflict rolls back only its own append.
 * - Appends run in BEGIN IMMEDIATE: the write lock is taken before the expected-revision check, so a second
 *   process cannot slip an append between our check and our insert (a deferred transaction would read, then
 *   fail to upgrade with SQLITE_BUSY). busy_timeout = 5000 lets writers queue instead of failing at once.
 * - A stream's revision is read from the (stream, revision) index the insert updates anyway: one lookup on the page
 *   about to be written, and no second table to keep in step (an earlier version kept one: it is dropped on open).
 *   The `id` UNIQUE constraint refuses an id reused anywhere. A whole `append` call is one transaction over prepared
 *   statements created once, so 1,000 streams × 1 event cost one fsync.
 * - Idempotency: a write whose first event id is stored in that stream, and whose ids are all stored there at
 *   consecutive revisions in the same order, stores nothing and returns the original result (whatever its
 *   expectedRevision). A partial match, another order, or an id stored in another stream is refused with
 *   WrongExpectedRevisionError for the write's stream (actual = that stream's current revision).
 * - A command record is checked first (a duplicate wins over a revision conflict) and inserted in the same
 *   transaction as the events.
 * - Errors meaning the store cannot be used (busy past the timeout, I/O, disk full, cannot open, read-only,
 *   corrupt, closed) become EventStoreUnavailableError; others (bugs) pass through unchanged.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SubscriptionHub } from './catchUpSubscription';
import {
  DuplicateCommandError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type AppendOptions,
  type AppendResult,
  type CommandRecord,
  type EventMetadata,
  type EventStore,
  type StoredEvent,
  type StreamCursor,
  type StreamWrite,
  type StreamWriteResult,
  type SubscribeOptions,
  type Subscription,
} from '../../handlers/ports/eventStore';
import { SqliteWriterThread } from './sqliteWriterThread';
import { matchesExpected, toJson } from './writeRules';

interface PendingAppend {
  writes: StreamWrite[];
  command: CommandRecord | undefined;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

export interface SqliteEventStoreOptions {
  /** The database file, e.g. `<dataDir>/events.db`. */
  file: string;
  /** Default FULL (durable at every commit); NORMAL trades the last commits on power loss for speed. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How often a caught-up subscription re-reads to see appends by other processes (default 50 ms). */
  pollIntervalMs?: number;
  /** Events per readAll page for subscriptions (default 500). */
  subscriptionPageSize?: number;
  /** How long a statement waits for another connection's lock before failing as unavailable (default 5000 ms). */
  busyTimeoutMs?: number;
  /**
   * Write through a worker thread with its own connection (a file, not ':memory:'): appends and checkpoints commit
   * there, group commit and fsync included, while this thread reads and decides. `lms serve` and the CLI use it.
   */
  writerThread?: boolean;
}

interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

/** LIMIT -1 means "no limit" in SQLite: a non-positive limit reads nothing (0). */
function pageSize(limit: number): number {
  const count = Math.floor(limit);
  return count > 0 ? count : 0;
}

interface IdRow {
  stream: string;
  revision: number;
  position: number;
}

/**
 * Reference data: every stream but users' training. The partial index and the query use this one text: SQLite uses
 * a partial index only when the query repeats its condition.
 */
const REFERENCE_STREAMS = "substr(stream, 1, 9) <> 'training-'";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  stream TEXT NOT NULL,
  revision INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  UNIQUE (stream, revision)
);
-- Reference data (every stream but users' training): the reference-data feed reads only these, a small part of the log.
CREATE INDEX IF NOT EXISTS events_reference ON events (position) WHERE ${REFERENCE_STREAMS};
DROP TABLE IF EXISTS streams;
CREATE TABLE IF NOT EXISTS commands (
  command_id TEXT PRIMARY KEY,
  reply TEXT NOT NULL,
  position INTEGER NOT NULL,
  recorded_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) WITHOUT ROWID;
`;

const UNAVAILABLE_CODES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_PROTOCOL',
  'SQLITE_NOMEM',
  'SQLITE_PERM',
];

/**
 * The SQLite result code of a driver error. Checked by shape, not `instanceof Database.SqliteError`: the native
 * addon keeps the first SqliteError class it was given, so after a module registry reset (jest runs each test
 * file with fresh modules and globals in a shared process) its errors are instances of neither the class we
 * import nor our realm's Error.
 */
function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

function isUnavailable(error: unknown): boolean {
  const sqlite = sqliteCode(error);
  if (sqlite !== undefined) {
    // Extended codes (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT, ...) share the primary code's prefix.
    return UNAVAILABLE_CODES.some((code) => sqlite === code || sqlite.startsWith(`${code}_`));
  }
  // better-sqlite3 throws a TypeError when the connection is closed (possibly from another realm, see above).
  const message: unknown = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : '';
  return typeof message === 'string' && /database connection is not open/i.test(message);
}

function isDuplicateEventId(error: unknown): boolean {
  const message = String((error as { message?: unknown } | null)?.message);
  return sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE' && message.includes('events.id');
}

/**
 * A stored event whose data and metadata are parsed on first use: readers that only need the type and position
 * (a referenceData skipping training events) never pay for JSON they do not read.
 */
function toEvent(row: EventRow): StoredEvent {
  let data: unknown;
  let metadata: EventMetadata | undefined;
  let dataParsed = false;
  return {
    id: row.id,
    stream: row.stream,
    type: row.type,
    revision: row.revision,
    position: row.position,
    get data(): unknown {
      if (!dataParsed) {
        data = JSON.parse(row.data) as unknown;
        dataParsed = true;
      }
      return data;
    },
    get metadata(): EventMetadata {
      metadata ??= JSON.parse(row.metadata) as EventMetadata;
      return metadata;
    },
  };
}

function prepareStatements(db: Database.Database) {
  return {
    streamRevision: db.prepare<[string], { revision: number | null }>(
      'SELECT MAX(revision) AS revision FROM events WHERE stream = ?',
    ),
    eventById: db.prepare<[string], IdRow>('SELECT stream, revision, position FROM events WHERE id = ?'),
    streamIdsFrom: db.prepare<[string, number, number], { id: string; revision: number; position: number }>(
      'SELECT id, revision, position FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
    ),
    insertEvent: db.prepare<[string, string, number, string, string, string]>(
      'INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    readStream: db.prepare<[string, number], EventRow>(
      'SELECT position, id, stream, revision, type, data, metadata FROM events WHERE stream = ? AND revision >= ? ORDER BY revision',
    ),
    readAll: db.prepare<[number, number], EventRow>(
      'SELECT position, id, stream, revision, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT ?',
    ),
    readReferenceData: db.prepare<[number, number, number], EventRow>(
      `SELECT position, id, stream, revision, type, data, metadata FROM events
       WHERE ${REFERENCE_STREAMS} AND position > ? AND position <= ? ORDER BY position LIMIT ?`,
    ),
    readStreams: db.prepare<[string], EventRow>(
      'SELECT position, id, stream, revision, type, data, metadata FROM events WHERE stream IN (SELECT value FROM json_each(?)) ORDER BY stream, revision',
    ),
    readReferenceDataAnd: db.prepare<[number, number, string, number], EventRow>(
      `SELECT position, id, stream, revision, type, data, metadata FROM events
       WHERE position > ? AND position <= ? AND (${REFERENCE_STREAMS} OR type IN (SELECT value FROM json_each(?))) ORDER BY position LIMIT ?`,
    ),
    // Keyset paging over the (stream, revision) unique index: each page starts where the last one ended.
    readStreamsByPrefix: db.prepare<[string, number, string, number, number], EventRow>(
      `SELECT position, id, stream, revision, type, data, metadata FROM events
       WHERE (stream, revision) > (?, ?) AND stream < ? AND position <= ? ORDER BY stream, revision LIMIT ?`,
    ),
    head: db.prepare<[], { head: number }>('SELECT COALESCE(MAX(position), 0) AS head FROM events'),
    findCommand: db.prepare<[string], { reply: string; position: number }>(
      'SELECT reply, position FROM commands WHERE command_id = ?',
    ),
    insertCommand: db.prepare<[string, string, number, string]>(
      'INSERT INTO commands (command_id, reply, position, recorded_at) VALUES (?, ?, ?, ?)',
    ),
    readCheckpoint: db.prepare<[string], { position: number }>('SELECT position FROM checkpoints WHERE name = ?'),
    writeCheckpoint: db.prepare<[string, number]>(
      'INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

export class SqliteEventStore implements EventStore {
  private readonly statements: Statements;
  private readonly groupTransaction: (
    batch: PendingAppend[],
  ) => ({ ok: true; result: AppendResult } | { ok: false; error: unknown })[];
  private readonly pending: PendingAppend[] = [];
  private readonly hub: SubscriptionHub;
  private closed = false;

  private readonly synchronous: 'FULL' | 'NORMAL';
  private readonly writer: SqliteWriterThread | undefined;

  private constructor(
    private readonly db: Database.Database,
    options: SqliteEventStoreOptions,
  ) {
    this.synchronous = options.synchronous ?? 'FULL';
    if (options.writerThread)
      this.writer = new SqliteWriterThread({
        file: path.resolve(options.file),
        synchronous: this.synchronous,
        busyTimeoutMs: options.busyTimeoutMs ?? 5000,
      });
    this.statements = prepareStatements(db);
    const group = db.transaction((batch: PendingAppend[]) =>
      batch.map((item) => {
        db.exec('SAVEPOINT append');
        try {
          const result = this.appendInTransaction(item.writes, item.command);
          db.exec('RELEASE append');
          return { ok: true as const, result };
        } catch (error) {
          db.exec('ROLLBACK TO append');
          db.exec('RELEASE append');
          return {
            ok: false as const,
            error: isUnavailable(error)
              ? new EventStoreUnavailableError(`event store unavailable: ${String(error)}`, { cause: error })
              : error,
          };
        }
      }),
    );
    this.groupTransaction = (batch) => group.immediate(batch);
    this.hub = new SubscriptionHub({
      readAll: (fromPosition, limit) => this.readAll(fromPosition, limit),
      pageSize: options.subscriptionPageSize,
      pollIntervalMs: options.pollIntervalMs ?? 50,
    });
  }

  /** Opens (creating when missing) the file and its schema. Throws EventStoreUnavailableError if it cannot. */
  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    const synchronous = options.synchronous ?? 'FULL';
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
      throw new RangeError(`synchronous must be FULL or NORMAL, not ${String(synchronous)}`);
    }
    if (options.writerThread && options.file === ':memory:')
      throw new RangeError('a writer thread needs a database file, not :memory:');
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new RangeError(`busyTimeoutMs must be a non-negative integer, not ${busyTimeoutMs}`);
    }
    let db: Database.Database | undefined;
    try {
      if (options.file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(options.file)), { recursive: true });
      db = new Database(options.file);
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${synchronous}`);
      db.exec(SCHEMA);
      return new SqliteEventStore(db, options);
    } catch (error) {
      db?.close();
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      if (isUnavailable(error) || (typeof code === 'string' && /^E[A-Z]+$/.test(code))) {
        throw new EventStoreUnavailableError(`cannot open event store ${options.file}: ${String(error)}`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  /**
   * Group commit: appends arriving in the same turn of the event loop share one transaction and one fsync, each
   * inside its own savepoint, so one append's conflict rolls back only that append. A lone append waits one turn.
   */
  append(writes: StreamWrite[], options: AppendOptions = {}): Promise<AppendResult> {
    if (this.writer) {
      if (this.closed) return Promise.reject(new EventStoreUnavailableError('event store is closed'));
      return this.writer.append(writes, options.command).then((result) => {
        this.hub.wakeAll();
        return result;
      });
    }
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new EventStoreUnavailableError('event store is closed'));
      this.pending.push({ writes, command: options.command, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    let outcomes: ({ ok: true; result: AppendResult } | { ok: false; error: unknown })[];
    try {
      outcomes = this.run(() => this.groupTransaction(batch));
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => {
      const item = batch[i] as PendingAppend;
      if (outcome.ok) item.resolve(outcome.result);
      else item.reject(outcome.error);
    });
    if (outcomes.some((outcome) => outcome.ok)) this.hub.wakeAll();
  }

  async readStream(stream: string, fromRevision = 0): Promise<StoredEvent[]> {
    return this.run(() => this.statements.readStream.all(stream, Math.max(0, fromRevision)).map(toEvent));
  }

  async streamRevision(stream: string): Promise<number> {
    return this.run(() => this.statements.streamRevision.get(stream)?.revision ?? -1);
  }

  async readAll(fromPosition: number, limit: number): Promise<StoredEvent[]> {
    const count = pageSize(limit);
    return this.run(() => (count === 0 ? [] : this.statements.readAll.all(fromPosition, count).map(toEvent)));
  }

  async readStreams(streams: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    return this.run(() => {
      const result = new Map<string, StoredEvent[]>(streams.map((stream) => [stream, []]));
      for (const row of this.statements.readStreams.all(JSON.stringify(streams)))
        result.get(row.stream)?.push(toEvent(row));
      return result;
    });
  }

  async readStreamsByPrefix(
    prefix: string,
    toPosition: number,
    after: StreamCursor | undefined,
    limit: number,
  ): Promise<StoredEvent[]> {
    if (prefix.length === 0) throw new RangeError('readStreamsByPrefix needs a non-empty prefix');
    const count = pageSize(limit);
    // Every name starting with the prefix sorts at or after it and before the prefix with its last character raised.
    const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    const from = after !== undefined && after.stream >= prefix ? after : { stream: prefix, revision: -1 };
    return this.run(() =>
      count === 0
        ? []
        : this.statements.readStreamsByPrefix.all(from.stream, from.revision, end, toPosition, count).map(toEvent),
    );
  }

  async readReferenceData(
    fromPosition: number,
    toPosition: number,
    limit: number,
    trainingTypes: readonly string[] = [],
  ): Promise<StoredEvent[]> {
    const count = pageSize(limit);
    if (count === 0) return [];
    return this.run(() =>
      (trainingTypes.length === 0
        ? this.statements.readReferenceData.all(fromPosition, toPosition, count)
        : this.statements.readReferenceDataAnd.all(fromPosition, toPosition, JSON.stringify(trainingTypes), count)
      ).map(toEvent),
    );
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.assertOpen();
    return this.hub.subscribe(options.fromPosition);
  }

  async headPosition(): Promise<number> {
    return this.run(() => this.head());
  }

  async findCommand(commandId: string): Promise<CommandRecord | undefined> {
    return this.run(() => {
      const row = this.statements.findCommand.get(commandId);
      return row === undefined
        ? undefined
        : { commandId, reply: JSON.parse(row.reply) as unknown, position: row.position };
    });
  }

  async readCheckpoint(name: string): Promise<number> {
    return this.run(() => this.statements.readCheckpoint.get(name)?.position ?? 0);
  }

  /**
   * Checkpoints are written without waiting for the disk (synchronous NORMAL for this one commit): after a power
   * loss a reactor or relay resumes from an older checkpoint and redoes work that is idempotent, while the events
   * themselves keep their FULL durability. The next FULL commit makes the checkpoint durable too.
   */
  async writeCheckpoint(name: string, position: number): Promise<void> {
    if (this.writer) {
      this.assertOpen();
      return this.writer.writeCheckpoint(name, position);
    }
    this.run(() => {
      const full = this.synchronous === 'FULL' && !this.db.inTransaction;
      if (full) this.db.pragma('synchronous = NORMAL');
      try {
        this.statements.writeCheckpoint.run(name, position);
      } finally {
        if (full) this.db.pragma('synchronous = FULL');
      }
    });
  }

  /** Reads one pragma's value (for tests and diagnostics), e.g. `pragma('synchronous')` is 2 for FULL. */
  pragma(name: string): unknown {
    if (!/^[a-z_]+$/.test(name)) throw new RangeError(`not a pragma name: ${name}`);
    return this.run(() => this.db.pragma(name, { simple: true }) as unknown);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.hub.closeAll();
    await this.writer?.close();
    this.db.close();
  }

  private appendInTransaction(writes: StreamWrite[], command: CommandRecord | undefined): AppendResult {
    if (command !== undefined && this.statements.findCommand.get(command.commandId) !== undefined) {
      throw new DuplicateCommandError(command.commandId);
    }
    const streams = writes.map((write) => this.applyWrite(write));
    const position = this.head();
    if (command !== undefined) {
      this.statements.insertCommand.run(command.commandId, toJson(command.reply), position, new Date().toISOString());
    }
    return { streams, position };
  }

  private applyWrite(write: StreamWrite): StreamWriteResult {
    const { stream, expectedRevision, events } = write;
    const current = this.statements.streamRevision.get(stream)?.revision ?? -1;
    const first = events[0];
    if (first !== undefined) {
      const stored = this.statements.eventById.get(first.id);
      if (stored !== undefined) return this.matchIdempotent(write, current, stored);
    }
    if (!matchesExpected(expectedRevision, current)) {
      throw new WrongExpectedRevisionError(stream, expectedRevision, current);
    }
    if (first === undefined) return { stream, nextRevision: current, position: 0 };
    let revision = current;
    let position = 0;
    for (const event of events) {
      revision += 1;
      try {
        const info = this.statements.insertEvent.run(
          event.id,
          stream,
          revision,
          event.type,
          toJson(event.data),
          toJson(event.metadata),
        );
        position = Number(info.lastInsertRowid);
      } catch (error) {
        // A later id already stored (here or elsewhere): the write is neither new nor a replay.
        if (isDuplicateEventId(error)) throw new WrongExpectedRevisionError(stream, expectedRevision, current);
        throw error;
      }
    }
    return { stream, nextRevision: revision, position };
  }

  /** The write's first id is stored: a replay only if every id sits in this stream, consecutively, in order. */
  private matchIdempotent(write: StreamWrite, current: number, first: IdRow): StreamWriteResult {
    const { stream, expectedRevision, events } = write;
    if (first.stream !== stream) throw new WrongExpectedRevisionError(stream, expectedRevision, current);
    const stored = this.statements.streamIdsFrom.all(stream, first.revision, events.length);
    const last = stored[stored.length - 1];
    const matches =
      last !== undefined && stored.length === events.length && events.every((event, i) => stored[i]?.id === event.id);
    if (!matches) throw new WrongExpectedRevisionError(stream, expectedRevision, current);
    return { stream, nextRevision: last.revision, position: last.position };
  }

  private head(): number {
    return this.statements.head.get()?.head ?? 0;
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('event store is closed');
  }

  /** Runs a statement, turning "the store cannot be used" errors into EventStoreUnavailableError. */
  private run<T>(fn: () => T): T {
    this.assertOpen();
    try {
      return fn();
    } catch (error) {
      if (isUnavailable(error)) {
        throw new EventStoreUnavailableError(`event store unavailable: ${String(error)}`, { cause: error });
      }
      throw error;
    }
  }
}
