import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  DuplicateCommandError,
  EventStoreUnavailableError,
  type NewEvent,
  type StoredEvent,
  type StreamCursor,
  WrongExpectedRevisionError,
} from '../../handlers/ports/eventStore';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { happenedEvent as event } from '../support/happenedEvent';

describe('SqliteEventStore', () => {
  let dir: string;
  let file: string;
  const opened: SqliteEventStore[] = [];

  function open(options: { synchronous?: 'FULL' | 'NORMAL'; pollIntervalMs?: number } = {}): SqliteEventStore {
    const store = SqliteEventStore.open({ file, ...options });
    opened.push(store);
    return store;
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventstore-sqlite-'));
    file = path.join(dir, 'data', 'events.db');
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads reference data alone: every stream but training-*, between two positions, in order, through its partial index', async () => {
    const store = open();
    await store.append([{ stream: 'user-ada', expectedRevision: 'any', events: [event({ n: 1 })] }]);
    await store.append([
      { stream: 'training-ada', expectedRevision: 'any', events: [event({ n: 2 }), event({ n: 3 })] },
    ]);
    await store.append([{ stream: 'group-g', expectedRevision: 'any', events: [event({ n: 4 })] }]);
    await store.append([{ stream: 'trainings-are-not-training', expectedRevision: 'any', events: [event({ n: 5 })] }]);
    const all = await store.readReferenceData(0, 100, 10);
    expect(all.map((e) => [e.stream, e.position])).toEqual([
      ['user-ada', 1],
      ['group-g', 4],
      ['trainings-are-not-training', 5],
    ]);
    expect((await store.readReferenceData(1, 4, 10)).map((e) => e.position)).toEqual([4]);
    expect((await store.readReferenceData(0, 100, 1)).map((e) => e.position)).toEqual([1]);
    const db = new Database(file, { readonly: true });
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT position FROM events WHERE substr(stream, 1, 9) <> 'training-' AND position > 0 AND position <= 9 ORDER BY position LIMIT 5",
      )
      .all() as { detail: string }[];
    db.close();
    expect(plan.map((row) => row.detail).join(' ')).toContain('events_reference');
  });

  it("reads reference data with the training events of given types (the reactor's view), in position order", async () => {
    const store = open();
    const typed = (type: string, n: number): NewEvent => ({ ...event({ n }), type });
    await store.append([{ stream: 'user-ada', expectedRevision: 'any', events: [typed('UserRegistered', 1)] }]);
    await store.append([
      {
        stream: 'training-ada',
        expectedRevision: 'any',
        events: [typed('TrainingAssigned', 2), typed('TrainingProgressRecorded', 3)],
      },
    ]);
    await store.append([
      { stream: 'trainings-x', expectedRevision: 'any', events: [typed('TrainingProgressRecorded', 4)] },
    ]);
    await store.append([
      { stream: 'training-bob', expectedRevision: 'any', events: [typed('AssignmentSourceRemoved', 5)] },
    ]);
    const n = (events: StoredEvent[]) => events.map((e) => (e.data as { n: number }).n);
    expect(n(await store.readReferenceData(0, 100, 10, ['TrainingAssigned', 'AssignmentSourceRemoved']))).toEqual([
      1, 2, 4, 5,
    ]);
    expect(n(await store.readReferenceData(0, 100, 10, []))).toEqual([1, 4]);
    expect(n(await store.readReferenceData(1, 4, 10, ['TrainingAssigned']))).toEqual([2, 4]);
    expect(n(await store.readReferenceData(0, 100, 2, ['TrainingAssigned']))).toEqual([1, 2]);
  });

  it('reads several whole streams in one go, each in revision order; a missing stream reads as empty', async () => {
    const store = open();
    await store.append([
      { stream: 'training-a', expectedRevision: 'any', events: [event({ n: 1 }), event({ n: 2 })] },
      { stream: 'training-b', expectedRevision: 'any', events: [event({ n: 3 })] },
    ]);
    await store.append([{ stream: 'training-a', expectedRevision: 1, events: [event({ n: 4 })] }]);
    const read = await store.readStreams(['training-a', 'training-none', 'training-b']);
    expect(
      [...read.entries()].map(([stream, events]) => [stream, events.map((e) => (e.data as { n: number }).n)]),
    ).toEqual([
      ['training-a', [1, 2, 4]],
      ['training-none', []],
      ['training-b', [3]],
    ]);
    expect(read.get('training-a')?.map((e) => e.revision)).toEqual([0, 1, 2]);
  });

  it('reads every stream of a prefix stream by stream, in name then revision order, up to a position, in pages after a cursor', async () => {
    const store = open();
    await store.append([
      { stream: 'training-b', expectedRevision: 'any', events: [event({ n: 1 }), event({ n: 2 })] },
      { stream: 'user-b', expectedRevision: 'any', events: [event({ n: 3 })] },
    ]);
    await store.append([
      { stream: 'training-a', expectedRevision: 'any', events: [event({ n: 4 })] },
      { stream: 'training.a', expectedRevision: 'any', events: [event({ n: 5 })] },
    ]);
    await store.append([
      { stream: 'training-b', expectedRevision: 1, events: [event({ n: 6 })] },
      { stream: 'trainings-x', expectedRevision: 'any', events: [event({ n: 7 })] },
    ]);
    await store.append([{ stream: 'training-', expectedRevision: 'any', events: [event({ n: 8 })] }]);
    const n = (events: StoredEvent[]) => events.map((e) => (e.data as { n: number }).n);
    // Only names starting with the prefix ('trainings-x' and 'training.a' do not), by name then revision.
    expect(n(await store.readStreamsByPrefix('training-', 100, undefined, 100))).toEqual([8, 4, 1, 2, 6]);
    // Events above the position are left out, whatever their stream.
    expect(n(await store.readStreamsByPrefix('training-', 4, undefined, 100))).toEqual([4, 1, 2]);
    // Paging: each page resumes after the stream and revision read last.
    const pages: number[][] = [];
    for (let after: StreamCursor | undefined; ; ) {
      const page = await store.readStreamsByPrefix('training-', 100, after, 2);
      if (page.length === 0) break;
      pages.push(n(page));
      const last = page[page.length - 1] as StoredEvent;
      after = { stream: last.stream, revision: last.revision };
    }
    expect(pages).toEqual([[8, 4], [1, 2], [6]]);
    await expect(store.readStreamsByPrefix('', 100, undefined, 10)).rejects.toThrow(RangeError);
    expect(await store.readStreamsByPrefix('training-', 100, undefined, 0)).toEqual([]);
  });

  it('creates the parent folder of the file when it is missing', () => {
    open();
    expect(fs.existsSync(file)).toBe(true);
  });

  it('keeps events, commands and checkpoints across close and reopen, positions continuing', async () => {
    const first = open();
    const written = [event({ n: 1 }), event({ n: 2 })];
    await first.append([{ stream: 's', expectedRevision: 'no_stream', events: written }], {
      command: { commandId: 'cmd-1', reply: { ok: true } },
    });
    await first.writeCheckpoint('reactor', 2);
    await first.close();

    const reopened = open();
    const read = await reopened.readStream('s');
    expect(read.map((e) => [e.id, e.revision, e.position, e.data])).toEqual([
      [written[0]?.id, 0, 1, { n: 1 }],
      [written[1]?.id, 1, 2, { n: 2 }],
    ]);
    expect(await reopened.streamRevision('s')).toBe(1);
    expect(await reopened.headPosition()).toBe(2);
    expect(await reopened.findCommand('cmd-1')).toEqual({ commandId: 'cmd-1', reply: { ok: true }, position: 2 });
    expect(await reopened.readCheckpoint('reactor')).toBe(2);
    const next = await reopened.append([{ stream: 's', expectedRevision: 1, events: [event()] }]);
    expect(next.position).toBe(3);
  });

  it('R21: a log whose command records were kept in a WITHOUT ROWID table still knows them after the upgrade on open', async () => {
    const first = open();
    await first.append([{ stream: 's', expectedRevision: 'no_stream', events: [event()] }], {
      command: { commandId: 'cmd-old', reply: { ok: true, said: 'first' } },
    });
    await first.close();
    // The table as earlier versions wrote it: the whole row its key.
    const old = new Database(file);
    old.exec(`
      CREATE TABLE commands_old (command_id TEXT PRIMARY KEY, reply TEXT NOT NULL, position INTEGER NOT NULL,
        recorded_at TEXT NOT NULL, owner TEXT) WITHOUT ROWID;
      INSERT INTO commands_old SELECT command_id, reply, position, recorded_at, owner FROM commands;
      DROP TABLE commands;
      ALTER TABLE commands_old RENAME TO commands;
    `);
    expect(old.prepare("SELECT wr FROM pragma_table_list('commands')").get()).toEqual({ wr: 1 });
    old.close();

    const reopened = open();
    expect(await reopened.findCommand('cmd-old')).toEqual({
      commandId: 'cmd-old',
      reply: { ok: true, said: 'first' },
      position: 1,
    });
    await expect(
      reopened.append([{ stream: 's2', expectedRevision: 'no_stream', events: [event()] }], {
        command: { commandId: 'cmd-old', reply: { ok: true } },
      }),
    ).rejects.toBeInstanceOf(DuplicateCommandError);
    expect(await reopened.headPosition()).toBe(1);
    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT wr FROM pragma_table_list('commands')").get()).toEqual({ wr: 0 });
    check.close();
  });

  it('runs in WAL mode with synchronous FULL and a 5 s busy timeout by default', () => {
    const store = open();
    expect(store.pragma('journal_mode')).toBe('wal');
    expect(store.pragma('synchronous')).toBe(2);
    expect(store.pragma('busy_timeout')).toBe(5000);
  });

  it('uses synchronous NORMAL when asked to', () => {
    const store = open({ synchronous: 'NORMAL' });
    expect(store.pragma('synchronous')).toBe(1);
    expect(store.pragma('journal_mode')).toBe('wal');
  });

  it('refuses a pragma name that is not a plain word', () => {
    const store = open();
    expect(() => store.pragma('synchronous = OFF')).toThrow(RangeError);
    expect(store.pragma('synchronous')).toBe(2);
  });

  it('reports a file that cannot be opened as unavailable', () => {
    // A directory is not a database file.
    fs.mkdirSync(file, { recursive: true });
    expect(() => SqliteEventStore.open({ file })).toThrow(EventStoreUnavailableError);
  });

  it('reports a folder that cannot be created as unavailable', () => {
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, 'x');
    expect(() => SqliteEventStore.open({ file: path.join(blocker, 'events.db') })).toThrow(EventStoreUnavailableError);
  });

  it('reports an append that cannot get the write lock in time as unavailable, storing nothing', async () => {
    const store = SqliteEventStore.open({ file, busyTimeoutMs: 50 });
    opened.push(store);
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      await expect(
        store.append([{ stream: 's', expectedRevision: 'no_stream', events: [event()] }]),
      ).rejects.toBeInstanceOf(EventStoreUnavailableError);
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
    expect(await store.headPosition()).toBe(0);
    await store.append([{ stream: 's', expectedRevision: 'no_stream', events: [event()] }]);
    expect(await store.headPosition()).toBe(1);
  });

  describe('WAL checkpoints taken elsewhere (the projection thread under lms serve)', () => {
    const PAGE = 4096;
    const walPages = () => fs.statSync(`${file}-wal`).size / PAGE;
    async function appendMany(store: SqliteEventStore, count: number) {
      for (let i = 0; i < count; i++)
        await store.append([{ stream: `s-${i}`, expectedRevision: 'no_stream', events: [event({ n: i })] }]);
    }

    it("commits leave the WAL to grow past SQLite's 1,000 pages, and checkpointWal copies all of it into the file", async () => {
      const store = SqliteEventStore.open({ file, synchronous: 'NORMAL', walCheckpointsElsewhere: true });
      opened.push(store);
      await appendMany(store, 400);
      expect(walPages()).toBeGreaterThan(1_200);
      const before = fs.statSync(file).size;
      const { walFrames, checkpointedFrames } = store.checkpointWal();
      expect(walFrames).toBeGreaterThan(1_200);
      expect(checkpointedFrames).toBe(walFrames);
      expect(fs.statSync(file).size).toBeGreaterThan(before);
      expect(await store.headPosition()).toBe(400);
    });

    it('by default a commit checkpoints once the WAL passes 1,000 pages, so it stays near that size', async () => {
      const store = open({ synchronous: 'NORMAL' });
      await appendMany(store, 400);
      expect(walPages()).toBeLessThan(1_200);
      expect(await store.headPosition()).toBe(400);
    });
  });

  describe('two instances on one file (standing in for two processes)', () => {
    it('see each other’s appends', async () => {
      const one = open();
      const two = open();
      const a = event();
      await one.append([{ stream: 's', expectedRevision: 'no_stream', events: [a] }]);
      expect((await two.readStream('s')).map((e) => e.id)).toEqual([a.id]);
      expect(await two.streamRevision('s')).toBe(0);

      const b = event();
      const result = await two.append([{ stream: 's', expectedRevision: 0, events: [b] }]);
      expect(result.position).toBe(2);
      expect((await one.readAll(0, 10)).map((e) => e.id)).toEqual([a.id, b.id]);
      expect(await one.headPosition()).toBe(2);
    });

    it('refuse a conflicting append from the second, storing nothing', async () => {
      const one = open();
      const two = open();
      await one.append([{ stream: 's', expectedRevision: 'no_stream', events: [event()] }]);
      // `two` decided on what it read before `one` appended again.
      const seenByTwo = await two.streamRevision('s');
      await one.append([{ stream: 's', expectedRevision: seenByTwo, events: [event()] }]);

      const error: unknown = await two
        .append([{ stream: 's', expectedRevision: seenByTwo, events: [event()] }], {
          command: { commandId: 'late', reply: {} },
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect((error as WrongExpectedRevisionError).actual).toBe(1);
      expect(await one.headPosition()).toBe(2);
      expect(await one.findCommand('late')).toBeUndefined();
    });

    it('deliver to a subscription on one the events appended through the other (polling)', async () => {
      const one = open({ pollIntervalMs: 10 });
      const two = open();
      const before = event();
      await two.append([{ stream: 's', expectedRevision: 'no_stream', events: [before] }]);

      const subscription = one.subscribe({ fromPosition: 0 });
      const iterator = subscription[Symbol.asyncIterator]();
      const received: StoredEvent[] = [];
      const first = await iterator.next();
      if (first.done !== true) received.push(first.value);

      // `one` is caught up and waiting; only polling can reveal what `two` writes.
      const pending = iterator.next();
      const after = event();
      await two.append([{ stream: 's', expectedRevision: 0, events: [after] }]);
      const second = await pending;
      if (second.done !== true) received.push(second.value);
      await subscription.close();

      expect(received.map((e) => e.id)).toEqual([before.id, after.id]);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    });
  });
});
