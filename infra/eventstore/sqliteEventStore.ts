/**
 * The embedded default EventStore: one SQLite file through better-sqlite3.
 *
 * Usage: `const store = SqliteEventStore.open({ file: `${dataDir}/events.db` })` (synchronous; the parent
 * folder is created when missing). Options: `synchronous` ('FULL' default, or 'NORMAL'), `pollIntervalMs`
 * (how often a caught-up subscription re-reads to see other processes' appends; default 50),
 * `subscriptionPageSize` (default 500), `busyTimeoutMs` (default 5000). `close()` ends its subscriptions.
 *
 * This file is the port's face: options, lifecycle, the writer thread and error handling. The rest lives beside it,
 * each file with the decisions it carries: sqliteOpen.ts (pragmas, WAL), sqliteSchema.ts (tables),
 * sqliteStatements.ts (the SQL), sqliteReads.ts, sqliteGroupCommit.ts (one transaction per event-loop turn),
 * sqliteAppendWrites.ts (revision and replay checks), sqliteCheckpoints.ts and sqliteErrors.ts.
 */
import path from 'node:path';
import type Database from 'better-sqlite3';
import {
  type AppendOptions,
  type AppendResult,
  type CommandRecord,
  type EventStore,
  EventStoreUnavailableError,
  type IntegrityReport,
  type StoredEvent,
  type StreamCursor,
  type StreamSnapshot,
  type StreamWrite,
  type SubscribeOptions,
  type Subscription,
} from '../../handlers/ports/eventStore';
import { SubscriptionHub } from './catchUpSubscription';
import { SqliteCheckpoints } from './sqliteCheckpoints';
import { toStoreError } from './sqliteErrors';
import { SqliteGroupCommit } from './sqliteGroupCommit';
import { verifyLog } from './sqliteIntegrity';
import { openSqliteDatabase } from './sqliteOpen';
import { pageSize, SqliteReader } from './sqliteReads';
import { SqliteSnapshots } from './sqliteSnapshots';
import { prepareStatements } from './sqliteStatements';
import { SqliteWriterThread } from './sqliteWriterThread';

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
  /** Run SQLite's quick check of the file at open (R30): a damaged file is refused with a named, fatal error. */
  integrityCheck?: boolean;
  /**
   * WAL checkpoints are taken by another connection (the projection thread's, see `checkpointWal`), off the commit
   * path: this store's commits checkpoint only as a backstop, past WAL_BACKSTOP_PAGES. Without it a commit that
   * crosses SQLite's 1,000 pages copies them into the file and fsyncs it before it returns.
   */
  walCheckpointsElsewhere?: boolean;
}

/**
 * The most events an append alone commits on the calling thread: a command's few (a user's assignment, an exemption,
 * a completion: one to three) take a fraction of a millisecond beside the fsync; more go to the writer thread.
 */
const IN_PLACE_MAX_EVENTS = 32;

function eventsIn(writes: readonly StreamWrite[]): number {
  let events = 0;
  for (const write of writes) events += write.events.length;
  return events;
}

export class SqliteEventStore implements EventStore {
  private readonly reader: SqliteReader;
  private readonly checkpoints: SqliteCheckpoints;
  private readonly snapshots: SqliteSnapshots;
  private readonly groupCommit: SqliteGroupCommit;
  private readonly hub: SubscriptionHub;
  private readonly writer: SqliteWriterThread | undefined;
  private closed = false;
  private readonly file: string;

  private constructor(
    private readonly db: Database.Database,
    options: SqliteEventStoreOptions,
  ) {
    const synchronous = options.synchronous ?? 'FULL';
    if (options.writerThread)
      this.writer = new SqliteWriterThread({
        file: path.resolve(options.file),
        synchronous,
        busyTimeoutMs: options.busyTimeoutMs ?? 5000,
        walCheckpointsElsewhere: options.walCheckpointsElsewhere ?? false,
      });
    const statements = prepareStatements(db);
    this.reader = new SqliteReader(statements);
    this.checkpoints = new SqliteCheckpoints(db, statements, synchronous);
    this.snapshots = new SqliteSnapshots(db, statements, synchronous);
    this.groupCommit = new SqliteGroupCommit(
      db,
      statements,
      (operation) => this.run(operation),
      () => this.hub.wakeAll(),
      options.file,
      options.busyTimeoutMs ?? 5000,
    );
    this.file = options.file;
    this.hub = new SubscriptionHub({
      readAll: (fromPosition, limit) => this.readAll(fromPosition, limit),
      pageSize: options.subscriptionPageSize,
      pollIntervalMs: options.pollIntervalMs ?? 50,
    });
  }

