import fs from 'node:fs';
import Database from 'better-sqlite3';
import { isBusy, isCorrupt } from '../eventstore/sqliteErrors';

/** How long taking the live read models waits for another process's short use of them (an `lms report`) to end. */
const IN_USE_WAIT_MS = 5_000;

/** Another process (an `lms serve`, most likely) has the live read models open: swapping them now would lose its work. */
export class ReadModelsInUse extends Error {
  constructor(readonly file: string) {
    super(
      `${file} is open in another process (an lms serve, or another lms command): stop it, then run lms rebuild ` +
        'again. Nothing was changed.',
    );
  }
}

/**
 * The live read models held by this process alone, or undefined when there is no file to hold (missing, or not a
 * database: the rebuild replaces it). SQLite grants the exclusive lock only when no connection in any process has
 * the file open: a connection in WAL mode keeps a shared lock on it for as long as it is open, and a killed
 * process's lock goes with it.
 */
function holdAlone(file: string): Database.Database | undefined {
  if (!fs.existsSync(file)) return undefined;
  const db = new Database(file, { timeout: IN_USE_WAIT_MS, fileMustExist: true });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return db;
  } catch (error) {
    db.close();
    if (isBusy(error)) throw new ReadModelsInUse(file);
    if (isCorrupt(error)) return undefined;
    throw error;
  }
}

/** Throws ReadModelsInUse when another process has the live read models open (checked before a long rebuild). */
export function assertReadModelsFree(file: string): void {
  holdAlone(file)?.close();
}

/**
 * Puts the rebuilt file in the live one's place, holding the live one alone meanwhile (ReadModelsInUse otherwise).
 * A process with the old file open would go on writing to it, unseen, and its WAL, named after the path, could be
 * taken for the new file's: so nothing else may have it open.
 */
export function swapReadModels(scratch: string, live: string): void {
  const held = holdAlone(live);
  try {
    // Out of WAL while held: the old journal is folded in and its -wal and -shm deleted now, so closing the old file
    // after the rename touches no file by name (those names are the new file's from then on).
    held?.pragma('journal_mode = MEMORY');
    for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${live}${suffix}`, { force: true });
    fs.renameSync(scratch, live);
  } finally {
    held?.close();
  }
}
