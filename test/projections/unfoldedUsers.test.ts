import type { EventStore } from '../../handlers/ports/eventStore';
import { ProjectionRuntime } from '../../projections/projectionRuntime';
import { ReadModelDb } from '../../projections/readModelDb';
import { rebuildFromEvents } from '../../projections/streamRebuild';
import { compareReadModels } from '../../projections/verifyReadModels';
import { engineHarness } from '../support/engineHarness';
import { MinimalEventStore } from '../support/minimalEventStore';
import { portalWithHistory } from '../support/portalWithHistory';
import { fullSqliteCopyOf } from '../support/sqliteCopy';
import { wholeLog } from '../support/wholeLog';

type Profile = { completionHistory: { courseId: string; completedOn: string; currentlyAssigned: boolean }[] };

const unfoldedOf = (readModels: ReadModelDb) =>
  readModels.db.prepare<[], string>('SELECT user_id FROM unfolded_users ORDER BY user_id').pluck().all();
const statesOf = (readModels: ReadModelDb, userId: string) =>
  readModels.db
    .prepare<[string], { course_id: string; state: string }>(
      'SELECT course_id, state FROM training_state WHERE user_id = ? ORDER BY course_id',
    )
    .all(userId);

/**
 * Ada completes both courses, then leaves engineering: fire-safety is removed with its completion (R4), security stays
 * current and completed. The rebuild is taken there; then Grace progresses, Ada is back in engineering and a new user
 * arrives. Sam is never touched after the rebuild.
 */
async function scenario() {
  const h = await portalWithHistory();
  await h.ok('CompleteCourse', { userId: 'ada', courseId: 'fire-safety', completedOn: '2026-10-20', score: 85 });
  await h.ok('CompleteCourse', { userId: 'ada', courseId: 'security', completedOn: '2026-10-30', score: 90 });
  await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'ada' });
  const at = (await wholeLog(h.store)).length;
  const then = await fullSqliteCopyOf(h.store);
  const adaThen = await h.query<Profile>('UserProfile', { userId: 'ada' });
  const liveThen = ReadModelDb.open({ file: ':memory:' });
  await new ProjectionRuntime(h.store, liveThen).catchUp();
  await h.ok('RecordProgress', { userId: 'grace', courseId: 'security', progress: 30 });
  await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada'] });
  await h.ok('RegisterUser', {
    userId: 'lin',
    name: 'Lin Chen',
    email: 'lin@example.com',
    orgUnitId: 'eng',
    hireDate: '2026-11-02',
  });
  return { h, at, then, adaThen, liveThen };
}

describe("a rebuild leaves current assignments' folded states out; the projector folds them again (issue #19, R20)", () => {
  test("a rebuild from zero stores removed assignments' states only and lists the users with current ones", async () => {
    const { then, liveThen } = await scenario();
    const rebuilt = ReadModelDb.open({ file: ':memory:' });
    await rebuildFromEvents(then, rebuilt);
    expect(unfoldedOf(rebuilt)).toEqual(['ada', 'grace', 'sam']);
    // Ada's removed fire-safety keeps its state (its completion is in no row); Grace's removed one too.
    expect(statesOf(rebuilt, 'ada').map((row) => row.course_id)).toEqual(['fire-safety']);
    expect(statesOf(rebuilt, 'ada')).toEqual(statesOf(liveThen, 'ada').slice(0, 1));
    expect(statesOf(rebuilt, 'grace').map((row) => row.course_id)).toEqual(['fire-safety']);
    expect(statesOf(rebuilt, 'sam')).toEqual([]);
    // Every other row is the live projection's.
    expect(compareReadModels(liveThen, rebuilt).difference).toBeNull();
    // Asked to, it stores every state: the same rows as the live projection's, and nobody listed.
    const full = ReadModelDb.open({ file: ':memory:' });
    await rebuildFromEvents(then, full, { currentStates: true });
    expect(unfoldedOf(full)).toEqual([]);
    expect(statesOf(full, 'ada')).toEqual(statesOf(liveThen, 'ada'));
    expect(compareReadModels(liveThen, full).difference).toBeNull();
    await then.close();
  });

  test('R4: the profile of a user whose states were left out lists the completions of removed and current assignments', async () => {
    const { then, adaThen } = await scenario();
    const rebuilt = ReadModelDb.open({ file: ':memory:' });
    await rebuildFromEvents(then, rebuilt);
    expect(unfoldedOf(rebuilt)).toContain('ada');
    const onRebuilt = engineHarness({ store: then, readModels: rebuilt, now: '2026-11-02T09:00:00.000Z' });
    const profile = await onRebuilt.query<Profile>('UserProfile', { userId: 'ada' });
    expect(profile.completionHistory).toEqual(adaThen.completionHistory);
    expect(profile.completionHistory.map((row) => [row.courseId, row.currentlyAssigned])).toEqual([
      ['security', true],
      ['fire-safety', false],
    ]);
  });

  test.each([
    ['readStreams', (store: EventStore) => store],
    ['one readStream per user (a store without readStreams)', (store: EventStore) => new MinimalEventStore(store)],
  ])(
    'R20: events projected onto rebuilt read models fold each touched user first (%s): every row and state equals the live projection',
    async (_, shape) => {
      const { h, at, then } = await scenario();
      await then.close();
      const now = await fullSqliteCopyOf(h.store);
      const rebuilt = ReadModelDb.open({ file: ':memory:' });
      await rebuildFromEvents(now, rebuilt, { until: at });
      expect(unfoldedOf(rebuilt)).toEqual(['ada', 'grace', 'sam']);
      await new ProjectionRuntime(shape(now), rebuilt, { batchSize: 3 }).catchUp();
      // Ada and Grace were touched: folded and off the list; Sam was not.
      expect(unfoldedOf(rebuilt)).toEqual(['sam']);
      expect(statesOf(rebuilt, 'ada')).toEqual(statesOf(h.readModels, 'ada'));
      expect(statesOf(rebuilt, 'grace')).toEqual(statesOf(h.readModels, 'grace'));
      expect(statesOf(rebuilt, 'lin')).toEqual(statesOf(h.readModels, 'lin'));
      expect(statesOf(rebuilt, 'lin').length).toBeGreaterThan(0);
      const result = compareReadModels(h.readModels, rebuilt);
      expect(result.difference).toBeNull();
      expect(result.tables.find((table) => table.table === 'training_state')?.rows).toBeGreaterThan(4);
      await now.close();
    },
  );

  test('verify still finds a folded state that differs where both sides hold it', async () => {
    const { then, liveThen } = await scenario();
    const rebuilt = ReadModelDb.open({ file: ':memory:' });
    await rebuildFromEvents(then, rebuilt, { currentStates: true });
    liveThen.db
      .prepare("UPDATE training_state SET state = json_set(state, '$.progress', 55) WHERE user_id = 'sam'")
      .run();
    const result = compareReadModels(liveThen, rebuilt);
    expect(result.difference).toMatchObject({ table: 'training_state', key: { user_id: 'sam' } });
    await then.close();
  });
});