  /** Opens (creating when missing) the file and its schema. Throws EventStoreUnavailableError if it cannot. */
  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    return openSqliteDatabase(options, (db) => new SqliteEventStore(db, options));
  }

  /**
   * Through the writer thread when there is one, else through group commit on this connection. A small command alone
   * (AppendOptions) while the writer thread has nothing in hand commits here at once: two thread hops saved, and
   * with nothing else to decide this thread would only wait. Under load the writer thread's group commit takes all,
   * and so do large appends (a reaction over thousands of users), whose commit would stop this thread's event loop
   * and the background loops it drives.
   */
  append(writes: StreamWrite[], options: AppendOptions = {}): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new EventStoreUnavailableError('event store is closed'));
    if (this.writer) {
      const inPlace = options.alone && this.writer.idle && eventsIn(writes) <= IN_PLACE_MAX_EVENTS;
      const here = inPlace ? this.groupCommit.commitAlone(writes, options.command) : undefined;
      if (here) return here;
      return this.writer.append(writes, options.command).then((result) => {
        this.hub.wakeAll();
        return result;
      });
    }
    return this.groupCommit.append(writes, options.command);
  }

  /**
   * Copies what the WAL holds into the database file as far as readers allow, without waiting for any lock (a
   * PASSIVE checkpoint: writers go on appending meanwhile). Returns the WAL's frames and how many are in the file.
   */
  checkpointWal(): { walFrames: number; checkpointedFrames: number } {
    return this.run(() => {
      const [row] = this.db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      return { walFrames: row?.log ?? 0, checkpointedFrames: row?.checkpointed ?? 0 };
    });
  }

  /** R30: SQLite's integrity check of the whole file, then every event's checksum. */
  async verifyIntegrity(onProgress?: (checked: number) => void): Promise<IntegrityReport> {
    return this.run(() => verifyLog(this.db, onProgress));
  }

  async readStream(stream: string, fromRevision = 0): Promise<StoredEvent[]> {
    return this.run(() => this.reader.stream(stream, fromRevision));
  }

  async streamRevision(stream: string): Promise<number> {
    return this.run(() => this.reader.streamRevision(stream));
  }

  async readAll(fromPosition: number, limit: number): Promise<StoredEvent[]> {
    const count = pageSize(limit);
    return this.run(() => this.reader.all(fromPosition, count));
  }

  async readStreams(streams: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    return this.run(() => this.reader.streams(streams));
  }

  async readStreamsByPrefix(
    prefix: string,
    toPosition: number,
    after: StreamCursor | undefined,
    limit: number,
  ): Promise<StoredEvent[]> {
    if (prefix.length === 0) throw new RangeError('readStreamsByPrefix needs a non-empty prefix');
    const count = pageSize(limit);
    return this.run(() => this.reader.streamsByPrefix(prefix, toPosition, after, count));
  }

  async readReferenceData(
    fromPosition: number,
    toPosition: number,
    limit: number,
    trainingTypes: readonly string[] = [],
  ): Promise<StoredEvent[]> {
    const count = pageSize(limit);
    if (count === 0) return [];
    return this.run(() => this.reader.referenceData(fromPosition, toPosition, count, trainingTypes));
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.assertOpen();
    return this.hub.subscribe(options.fromPosition);
  }

  async headPosition(): Promise<number> {
    return this.run(() => this.reader.head());
  }

  async findCommand(commandId: string): Promise<CommandRecord | undefined> {
    return this.run(() => this.reader.command(commandId));
  }

  async readCheckpoint(name: string): Promise<number> {
    return this.run(() => this.checkpoints.read(name));
  }

  async writeCheckpoint(name: string, position: number): Promise<void> {
    if (this.writer) {
      this.assertOpen();
      return this.writer.writeCheckpoint(name, position);
    }
    this.run(() => this.checkpoints.write(name, position));
  }

  async readSnapshot(stream: string): Promise<StreamSnapshot | undefined> {
    return this.run(() => this.snapshots.read(stream));
  }

  /** Through the writer thread when there is one (this thread's connection would wait for the write lock). */
  async writeSnapshot(stream: string, snapshot: StreamSnapshot): Promise<void> {
    if (this.writer) {
      this.assertOpen();
      await this.writer.writeSnapshot(stream, snapshot);
      this.snapshots.written();
      return;
    }
    this.run(() => this.snapshots.write(stream, snapshot));
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

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('event store is closed');
  }

  /** Runs a statement, turning "the store cannot be used" errors into EventStoreUnavailableError. */
  private run<T>(fn: () => T): T {
    this.assertOpen();
    try {
      return fn();
    } catch (error) {
      throw toStoreError(error, this.file);
    }
  }
}
