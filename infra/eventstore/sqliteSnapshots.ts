/**
 * Snapshots of long streams in the SQLite event store (one row per stream, `snapshots`): a cache beside the log that
 * lets a long stream be loaded from its snapshot and the events after it (handlers/aggregateStore.ts).
 *
 * - Each row carries a checksum of what was written; a row that does not match reads as no snapshot (the stream is
 *   folded from its first event, and a new snapshot replaces the damaged one). Events stay the truth: `lms verify`
 *   checks them, not this cache.
 * - Written as checkpoints are, without an fsync of their own (synchronous NORMAL for that commit): a snapshot lost
 *   to a power cut costs one longer fold.
 * - The write keeps a snapshot only if it is not past the stream's last event and not older than the one kept of
 *   the same format (writeRules.keepsSnapshot), checked inside the write's own transaction.
 * - While the table holds none (a portal whose users' histories are short), a read does not look: the deciding
 *   thread asks once per cold load, and the lookup was 3% of a cold command (BENCHMARKS.md, session 18). Whether
 *   one exists is asked again at most once a second (another process may write the first), and once one is seen
 *   the table is always read.
 */
import { hash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { StreamSnapshot } from '../../handlers/ports/eventStore';
import { withoutOwnFsync } from './sqliteCheckpoints';
import type { Statements } from './sqliteStatements';
import { keepsSnapshot } from './writeRules';

function snapshotChecksum(stream: string, { revision, format, state }: StreamSnapshot): string {
  return hash('sha256', `${stream}\n${revision}\n${format}\n${state}`, 'hex').slice(0, 32);
}

/** How long an empty snapshots table is taken to be empty before it is asked again. */
const EMPTY_RECHECK_MS = 1000;

export class SqliteSnapshots {
  private readonly keep: (stream: string, snapshot: StreamSnapshot) => void;
  private seen = false;
  private askedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Database.Database,
    private readonly statements: Statements,
    private readonly synchronous: 'FULL' | 'NORMAL',
  ) {
    this.keep = db.transaction((stream: string, snapshot: StreamSnapshot) => {
      const last = statements.streamRevision.get(stream)?.revision ?? -1;
      // From now on the table is read. A damaged row reads as none, so any snapshot offered replaces it.
      this.seen = true;
      if (!keepsSnapshot(this.read(stream), snapshot, last)) return;
      const { revision, format, state } = snapshot;
      statements.writeSnapshot.run(stream, revision, format, state, snapshotChecksum(stream, snapshot));
    });
  }

  read(stream: string): StreamSnapshot | undefined {
    if (!this.mayHoldAny()) return undefined;
    const row = this.statements.readSnapshot.get(stream);
    if (row === undefined) return undefined;
    const snapshot = { revision: row.revision, format: row.format, state: row.state };
    return snapshotChecksum(stream, snapshot) === row.checksum ? snapshot : undefined;
  }

  private mayHoldAny(): boolean {
    if (this.seen) return true;
    const now = performance.now();
    if (now - this.askedAt < EMPTY_RECHECK_MS) return false;
    this.askedAt = now;
    this.seen = this.statements.anySnapshot.get() !== undefined;
    return this.seen;
  }

  /** This connection's writer (or the writer thread beside it) has written one: the table is read from now on. */
  written(): void {
    this.seen = true;
  }

  write(stream: string, snapshot: StreamSnapshot): void {
    withoutOwnFsync(this.db, this.synchronous, () => this.keep(stream, snapshot));
  }
}
