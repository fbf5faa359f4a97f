import fs from 'node:fs';
import path from 'node:path';
import Database, { type Statement } from 'better-sqlite3';
import type { ReadModelName } from './readModelSchema';
import { READ_MODEL_NAMES, READ_MODEL_SCHEMA, READ_MODEL_TABLES, READ_MODEL_VERSION } from './readModelSchema';
import { retryWhileBusy } from './sqliteBusyRetry';

/** The page cache of the read models, and of a file being rebuilt from zero (see `prepare`), in MiB. */
const CACHE_MB = 64;
const BULK_CACHE_MB = 16;
/** How long a process opening the file waits for another's locks (the busy_timeout set first). */
const BUSY_TIMEOUT_MS = 5000;

export interface ReadModelDbOptions {
  /** The database file, e.g. `<dataDir>/readmodels.db`. */
  file: string;
  /** FULL (default) or NORMAL: read models can always be rebuilt, so NORMAL is safe for speed. */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * A scratch file being rebuilt from zero (`lms rebuild`, `lms verify`): rollback journal in memory, no fsync, one
   * connection. It is used only once complete (then switched to WAL by `finishBulk`), so a crash loses only the
   * scratch.
   */
  bulk?: boolean;
  /**
   * SQLite's page cache for this connection, in MiB (default 64, 16 in bulk mode): heap of the process, beside the OS's
   * file cache.
   */
  cacheMb?: number;
}

/** The read-model database: WAL, one writer (the projection runtime), readers on the same connection. */
export class ReadModelDb {
  private constructor(
    readonly db: Database.Database,
    readonly file: string,
    /** R30: where a damaged file found at open was moved (the read models start empty and are rebuilt). */
    readonly setAside?: string,
  ) {}

  /**
   * Opens (creating when missing) the read models. R30: they are derived data, so a damaged file (or one that is
   * not a database) is set aside beside it, named with the time, and the read models start over: the next catch-up
   * rebuilds them from the events.
   */
  static open(options: ReadModelDbOptions): ReadModelDb {
    try {
      return ReadModelDb.openFile(options);
    } catch (error) {
      const code = String((error as { code?: unknown } | null)?.code);
      if (options.file === ':memory:' || !/^SQLITE_(CORRUPT|NOTADB)/.test(code)) throw error;
      const setAside = `${options.file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      for (const suffix of ['', '-wal', '-shm']) {
        if (fs.existsSync(`${options.file}${suffix}`))
          fs.renameSync(`${options.file}${suffix}`, `${setAside}${suffix}`);
      }
      const fresh = ReadModelDb.openFile(options);
      return new ReadModelDb(fresh.db, options.file, setAside);
    }
  }

  private static openFile(options: ReadModelDbOptions): ReadModelDb {
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    const db = new Database(options.file);
    try {
      ReadModelDb.prepare(db, options);
    } catch (error) {
      db.close();
      throw error;
    }
    return new ReadModelDb(db, options.file);
  }

  /** Pragmas, and the schema of this version (another version's tables are dropped first). */
  private static prepare(db: Database.Database, options: ReadModelDbOptions): void {
    // First: processes opening one data folder together queue for the locks the pragmas and schema take.
    db.pragma('busy_timeout = 5000');
    if (options.bulk) {
      db.pragma('journal_mode = MEMORY');
      db.pragma('synchronous = OFF');
      db.pragma('locking_mode = EXCLUSIVE');
    } else {
      retryWhileBusy(() => db.pragma('journal_mode = WAL'), BUSY_TIMEOUT_MS);
      db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    }
    // Its own page cache for what MI scans and projection batches touch again; pages beyond it come from the OS's
    // file cache, which the process's memory does not count. A bulk build inserts in key order (it touches the right
    // edge of each tree) and SQLite's sorter spills the deferred indexes beyond the cache: 16 MiB builds them as fast
    // as 64-256 MiB did (measured), and the rebuild's peak memory is lower by the difference.
    const cacheKib = Math.round((options.cacheMb ?? (options.bulk ? BULK_CACHE_MB : CACHE_MB)) * 1024);
    if (!Number.isSafeInteger(cacheKib) || cacheKib < 1)
      throw new Error(`${options.cacheMb} MiB is not a page cache size`);
    db.pragma(`cache_size = -${cacheKib}`);
    // The version is read before the schema is applied: another version's tables may lack columns its indexes use.
    db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
    const readVersion = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'version'");
    const current = () => readVersion.get()?.value === String(READ_MODEL_VERSION);
    if (current()) {
      db.exec(READ_MODEL_SCHEMA);
      return;
    }
    // Built by another version (or new): start from empty; the next catch-up rebuilds from position zero. IMMEDIATE
    // takes the write lock first (waiting busy_timeout for it): a deferred transaction that read and then wrote
    // would fail at once with SQLITE_BUSY when another process starting beside it had written meanwhile. The version
    // is read again under the lock, so of engines starting together only the first drops and creates.
    db.transaction(() => {
      if (current()) return;
      for (const table of READ_MODEL_TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
      db.exec(READ_MODEL_SCHEMA);
      db.prepare(
        "INSERT INTO meta (key, value) VALUES ('version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ).run(String(READ_MODEL_VERSION));
    }).immediate();
  }

  /** Ends bulk mode: the file becomes an ordinary WAL database that servers and queries may share. */
  finishBulk(): void {
    this.db.pragma('locking_mode = NORMAL');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
  }

  checkpoint(name: ReadModelName): number {
    // Prepared once: every catch-up and every query asks, and preparing was 6% of the projection thread at a steady
    // 1,000 commands a second.
    this.checkpointRead ??= this.db.prepare<[string], { position: number }>(
      'SELECT position FROM checkpoints WHERE name = ?',
    );
    return this.checkpointRead.get(name)?.position ?? 0;
  }

  private checkpointRead: Statement<[string], { position: number }> | undefined;

  /** The position every read model has reached: queries are answered as of here. */
  position(): number {
    return READ_MODEL_NAMES.reduce((least, name) => Math.min(least, this.checkpoint(name)), Number.POSITIVE_INFINITY);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
