/**
 * R30: the SQLite log checked. Every event carries a checksum of what was stored (id, stream, revision, type, data,
 * metadata), written with it; `lms verify` recomputes them all after SQLite's own integrity check. At open, a quick
 * check of the file's structure. Damage is EventStoreCorruptError: a fatal error that names the file and the remedy.
 */
import { hash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { IntegrityReport } from '../../handlers/ports/eventStore';
import { EventStoreCorruptError } from '../../handlers/ports/eventStore';

export function eventChecksum(
  id: string,
  stream: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
) {
  return hash('sha256', `${id}\n${stream}\n${revision}\n${type}\n${data}\n${metadata}`, 'hex').slice(0, 32);
}

/** The remedy a damaged log calls for, in the words the error carries. */
export const corruptionRemedy = (file: string) =>
  `the event store ${file} is damaged: stop every engine on it and restore the file from a backup (README, Backups); its read models are rebuilt from the restored log`;

/** SQLite's quick check of the file's structure (pages, indexes' shape): on damage, the fatal error. */
export function quickCheck(db: Database.Database, file: string): void {
  const result = db.pragma('quick_check', { simple: true });
  if (result !== 'ok') throw new EventStoreCorruptError(`${corruptionRemedy(file)} (quick check: ${String(result)})`);
}

/** The whole log: SQLite's integrity check, then every event's checksum; the first damage found is named. */
export function verifyLog(db: Database.Database, onProgress?: (checked: number) => void): IntegrityReport {
  const integrity = db.prepare<[], { integrity_check: string }>('PRAGMA integrity_check').all();
  const problems = integrity.map((row) => row.integrity_check).filter((line) => line !== 'ok');
  if (problems.length > 0)
    return { checked: 0, unchecked: 0, firstDamage: { position: null, problem: problems[0] ?? '' } };
  let checked = 0;
  let unchecked = 0;
  type Row = {
    position: number;
    id: string;
    stream: string;
    revision: number;
    type: string;
    data: string;
    metadata: string;
    checksum: string | null;
  };
  const rows = db.prepare<[], Row>(
    'SELECT position, id, stream, revision, type, data, metadata, checksum FROM events ORDER BY position',
  );
  for (const row of rows.iterate()) {
    if (row.checksum === null) {
      unchecked++;
      continue;
    }
    if (eventChecksum(row.id, row.stream, row.revision, row.type, row.data, row.metadata) !== row.checksum) {
      return {
        checked,
        unchecked,
        firstDamage: {
          position: row.position,
          problem: `event ${row.id} of ${row.stream} no longer matches its checksum`,
        },
      };
    }
    checked++;
    if (checked % 100_000 === 0) onProgress?.(checked);
  }
  return { checked, unchecked };
}
