/**
 * What SQLite driver errors mean to the event-store port: errors meaning the store cannot be used (busy past the
 * timeout, I/O, disk full, cannot open, read-only, closed) become EventStoreUnavailableError; a damaged file becomes
 * EventStoreCorruptError (R30); others (bugs) pass through unchanged.
 */
import { EventStoreCorruptError, EventStoreUnavailableError } from '../../handlers/ports/eventStore';
import { corruptionRemedy } from './sqliteIntegrity';

const UNAVAILABLE_CODES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
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

export function isUnavailable(error: unknown): boolean {
  const sqlite = sqliteCode(error);
  if (sqlite !== undefined) {
    // Extended codes (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT, ...) share the primary code's prefix.
    return UNAVAILABLE_CODES.some((code) => sqlite === code || sqlite.startsWith(`${code}_`));
  }
  // better-sqlite3 throws a TypeError when the connection is closed (possibly from another realm, see above).
  const message: unknown = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : '';
  return typeof message === 'string' && /database connection is not open/i.test(message);
}

/** Another connection holds the lock (the busy timeout, if any, ran out). */
export function isBusy(error: unknown): boolean {
  const sqlite = sqliteCode(error);
  return sqlite !== undefined && (sqlite === 'SQLITE_BUSY' || sqlite.startsWith('SQLITE_BUSY_'));
}

export function isDuplicateEventId(error: unknown): boolean {
  const message = String((error as { message?: unknown } | null)?.message);
  return sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE' && message.includes('events.id');
}

/** A damaged file (R30): not an outage, a retry cannot help. */
export function isCorrupt(error: unknown): boolean {
  const sqlite = sqliteCode(error);
  return sqlite !== undefined && /^SQLITE_(CORRUPT|NOTADB)/.test(sqlite);
}

/**
 * The error as the port says it: EventStoreCorruptError (naming the file and the remedy) for damage,
 * EventStoreUnavailableError when the store cannot be used now, else unchanged.
 */
export function toStoreError(error: unknown, file: string): unknown {
  if (isCorrupt(error))
    return new EventStoreCorruptError(`${corruptionRemedy(file)} (${String(error)})`, { cause: error });
  return isUnavailable(error)
    ? new EventStoreUnavailableError(`event store unavailable: ${String(error)}`, { cause: error })
    : error;
}
