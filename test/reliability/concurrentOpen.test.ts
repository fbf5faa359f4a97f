import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { READ_MODEL_VERSION } from '../../projections/readModelSchema';

jest.setTimeout(120_000);

/**
 * R21: engines started together on one data folder each open its event store and read models. A fresh folder's
 * schema (and an old log's new columns) is written by whichever gets the lock first; the others wait for it and
 * find it. Before this was under the write lock, one engine of three in a CI run exited with "database is locked".
 * Real processes (the built modules, as `lms serve` loads them) released at the same instant, several rounds.
 */

const DIST = path.join(__dirname, '..', '..', 'dist');
const PROCESSES = 4;
const ROUNDS = 5;

/** A child that waits for the common start instant, opens with the module's opener, closes, says how it went. */
const CHILD = `
const [modulePath, exportName, argument, at] = process.argv.slice(1);
const opener = require(modulePath)[exportName];
while (Date.now() < Number(at)) {}
Promise.resolve()
  .then(() => opener.open(JSON.parse(argument)))
  .then((opened) => opened.close())
  .then(() => console.log('opened'), (error) => console.log('failed: ' + (error.code || '') + ' ' + error.message));
`;

function runChild(modulePath: string, exportName: string, argument: unknown, at: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, modulePath, exportName, JSON.stringify(argument), String(at)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve(out.trim()));
  });
}

/** PROCESSES children calling `open(argument)` at one instant (far enough ahead for all of them to have started). */
async function openTogether(modulePath: string, exportName: string, argument: unknown): Promise<string[]> {
  const at = Date.now() + 1500;
  return Promise.all(Array.from({ length: PROCESSES }, () => runChild(modulePath, exportName, argument, at)));
}

describe('R21: engines starting together on one data folder', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-open-together-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const freshFile = (round: number, name: string) => {
    const dir = fs.mkdtempSync(path.join(root, `${name}-${round}-`));
    return path.join(dir, name);
  };

  test('R21: every process opens a fresh read-model file, and its schema version is written once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const file = freshFile(round, 'readmodels.db');
      const outcomes = await openTogether(path.join(DIST, 'projections', 'readModelDb.js'), 'ReadModelDb', { file });
      expect(outcomes).toEqual(Array(PROCESSES).fill('opened'));
      const db = new Database(file, { readonly: true });
      expect(db.prepare('SELECT key, value FROM meta').all()).toEqual([
        { key: 'version', value: String(READ_MODEL_VERSION) },
      ]);
      db.close();
    }
  });

  test('R21: every process opens a fresh event store', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const file = freshFile(round, 'events.db');
      const outcomes = await openTogether(
        path.join(DIST, 'infra', 'eventstore', 'sqliteEventStore.js'),
        'SqliteEventStore',
        { file },
      );
      expect(outcomes).toEqual(Array(PROCESSES).fill('opened'));
    }
  });

  test('R21: every process opens a fresh API token file', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const dir = path.dirname(freshFile(round, 'tokens.db'));
      const outcomes = await openTogether(path.join(DIST, 'infra', 'http', 'apiTokens.js'), 'ApiTokenStore', dir);
      expect(outcomes).toEqual(Array(PROCESSES).fill('opened'));
      const db = new Database(path.join(dir, 'tokens.db'), { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
    }
  });

  test('R30, R21: every process opens a log written before checksums and command owners, with its command records in a WITHOUT ROWID table, and it is upgraded once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const file = freshFile(round, 'events.db');
      const old = new Database(file);
      old.pragma('journal_mode = WAL');
      old.exec(`
        CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
          stream TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,
          metadata TEXT NOT NULL, UNIQUE (stream, revision));
        CREATE TABLE commands (command_id TEXT PRIMARY KEY, reply TEXT NOT NULL, position INTEGER NOT NULL,
          recorded_at TEXT NOT NULL) WITHOUT ROWID;
        INSERT INTO events (id, stream, revision, type, data, metadata)
          VALUES ('e1', 'course-c1', 0, 'CourseCreated', '{}', '{}');
        INSERT INTO commands (command_id, reply, position, recorded_at)
          VALUES ('cmd-1', '{"ok":true}', 1, '2026-01-01T00:00:00.000Z');
      `);
      old.close();
      const outcomes = await openTogether(
        path.join(DIST, 'infra', 'eventstore', 'sqliteEventStore.js'),
        'SqliteEventStore',
        { file },
      );
      expect(outcomes).toEqual(Array(PROCESSES).fill('opened'));
      const db = new Database(file, { readonly: true });
      const columns = (table: string) =>
        db
          .prepare<[], { name: string }>(`PRAGMA table_info(${table})`)
          .all()
          .map((column) => column.name);
      expect(columns('events').filter((name) => name === 'checksum')).toHaveLength(1);
      expect(columns('commands').filter((name) => name === 'owner')).toHaveLength(1);
      expect(db.prepare('SELECT id, checksum FROM events').all()).toEqual([{ id: 'e1', checksum: null }]);
      // The command records moved into a rowid table, each once (sqliteSchemaUpgrades.ts).
      expect(db.prepare("SELECT wr FROM pragma_table_list('commands')").get()).toEqual({ wr: 0 });
      expect(db.prepare('SELECT * FROM commands').all()).toEqual([
        {
          command_id: 'cmd-1',
          reply: '{"ok":true}',
          position: 1,
          recorded_at: '2026-01-01T00:00:00.000Z',
          owner: null,
        },
      ]);
      db.close();
    }
  });
});
