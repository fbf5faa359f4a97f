import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Result } from '../measure';

/** Reference: raw better-sqlite3 inserts of the same number of rows in one transaction (the storage limit). */
export function rawInsertReference(rows: number): Result {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-bench-raw-'));
  const db = new Database(path.join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE events (position INTEGER PRIMARY KEY, id TEXT UNIQUE, stream TEXT, revision INTEGER, type TEXT, data TEXT, metadata TEXT)',
  );
  const insert = db.prepare(
    'INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const started = performance.now();
  db.transaction(() => {
    for (let i = 0; i < rows; i++)
      insert.run(
        `id-${i}`,
        `training-u${i}`,
        0,
        'TrainingAssigned',
        '{"userId":"u","courseId":"c"}',
        '{"actorId":"a"}',
      );
  })();
  const ms = performance.now() - started;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    workload: 'reference: raw SQLite inserts, one transaction',
    size: `${rows.toLocaleString('en')} rows`,
    figures: { rowsPerS: Math.round(rows / (ms / 1000)) },
    target: 'storage limit',
    met: 'n/a',
  };
}
