import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../infra/config';
import { ProjectionRuntime } from '../../projections/projectionRuntime';
import { ReadModelDb } from '../../projections/readModelDb';
import { rebuildFromEvents } from '../../projections/streamRebuild';
import { compareReadModels } from '../../projections/verifyReadModels';
import { portalWithHistory } from '../support/portalWithHistory';
import { sqliteCopyOf } from '../support/sqliteCopy';
import { wholeLog } from '../support/wholeLog';

async function fullRebuild(h: Awaited<ReturnType<typeof portalWithHistory>>) {
  const rebuilt = ReadModelDb.open({ file: ':memory:' });
  await new ProjectionRuntime(h.store, rebuilt, { batchSize: 7 }).catchUp();
  return rebuilt;
}

describe('projection runtime: batches, checkpoints in the same transaction, rebuild equals live (R20)', () => {
  test('R20: read models built live, command by command, equal a rebuild from position zero, row for row', async () => {
    const h = await portalWithHistory();
    const rebuilt = await fullRebuild(h);
    const result = compareReadModels(h.readModels, rebuilt);
    expect(result.difference).toBeNull();
    expect(result.tables.find((table) => table.table === 'assignments')?.rows).toBeGreaterThan(3);
  });

  test("R20: the rebuild from zero (reference data, then each user's training stream folded whole) equals the live read models row for row", async () => {
    const h = await portalWithHistory();
    await h.ok('UpdateUserProfile', { userId: 'ada', timeZone: 'America/New_York', department: 'Research' });
    await h.ok('DeactivateUser', { userId: 'grace' });
    const copy = await sqliteCopyOf(h.store);
    const rebuilt = ReadModelDb.open({ file: ':memory:' });
    const progress: number[] = [];
    const events = await rebuildFromEvents(copy, rebuilt, { onProgress: (p) => progress.push(p.events) });
    // The copy numbers its events 1, 2, 3…; the original's positions may have gaps (EventStoreDB).
    expect(events).toBe((await wholeLog(h.store)).length);
    expect(progress[progress.length - 1]).toBe(events);
    expect(rebuilt.position()).toBe(events);
    const result = compareReadModels(h.readModels, rebuilt);
    expect(result.difference).toBeNull();
    expect(result.tables.find((table) => table.table === 'exemptions')?.rows).toBeGreaterThan(2);
    // The indexes dropped for the bulk insert (MI, rule holders, the users') are back: the live read models' own.
    const indexes = (db: ReadModelDb) =>
      db.db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
        )
        .all()
        .map((row) => row.name);
    expect(indexes(rebuilt)).toEqual(indexes(h.readModels));
    expect(indexes(rebuilt)).toEqual(expect.arrayContaining(['assignments_mi', 'exemptions_holders', 'users_manager']));
    await copy.close();
  });

  test('R20: a rebuild as of an earlier position equals the live read models as they stood there', async () => {
    const h = await portalWithHistory();
    // The copy's position of the original's head: its event count then (the copy has no gaps).
    const at = (await wholeLog(h.store)).length;
    const asOfThen = ReadModelDb.open({ file: ':memory:' });
    await new ProjectionRuntime(h.store, asOfThen).catchUp();
    await h.ok('RecordProgress', { userId: 'ada', courseId: 'fire-safety', progress: 90 });
    await h.ok('ExemptUser', { userId: 'ada', courseId: 'security', reason: 'covered elsewhere' });
    const copy = await sqliteCopyOf(h.store);
    const rebuilt = ReadModelDb.open({ file: ':memory:' });
    expect(await rebuildFromEvents(copy, rebuilt, { until: at })).toBeLessThanOrEqual(at);
    expect(rebuilt.position()).toBe(at);
    expect(compareReadModels(asOfThen, rebuilt).difference).toBeNull();
    expect(compareReadModels(h.readModels, rebuilt).difference).not.toBeNull();
    await copy.close();
  });

  test('the rebuild from zero refuses read models that are not empty', async () => {
    const h = await portalWithHistory();
    const copy = await sqliteCopyOf(h.store);
    await expect(rebuildFromEvents(copy, h.readModels)).rejects.toThrow('a rebuild needs empty read models');
    await copy.close();
  });

  test('a projection killed mid-batch (an error between two events) applies nothing of that batch, and a restart converges to a full rebuild', async () => {
    const h = await portalWithHistory();
    const readModels = ReadModelDb.open({ file: ':memory:' });
    let seen = 0;
    const crashing = new ProjectionRuntime(h.store, readModels, {
      batchSize: 10,
      beforeEvent: () => {
        if (++seen === 25) throw new Error('killed between events');
      },
    });
    await expect(crashing.catchUp()).rejects.toThrow('killed between events');
    // Two whole batches landed; the third, cut in the middle, left no row and no checkpoint behind.
    expect(readModels.position()).toBe((await wholeLog(h.store))[19]?.position);
    const restarted = new ProjectionRuntime(h.store, readModels, { batchSize: 10 });
    await restarted.catchUp();
    expect(readModels.position()).toBe(await h.store.headPosition());
    expect(compareReadModels(readModels, await fullRebuild(h)).difference).toBeNull();
  });

  test('events are projected in batches: one transaction and one checkpoint per batch', async () => {
    const h = await portalWithHistory();
    const readModels = ReadModelDb.open({ file: ':memory:' });
    const positions: number[] = [];
    await new ProjectionRuntime(h.store, readModels, { batchSize: 20 }).catchUp({
      onProgress: (progress) => positions.push(progress.position),
    });
    const head = await h.store.headPosition();
    const log = await wholeLog(h.store);
    // After each batch of 20 events, the position of its last event.
    const batchEnds = log.filter((_, i) => i % 20 === 19 || i === log.length - 1).map((event) => event.position);
    expect(positions).toEqual(batchEnds);
    expect(readModels.checkpoint('assignments')).toBe(head);
    expect(readModels.checkpoint('referenceData')).toBe(head);
  });

  test('verify names the first difference when a live row was tampered with', async () => {
    const h = await portalWithHistory();
    h.readModels.db
      .prepare("UPDATE assignments SET status = 'completed' WHERE user_id = 'ada' AND course_id = 'fire-safety'")
      .run();
    const result = compareReadModels(h.readModels, await fullRebuild(h));
    expect(result.difference).toMatchObject({
      table: 'assignments',
      key: { user_id: 'ada', course_id: 'fire-safety' },
      live: { status: 'completed' },
      rebuilt: { status: 'inProgress' },
    });
  });

  test('minPosition: a query waits until the read models reach the position a command reply returned', async () => {
    const h = await portalWithHistory();
    const reply = await h.commands.handle(h.envelope('AssignCourse', { userIds: ['sam'], courseIds: ['fire-safety'] }));
    if (!reply.ok) throw new Error(reply.error.message);
    const answer = await h.engine.query({
      type: 'UserDashboard',
      actor: { userId: 'root' },
      params: { userId: 'sam' },
      minPosition: reply.position,
    });
    expect(answer).toMatchObject({ ok: true, result: [expect.objectContaining({ courseId: 'fire-safety' })] });
    expect(answer.ok && answer.position).toBeGreaterThanOrEqual(reply.position);
  });

  test('read models built by another version are dropped on open and rebuilt by the next catch-up', async () => {
    const h = await portalWithHistory();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lms-rm-')), 'readmodels.db');
    const first = ReadModelDb.open({ file });
    await new ProjectionRuntime(h.store, first).catchUp();
    first.db.prepare("UPDATE meta SET value = 'old' WHERE key = 'version'").run();
    first.close();
    const reopened = ReadModelDb.open({ file });
    expect(reopened.position()).toBe(0);
    expect(reopened.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM assignments').get()?.n).toBe(0);
    await new ProjectionRuntime(h.store, reopened).catchUp();
    expect(compareReadModels(reopened, await fullRebuild(h)).difference).toBeNull();
    reopened.close();
  });

  test('issue #19: the cache of folded assignments stays within its byte bound, and projecting through evictions equals a rebuild (R20)', async () => {
    const h = await portalWithHistory();
    const bounded = ReadModelDb.open({ file: ':memory:' });
    // About two assignments' worth: almost every batch reads evicted assignments back from the rows.
    const runtime = new ProjectionRuntime(h.store, bounded, { batchSize: 3, cacheBytes: 1200 });
    await runtime.catchUp();
    expect(runtime.projector.cacheUse.bytes).toBeLessThanOrEqual(1200);
    expect(runtime.projector.cacheUse.entries).toBeGreaterThan(0);
    const unbounded = ReadModelDb.open({ file: ':memory:' });
    await new ProjectionRuntime(h.store, unbounded, { batchSize: 3, cacheBytes: 1024 * 1024 * 1024 }).catchUp();
    expect(compareReadModels(bounded, unbounded).difference).toBeNull();
    expect(compareReadModels(bounded, h.readModels).difference).toBeNull();
  });

  test("LMS_READ_MODEL_CACHE_MB sets each read-model connection's SQLite page cache (default 64 MiB)", () => {
    const pageCache = (db: ReadModelDb) => db.db.pragma('cache_size', { simple: true });
    expect(loadConfig({}).LMS_READ_MODEL_CACHE_MB).toBe(64);
    const configured = loadConfig({ LMS_READ_MODEL_CACHE_MB: '8' }).LMS_READ_MODEL_CACHE_MB;
    expect(pageCache(ReadModelDb.open({ file: ':memory:', cacheMb: configured }))).toBe(-8 * 1024);
    expect(pageCache(ReadModelDb.open({ file: ':memory:' }))).toBe(-64 * 1024);
    expect(() => loadConfig({ LMS_READ_MODEL_CACHE_MB: '0' })).toThrow(/LMS_READ_MODEL_CACHE_MB/);
  });
});
