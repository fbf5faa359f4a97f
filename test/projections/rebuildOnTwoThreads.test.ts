import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RebuildHelperThread } from '../../infra/rebuild/rebuildHelperThread';
import { ReadModelDb } from '../../projections/readModelDb';
import type { RebuildHelper, TrainingRangeJob } from '../../projections/streamRebuild';
import { rebuildFromEvents } from '../../projections/streamRebuild';
import { compareReadModels } from '../../projections/verifyReadModels';
import { portalWithHistory } from '../support/portalWithHistory';
import { fullSqliteCopyOf } from '../support/sqliteCopy';
import { wholeLog } from '../support/wholeLog';

/** The shared portal with six more users, so that each half holds several (ada, bea, cal, dan | eve, fay, grace, kim, sam). */
async function portalOfNine() {
  const h = await portalWithHistory();
  for (const userId of ['bea', 'cal', 'dan', 'eve', 'fay', 'kim']) {
    await h.ok('RegisterUser', {
      userId,
      name: `${userId.toUpperCase()} Person`,
      email: `${userId}@acme.test`,
      orgUnitId: userId < 'e' ? 'platform' : 'sales',
      department: userId < 'e' ? 'Engineering' : 'Sales',
      hireDate: '2025-01-06',
    });
  }
  await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['cal', 'kim'] });
  await h.ok('ExemptUser', { userId: 'fay', courseId: 'security', reason: 'covered by a degree' });
  await h.ok('UpdateUserProfile', { userId: 'sam', timeZone: 'America/New_York', department: 'Research' });
  await h.ok('DeactivateUser', { userId: 'grace' });
  return h;
}

/** Helper threads a test started and has not closed: closed after each test, so a failing test ends (Jest waited). */
const unclosed = new Set<RebuildHelperThread>();

/** The helper thread, recording where each half it rebuilt began. */
function recordingHelper(eventsFile: string, readModelsFile: string) {
  const thread = new RebuildHelperThread(eventsFile, readModelsFile);
  unclosed.add(thread);
  const halves: (string | null)[] = [];
  const helper: RebuildHelper & { halves: (string | null)[]; close(): Promise<void> } = {
    halves,
    rebuild: async (job) => {
      const result = await thread.rebuild(job);
      halves.push(result.fromStream);
      return result;
    },
    close: () => {
      unclosed.delete(thread);
      return thread.close();
    },
  };
  return helper;
}

describe('the rebuild on two threads (issue #19): half of the users rebuilt by a second thread', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-rebuild2-'));
  });
  afterEach(async () => {
    await Promise.all([...unclosed].map((thread) => thread.close()));
    unclosed.clear();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('R20: read models rebuilt on two threads equal the live read models row for row, counts included', async () => {
    const h = await portalOfNine();
    const eventsFile = path.join(dir, 'events.db');
    const copy = await fullSqliteCopyOf(h.store, eventsFile);
    const file = path.join(dir, 'readmodels.db');
    const rebuilt = ReadModelDb.open({ file, bulk: true });
    const helper = recordingHelper(eventsFile, file);
    const progress: number[] = [];
    const events = await rebuildFromEvents(copy, rebuilt, {
      helper,
      helperFromEvents: 0,
      onProgress: (p) => progress.push(p.events),
    });
    // The second thread took the users from the middle one on.
    expect(helper.halves).toEqual(['training-eve']);
    expect(events).toBe((await wholeLog(h.store)).length);
    expect(progress[progress.length - 1]).toBe(events);
    expect(rebuilt.position()).toBe(events);
    const result = compareReadModels(h.readModels, rebuilt);
    expect(result.difference).toBeNull();
    const rows = (table: string) => result.tables.find((t) => t.table === table)?.rows ?? 0;
    expect(rows('assignments')).toBeGreaterThan(10);
    expect(rows('exemptions')).toBeGreaterThan(10);
    expect(rows('mi_counts')).toBeGreaterThan(0);
    // The second thread's own file is gone once it is closed.
    await helper.close();
    expect(fs.readdirSync(dir).filter((name) => name.includes('.part'))).toEqual([]);
    rebuilt.close();
    await copy.close();
  });

  test('R20: a rebuild on two threads as of an earlier position equals the live read models as they stood there', async () => {
    const h = await portalOfNine();
    const at = (await wholeLog(h.store)).length;
    const asOfThen = await fullSqliteCopyOf(h.store);
    const then = ReadModelDb.open({ file: ':memory:' });
    await rebuildFromEvents(asOfThen, then);
    await h.ok('RecordProgress', { userId: 'kim', courseId: 'security', progress: 90 });
    await h.ok('ExemptUser', { userId: 'ada', courseId: 'security', reason: 'covered elsewhere' });
    const eventsFile = path.join(dir, 'events.db');
    const copy = await fullSqliteCopyOf(h.store, eventsFile);
    const file = path.join(dir, 'readmodels.db');
    const rebuilt = ReadModelDb.open({ file, bulk: true });
    const helper = recordingHelper(eventsFile, file);
    await rebuildFromEvents(copy, rebuilt, { until: at, helper, helperFromEvents: 0 });
    await helper.close();
    expect(helper.halves).toEqual(['training-eve']);
    expect(rebuilt.position()).toBe(at);
    expect(compareReadModels(then, rebuilt).difference).toBeNull();
    expect(compareReadModels(h.readModels, rebuilt).difference).not.toBeNull();
    rebuilt.close();
    await copy.close();
    await asOfThen.close();
  });

  test('the second thread is asked at once, not at the end of the event loop turn (the first thread works meanwhile without yielding)', async () => {
    const h = await portalOfNine();
    const eventsFile = path.join(dir, 'events.db');
    const copy = await fullSqliteCopyOf(h.store, eventsFile);
    const thread = new RebuildHelperThread(eventsFile, path.join(dir, 'readmodels.db'));
    try {
      const asked = thread.rebuild({ head: await copy.headPosition(), currentStates: false });
      // One microtask later, with no turn of the event loop (the rebuild's own half reads and writes synchronously).
      await Promise.resolve();
      const postedAtOnce = thread.messagesPosted;
      expect((await asked).fromStream).toBe('training-eve');
      expect(postedAtOnce).toBe(1);
    } finally {
      await thread.close();
      await copy.close();
    }
  });

  test('a small log is rebuilt by one thread: below the threshold the helper is not started', async () => {
    const h = await portalOfNine();
    const copy = await fullSqliteCopyOf(h.store);
    const rebuilt = ReadModelDb.open({ file: ':memory:' });
    const jobs: TrainingRangeJob[] = [];
    const helper: RebuildHelper = {
      rebuild: (job) => {
        jobs.push(job);
        return Promise.reject(new Error('not expected'));
      },
    };
    await rebuildFromEvents(copy, rebuilt, { helper });
    expect(jobs).toEqual([]);
    expect(compareReadModels(h.readModels, rebuilt).difference).toBeNull();
    rebuilt.close();
    await copy.close();
  });

  test('a second thread that fails fails the rebuild with its reason (lms rebuild then keeps the old read models)', async () => {
    const h = await portalOfNine();
    const copy = await fullSqliteCopyOf(h.store);
    const rebuilt = ReadModelDb.open({ file: ':memory:' });
    const helper: RebuildHelper = { rebuild: () => Promise.reject(new Error('disk full')) };
    await expect(rebuildFromEvents(copy, rebuilt, { helper, helperFromEvents: 0 })).rejects.toThrow('disk full');
    rebuilt.close();
    await copy.close();
  });
});
