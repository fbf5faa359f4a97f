import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ulid } from 'ulid';
import type { StreamSnapshot } from '../../handlers/ports/eventStore';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { waitFor } from '../support/dataFolderChecks';

// Issue #19: the SQLite store's snapshots of long streams are a cache beside the log, checked when read.

const METADATA = { actorId: 'root', commandId: 'probe', correlationId: 'probe', occurredAt: '2026-03-02T09:00:00Z' };
const STREAM = 'training-ada';
const SNAPSHOT: StreamSnapshot = { revision: 2, format: 'training-assignments/1 abc', state: '[{"courseId":"c1"}]' };

describe('issue #19: SQLite snapshots', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-sqlite-snapshots-'));
    file = path.join(dir, 'events.db');
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function withSnapshot(options: { writerThread?: boolean } = {}) {
    const store = SqliteEventStore.open({ file, ...options });
    const events = Array.from({ length: 3 }, () => ({ id: ulid(), type: 'Probe', data: {}, metadata: METADATA }));
    await store.append([{ stream: STREAM, expectedRevision: 'no_stream', events }]);
    await store.writeSnapshot(STREAM, SNAPSHOT);
    return store;
  }

  test('a snapshot written through the writer thread is read after the store is opened again', async () => {
    await (await withSnapshot({ writerThread: true })).close();
    const reopened = SqliteEventStore.open({ file });
    expect(await reopened.readSnapshot(STREAM)).toEqual(SNAPSHOT);
    await reopened.close();
  });

  test('a snapshot whose row was changed on disk reads as none (its checksum no longer matches), and is replaced by the next', async () => {
    await (await withSnapshot()).close();
    const raw = new Database(file);
    raw.prepare("UPDATE snapshots SET state = '[]' WHERE stream = ?").run(STREAM);
    raw.close();
    const store = SqliteEventStore.open({ file });
    expect(await store.readSnapshot(STREAM)).toBeUndefined();
    await store.writeSnapshot(STREAM, SNAPSHOT);
    expect(await store.readSnapshot(STREAM)).toEqual(SNAPSHOT);
    await store.close();
  });

  test('a snapshot another process writes is read by this one within about a second, though this one found none before', async () => {
    const here = SqliteEventStore.open({ file });
    const events = Array.from({ length: 3 }, () => ({ id: ulid(), type: 'Probe', data: {}, metadata: METADATA }));
    await here.append([{ stream: STREAM, expectedRevision: 'no_stream', events }]);
    expect(await here.readSnapshot(STREAM)).toBeUndefined();
    const elsewhere = SqliteEventStore.open({ file, writerThread: true });
    let read: StreamSnapshot | undefined;
    try {
      await elsewhere.writeSnapshot(STREAM, SNAPSHOT);
      read = await waitFor(
        () => here.readSnapshot(STREAM),
        (kept) => kept !== undefined,
        3000,
        "another process's snapshot",
      ).catch(() => undefined);
    } finally {
      await elsewhere.close();
      await here.close();
    }
    expect(read).toEqual(SNAPSHOT);
  });

  test('R30: a snapshot is not part of the log: lms verify checks the events, and finds them whole beside it', async () => {
    const store = await withSnapshot();
    const report = await store.verifyIntegrity();
    expect(report.firstDamage).toBeUndefined();
    expect(report.checked).toBe(3);
    await store.close();
  });

  test('a log written before snapshots existed opens with the table added and its events untouched', async () => {
    const store = await withSnapshot();
    await store.close();
    const raw = new Database(file);
    raw.exec('DROP TABLE snapshots');
    raw.close();
    const reopened = SqliteEventStore.open({ file });
    expect(await reopened.readSnapshot(STREAM)).toBeUndefined();
    expect((await reopened.readStream(STREAM)).map((event) => event.revision)).toEqual([0, 1, 2]);
    await reopened.writeSnapshot(STREAM, SNAPSHOT);
    expect(await reopened.readSnapshot(STREAM)).toEqual(SNAPSHOT);
    await reopened.close();
  });
});
