/**
 * Checkpoints of the SQLite event store (one row per name), written on this thread's connection.
 *
 * Checkpoints are written without waiting for the disk (synchronous NORMAL for this one commit): after a power
 * loss a reactor or relay resumes from an older checkpoint and redoes work that is idempotent, while the events
 * themselves keep their FULL durability. The next FULL commit makes the checkpoint durable too.
 */
import type Database from 'better-sqlite3';
import type { Statements } from './sqliteStatements';

export class SqliteCheckpoints {
  constructor(
    private readonly db: Database.Database,
    private readonly statements: Statements,
    private readonly synchronous: 'FULL' | 'NORMAL',
  ) {}

  read(name: string): number {
    return this.statements.readCheckpoint.get(name)?.position ?? 0;
  }

  write(name: string, position: number): void {
    withoutOwnFsync(this.db, this.synchronous, () => this.statements.writeCheckpoint.run(name, position));
  }
}

/**
 * Runs a write whose loss on power failure costs only redone work (a checkpoint, a snapshot) as one commit without
 * an fsync of its own (synchronous NORMAL for that commit); inside a transaction it takes the transaction's.
 */
export function withoutOwnFsync(db: Database.Database, synchronous: 'FULL' | 'NORMAL', write: () => void): void {
  const full = synchronous === 'FULL' && !db.inTransaction;
  if (full) db.pragma('synchronous = NORMAL');
  try {
    write();
  } finally {
    if (full) db.pragma('synchronous = FULL');
  }
}
