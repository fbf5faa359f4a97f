import { streams } from '../../domain/streams';
import { isVisible } from '../../domain/userTraining/trainingState';
import { trainingStateBytes } from '../../domain/userTraining/trainingStateSize';
import { aggregateKinds } from '../../handlers/aggregateKinds';
import { engineHarness } from '../support/engineHarness';

const USERS = 1_000;
const userIds = Array.from({ length: USERS }, (_, i) => `u${String(i).padStart(3, '0')}`);

/** A portal of 1,000 users on an engine whose state cache is bounded at 1 MiB: about 800 users with two assignments. */
async function portal() {
  const h = engineHarness({ config: { LMS_STATE_CACHE_MB: 1 } });
  await h.seedPortal();
  for (const userId of userIds)
    await h.ok('RegisterUser', {
      userId,
      name: userId,
      email: `${userId}@acme.test`,
      orgUnitId: 'sales',
      hireDate: '2024-01-01',
    });
  return h;
}

describe('issue #19: the folded-state cache is bounded in bytes, and a cold user is folded from the store', () => {
  test('R1, R16: with the cache far smaller than the portal, a bulk assignment and its repeat decide from the stored truth', async () => {
    const h = await portal();
    const aggregates = h.commands.aggregates;
    expect(aggregates.cacheUse.maxBytes).toBe(1024 * 1024);

    const first = await h.ok('AssignCourse', { userIds, courseIds: ['fire-safety', 'security'] });
    expect(first.resultCounts).toEqual({ assigned: USERS * 2 });
    expect(aggregates.cacheUse.bytes).toBeLessThanOrEqual(aggregates.cacheUse.maxBytes);
    expect(aggregates.cacheUse.states).toBeLessThan(USERS);

    // Every user again: the states are read back from the store where the cache let them go; nothing is assigned twice.
    const again = await h.ok('AssignCourse', { userIds, courseIds: ['fire-safety'] });
    expect(again.resultCounts).toEqual({ unchanged: USERS });
    for (const userId of [userIds[0], userIds[USERS - 1]] as string[])
      expect(isVisible((await h.training(userId)).assignments.get('security'))).toBe(true);
  });

  test('issue #19: past its bound the cache drops the least recently used states and loadMany still returns every one', async () => {
    const h = await portal();
    await h.ok('AssignCourse', { userIds, courseIds: ['fire-safety'] });
    const { AggregateStore } = await import('../../handlers/aggregateStore');
    const one = trainingStateBytes((await h.training(userIds[0] as string)) ?? { assignments: new Map() });
    const small = new AggregateStore(h.store, { maxBytes: one * 10 });
    const loaded = await small.loadMany(userIds.map(streams.training), aggregateKinds.training);
    expect(loaded.size).toBe(USERS);
    for (const [, { state, revision }] of loaded) {
      expect(isVisible(state.assignments.get('fire-safety'))).toBe(true);
      expect(revision).toBe(0);
    }
    expect(small.cacheUse.states).toBe(10);
    expect(small.cacheUse.bytes).toBeLessThanOrEqual(one * 10);
    // The most recent ten stay; an evicted one is folded from its stream again, the same state.
    const evicted = await small.load(streams.training(userIds[0] as string), aggregateKinds.training);
    expect(evicted.revision).toBe(0);
    expect([...evicted.state.assignments.keys()]).toEqual(['fire-safety']);
    expect(small.cacheUse.states).toBe(10);
  });
});
