import { streams } from '../../domain/streams';
import type { Assignment, TrainingState } from '../../domain/userTraining/trainingState';
import { isVisible } from '../../domain/userTraining/trainingState';
import { trainingStateBytes } from '../../domain/userTraining/trainingStateSize';
import { aggregateKinds } from '../../handlers/aggregateKinds';
import { AggregateStore } from '../../handlers/aggregateStore';
import type { EventStore } from '../../handlers/ports/eventStore';
import { StateCache } from '../../handlers/stateCache';
import { MemoryEventStore } from '../../infra/eventstore/memoryEventStore';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { engineHarness } from '../support/engineHarness';

const USERS = 1_000;
const userIds = Array.from({ length: USERS }, (_, i) => `u${String(i).padStart(3, '0')}`);

/** A portal of 1,000 users on an engine whose state cache is bounded at 1 MiB: about 800 users with two assignments. */
async function portal(store?: EventStore) {
  const h = engineHarness({ config: { LMS_STATE_CACHE_MB: 1 }, ...(store ? { store } : {}) });
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
  test('R1, R16: with the cache far smaller than the portal, a bulk assignment and its repeat decide from the stored truth, users packed', async () => {
    const h = await portal();
    const aggregates = h.commands.aggregates;
    expect(aggregates.cacheUse.maxBytes).toBe(1024 * 1024);

    const first = await h.ok('AssignCourse', { userIds, courseIds: ['fire-safety', 'security'] });
    expect(first.resultCounts).toEqual({ assigned: USERS * 2 });
    expect(aggregates.cacheUse.bytes).toBeLessThanOrEqual(aggregates.cacheUse.maxBytes);
    // Unpacked, a thousand users' states would not fit: every one is held, hundreds of them packed.
    expect(aggregates.cacheUse.states).toBe(USERS);
    expect(aggregates.cacheUse.packed).toBeGreaterThan(100);

    // Every user again: the states are unpacked where the cache packed them; nothing is assigned twice.
    const again = await h.ok('AssignCourse', { userIds, courseIds: ['fire-safety'] });
    expect(again.resultCounts).toEqual({ unchanged: USERS });
    for (const userId of [userIds[0], userIds[USERS - 1]] as string[])
      expect(isVisible((await h.training(userId)).assignments.get('security'))).toBe(true);
    // A thousand users' commands and two bulk assignments: over the EventStoreDB wire project this took close to the
    // default 30 s on a busy two-core machine.
  }, 120_000);

  /**
   * The stores that fold a batch of streams from one query (SQLite) and one stream at a time (memory), named here:
   * what is tested is the cache, whatever store the project runs the engine suites on.
   */
  const stores: [string, () => EventStore][] = [
    ['one query per batch (SQLite)', () => SqliteEventStore.open({ file: ':memory:' })],
    ['one read per stream (memory)', () => new MemoryEventStore()],
  ];

  test.each(stores)(
    'issue #19: bulk reads fill the cache only while it has room; a single load drops the least recently used, packing off (%s)',
    async (_, store) => {
      const { small, reads, one } = await tenStateCache(store(), { packing: false });
      const loaded = await small.loadMany(userIds.map(streams.training), aggregateKinds.training);
      expect(loaded.size).toBe(USERS);
      for (const [, { state, revision }] of loaded) {
        expect(isVisible(state.assignments.get('fire-safety'))).toBe(true);
        expect(revision).toBe(0);
      }
      // The first ten read were kept; the bulk read dropped none of them for the rest.
      expect(small.cacheUse.states).toBe(10);
      expect(small.cacheUse.bytes).toBeLessThanOrEqual(one * 10);
      const before = reads.count();
      const { hits, misses } = small.cacheUse;
      await small.load(streams.training(userIds[0] as string), aggregateKinds.training);
      expect(reads.count()).toBe(before);
      // A command's load of a user not cached folds from the stream and takes the place of the least recently used.
      const cold = await small.load(streams.training(userIds[USERS - 1] as string), aggregateKinds.training);
      expect([...cold.state.assignments.keys()]).toEqual(['fire-safety']);
      expect(reads.count()).toBe(before + 1);
      expect(small.cacheUse.states).toBe(10);
      // What operators see: one load found its state, one did not.
      expect([small.cacheUse.hits - hits, small.cacheUse.misses - misses]).toEqual([1, 1]);
    },
  );

  test.each(stores)(
    'issue #19: evictions go in order of last use, over many turns of the cache, packing off (%s)',
    async (_, store) => {
      const { small, reads } = await tenStateCache(store(), { packing: false });
      const stream = (i: number) => streams.training(userIds[i] as string);
      const load = (i: number) => small.load(stream(i), aggregateKinds.training);
      /** Loads each user and says which were folded from the store (not cached). */
      const folded = async (users: number[]) => {
        const read: number[] = [];
        for (const i of users) {
          const before = reads.count();
          await load(i);
          if (reads.count() > before) read.push(i);
        }
        return read;
      };
      expect(await folded([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // Used again: 0-4 move behind 5-9, so five new users push out 5-9.
      expect(await folded([0, 1, 2, 3, 4])).toEqual([]);
      expect(await folded([10, 11, 12, 13, 14])).toEqual([10, 11, 12, 13, 14]);
      expect(await folded([0, 1, 2, 3, 4, 10, 11, 12, 13, 14])).toEqual([]);
      // Each new user now pushes out the one used longest ago, turn after turn: 0, then 1, and so on.
      for (let turn = 0; turn < 5; turn++) {
        const order = [0, 1, 2, 3, 4, 10, 11, 12, 13, 14];
        for (let n = 0; n < 30; n++) {
          const newcomer = 100 + turn * 30 + n;
          expect(await folded([newcomer])).toEqual([newcomer]);
          order.shift();
          order.push(newcomer);
        }
        expect(await folded(order)).toEqual([]);
        expect(small.cacheUse.states).toBe(10);
      }
      expect(await folded([0, 5, 14])).toEqual([0, 5, 14]);
    },
  );

  test.each(stores)(
    'issue #19, R20: past the bound the least recently used users are packed, not dropped; a packed user is unpacked without reading the store, to the state folded from it (%s)',
    async (_, store) => {
      const { small, reads, one } = await tenStateCache(store());
      const load = (i: number) => small.load(streams.training(userIds[i] as string), aggregateKinds.training);
      const folded = [];
      for (let i = 0; i < 20; i++) folded.push((await load(i)).state);
      expect(reads.count()).toBeGreaterThanOrEqual(20);
      // Twenty users in a cache bounded at ten users' states: every one of them held, most packed.
      expect(small.cacheUse.states).toBe(20);
      expect(small.cacheUse.packed).toBeGreaterThan(15);
      expect(small.cacheUse.bytes).toBeLessThanOrEqual(one * 10);
      const before = reads.count();
      const unpacks = small.cacheUse.unpacks;
      for (let i = 0; i < 20; i++) expect((await load(i)).state).toEqual(folded[i]);
      expect(reads.count()).toBe(before);
      expect(small.cacheUse.unpacks - unpacks).toBeGreaterThan(15);
    },
  );

  test.each(stores)(
    'issue #19: once a quarter of the bound holds unpacked states, the users packed longest ago are dropped first (%s)',
    async (_, store) => {
      const { small, reads, one } = await tenStateCache(store());
      const load = (i: number) => small.load(streams.training(userIds[i] as string), aggregateKinds.training);
      for (let i = 0; i < USERS; i++) await load(i);
      const held = small.cacheUse.states;
      expect(held).toBeGreaterThan(20);
      expect(held).toBeLessThan(USERS);
      expect(small.cacheUse.bytes).toBeLessThanOrEqual(one * 10);
      // The users loaded last are all held, packed or not; the first was dropped.
      const before = reads.count();
      for (let i = USERS - held; i < USERS; i++) await load(i);
      expect(reads.count()).toBe(before);
      await load(0);
      expect(reads.count()).toBe(before + 1);
    },
  );

  test.each(stores)(
    'issue #19: a bulk read over the whole portal keeps the states commands were using (%s)',
    async (_, store) => {
      const { small, reads } = await tenStateCache(store());
      const hot = userIds.slice(-10).map(streams.training);
      for (const stream of hot) await small.load(stream, aggregateKinds.training);
      await small.loadMany(userIds.map(streams.training), aggregateKinds.training);
      const before = reads.count();
      for (const stream of hot) await small.load(stream, aggregateKinds.training);
      expect(reads.count()).toBe(before);
    },
  );
});

/**
 * The portal, each user given one course, and a state cache of its own bounded at ten users' states, packing users
 * past the bound (the default) or dropping them.
 */
async function tenStateCache(store: EventStore, options: { packing?: boolean } = {}) {
  const h = await portal(store);
  await h.ok('AssignCourse', { userIds, courseIds: ['fire-safety'] });
  const one = trainingStateBytes((await h.training(userIds[0] as string)) ?? { assignments: new Map() });
  const reads = countingReads(h.store);
  return { small: new AggregateStore(reads.store, { maxBytes: one * 10, ...options }), reads, one };
}

/** The store itself, counting the stream reads made through it (a state not cached is one read). */
function countingReads(store: EventStore): { store: EventStore; count(): number } {
  let reads = 0;
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'readStream' || property === 'readStreams')
        return (...args: unknown[]) => {
          reads++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { store: counted, count: () => reads };
}

describe('issue #19: a state the cache cannot pack is dropped, never an error for the command that stored it', () => {
  test('a user whose training will not pack (a value JSON cannot write) is dropped when packed, and the others kept', () => {
    const cache = new StateCache(4_000, true);
    const training = (extra: unknown): TrainingState => ({
      assignments: new Map([['c1', { courseId: 'c1', sources: [], completions: [], extra } as unknown as Assignment]]),
    });
    // Written first, so packed first when later states fill the cache.
    cache.keep('training-odd', { state: training(1n), revision: 0 }, 'evict');
    for (let i = 0; i < 10; i++) cache.keep(`training-u${i}`, { state: training(null), revision: 0 }, 'evict');
    expect(cache.usage.packed).toBeGreaterThan(0);
    expect(cache.take('training-odd', 'evict')).toBeUndefined();
    expect(cache.take('training-u0', 'evict')?.revision).toBe(0);
    expect(cache.usage.bytes).toBeLessThanOrEqual(4_000);
  });
});
