import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../infra/config';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { ProjectionThread } from '../../infra/server/projectionThread';
import { ProjectionRuntime } from '../../projections/projectionRuntime';
import { ReadModelDb } from '../../projections/readModelDb';
import { compareReadModels } from '../../projections/verifyReadModels';
import { engineHarness } from '../support/engineHarness';

/** A data folder with some history, written by an engine on this thread (its own read models in memory). */
async function dataFolderWithHistory() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-thread-'));
  const store = SqliteEventStore.open({ file: path.join(dir, 'events.db') });
  const h = engineHarness({ store, now: '2026-11-02T09:00:00.000Z' });
  await h.seedPortal();
  await h.ok('CreateAssignmentRule', {
    ruleId: 'r-all',
    courseId: 'security',
    target: { kind: 'allUsers' },
    mode: 'dynamic',
    due: { kind: 'relative', days: 14 },
  });
  await h.ok('ExemptUser', { userId: 'sam', courseId: 'security', reason: 'support plan' });
  return { dir, h, config: loadConfig({}, { LMS_DATA: dir }), readModelFile: path.join(dir, 'readmodels.db') };
}

describe('projection thread: the read models projected on a second core', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** A data folder with history, its read models opened here, and a projection thread on them (closed after the test). */
  async function threadOnHistory() {
    const { dir, h, config, readModelFile } = await dataFolderWithHistory();
    const readModels = ReadModelDb.open({ file: readModelFile, synchronous: 'NORMAL' });
    const thread = new ProjectionThread({ config, readModelFile }, readModels);
    cleanup.push(async () => {
      await thread.stop();
      readModels.close();
      await h.store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    return { h, readModels, thread };
  }

  test("checkpoints the event store's WAL on its own, so the engine's commits need not: the events reach the database file", async () => {
    const { h, thread } = await threadOnHistory();
    await thread.catchUp();
    const file = path.join(path.dirname(thread.readModels.file), 'events.db');
    // The history is far under SQLite's 1,000 pages: no commit has checkpointed it, the file holds only its header.
    const before = fs.statSync(file).size;
    await h.ok('RecordProgress', { userId: 'ada', courseId: 'security', progress: 30 });
    const deadline = Date.now() + 10_000;
    while (fs.statSync(file).size <= before && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fs.statSync(file).size).toBeGreaterThan(before);
  });

  test('R20: a catch-up in the worker thread brings the read models this thread queries to the head, equal to projecting here', async () => {
    const { h, readModels, thread } = await threadOnHistory();
    expect(thread.position).toBe(0);
    const head = await h.store.headPosition();
    expect(await thread.catchUp()).toBe(head);
    expect(thread.position).toBe(head);
    expect(compareReadModels(h.readModels, readModels).difference).toBeNull();
    // Later commands: the next catch-up applies only them.
    await h.ok('RecordProgress', { userId: 'ada', courseId: 'security', progress: 30 });
    const later = await h.store.headPosition();
    expect(await thread.catchUp()).toBe(later - head);
    expect(
      readModels.db.prepare("SELECT progress FROM assignments WHERE user_id = 'ada' AND course_id = 'security'").get(),
    ).toEqual({ progress: 30 });
    // `until` stops short of the head.
    await h.ok('RecordProgress', { userId: 'ada', courseId: 'security', progress: 60 });
    await thread.catchUp({ until: later });
    expect(thread.position).toBe(later);
  });

  test('after stop, the next catch-up starts a new thread that resumes from the checkpoint', async () => {
    const { h, readModels, thread } = await threadOnHistory();
    const head = await h.store.headPosition();
    await thread.catchUp({ until: 10 });
    await thread.stop();
    expect(thread.position).toBe(10);
    expect(await thread.catchUp()).toBe(head - 10);
    const local = ReadModelDb.open({ file: ':memory:' });
    await new ProjectionRuntime(h.store, local).catchUp();
    expect(compareReadModels(local, readModels).difference).toBeNull();
  });

  test('a thread that cannot open its read models fails the catch-up with the reason, and this thread keeps running', async () => {
    const { dir, h, config } = await dataFolderWithHistory();
    const readModels = ReadModelDb.open({ file: ':memory:' });
    // Its folder would have to be the events file: it cannot be created.
    const thread = new ProjectionThread(
      { config, readModelFile: path.join(dir, 'events.db', 'readmodels.db') },
      readModels,
    );
    cleanup.push(async () => {
      await thread.stop();
      readModels.close();
      await h.store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await expect(thread.catchUp()).rejects.toThrow(/ENOTDIR|EEXIST/);
    await expect(thread.catchUp()).rejects.toThrow();
    expect(readModels.position()).toBe(0);
  });
});
