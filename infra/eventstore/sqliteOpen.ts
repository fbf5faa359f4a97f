/**
 * Opening the SQLite event store's file: options checked, pragmas set, schema created.
 *
 * - WAL: readers never block the writer nor the writer readers, and another process (CLI next to a server) can
 *   share the file. synchronous = FULL fsyncs the WAL at every commit, so an acknowledged append survives power
 *   loss; NORMAL is offered for benchmarks and throwaway data (may lose the last commits).
 * - busy_timeout (default 5000 ms) lets writers queue for another connection's lock instead of failing at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { EventStoreCorruptError, EventStoreUnavailableError } from '../../handlers/ports/eventStore';
import { retryWhileBusy } from '../../projections/sqliteBusyRetry';
import { isCorrupt, isUnavailable } from './sqliteErrors';
import { corruptionRemedy, quickCheck } from './sqliteIntegrity';
import { SCHEMA } from './sqliteSchema';
import { upgradeOldLog } from './sqliteSchemaUpgrades';

/** The options of SqliteEventStoreOptions that opening the file reads (documented there). */
export interface SqliteOpenOptions {
  file: string;
  synchronous?: 'FULL' | 'NORMAL';
  busyTimeoutMs?: number;
  writerThread?: boolean;
  integrityCheck?: boolean;
  walCheckpointsElsewhere?: boolean;
}

/**
 * The WAL size (pages) past which a connection whose checkpoints are taken elsewhere checkpoints by itself: only when
 * the other connection has not run for a long while (its thread failing or stopped); 40 MB at 4 KiB pages.
 */
const WAL_BACKSTOP_PAGES = 10_000;

/**
 * Opens (creating when missing) the file and its schema and hands the connection to `use`. If opening or `use`
 * fails the connection is closed; failures meaning the file cannot be used become EventStoreUnavailableError.
 */
export function openSqliteDatabase<T>(options: SqliteOpenOptions, use: (db: Database.Database) => T): T {
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
    const opened = db;
    retryWhileBusy(() => opened.pragma('journal_mode = WAL'), busyTimeoutMs);
    db.pragma(`synchronous = ${synchronous}`);
    if (options.walCheckpointsElsewhere) db.pragma(`wal_autocheckpoint = ${WAL_BACKSTOP_PAGES}`);
    if (options.integrityCheck) quickCheck(db, options.file);
    db.exec(SCHEMA);
    upgradeOldLog(db);
    return use(db);
  } catch (error) {
    db?.close();
    if (error instanceof EventStoreCorruptError) throw error;
    if (isCorrupt(error))
      throw new EventStoreCorruptError(`${corruptionRemedy(options.file)} (${String(error)})`, { cause: error });
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (isUnavailable(error) || (typeof code === 'string' && /^E[A-Z]+$/.test(code))) {
      throw new EventStoreUnavailableError(`cannot open event store ${options.file}: ${String(error)}`, {
        cause: error,
      });
    }
    throw error;
  }
}
