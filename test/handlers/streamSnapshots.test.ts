import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { streams } from '../../domain/streams';
import { trainingSnapshots } from '../../domain/userTraining/trainingSnapshot';
import type { TrainingState } from '../../domain/userTraining/trainingState';
import { aggregateKinds } from '../../handlers/aggregateKinds';
import type { AggregateStoreOptions } from '../../handlers/aggregateStore';
import { AggregateStore } from '../../handlers/aggregateStore';
import type { EventStore, StoredEvent } from '../../handlers/ports/eventStore';
import { MemoryEventStore } from '../../infra/eventstore/memoryEventStore';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { waitFor } from '../support/dataFolderChecks';
import { engineHarness } from '../support/engineHarness';

/**
 * Issue #19: a long stream is loaded from its snapshot and the events after it. A snapshot is a cache beside the
 * log: lost, damaged, written by other domain code or refused, it changes no state and no decision.
 */

const USER = 'ada';
const STREAM = streams.training(USER);
const PROGRESS_STEPS = 45;

/** Ada's training: two courses, one started and its progress recorded 45 times (about 50 events). */
async function longHistory(store: EventStore) {
  const h = engineHarness({ store, config: { LMS_SNAPSHOT_AFTER_EVENTS: 20 } });
  await h.seedPortal();
  await h.ok('AssignCourse', { userIds: [USER], courseIds: ['fire-safety', 'security'] });
  await h.ok('StartCourse', { userId: USER, courseId: 'fire-safety' });
  for (let progress = 1; progress <= PROGRESS_STEPS; progress++)
    await h.ok('RecordProgress', { userId: USER, courseId: 'fire-safety', progress });
  return h;
}

/** The store, counting the events each readStream returned and the revision it read from. */
function counted(store: EventStore) {
  const reads: { from: number; events: number }[] = [];
  const readStream = store.readStream.bind(store);
  store.readStream = async (stream: string, fromRevision = 0): Promise<StoredEvent[]> => {
    const events = await readStream(stream, fromRevision);
    if (stream === STREAM) reads.push({ from: fromRevision, events: events.length });
    return events;
  };
  return reads;
}

const fresh = (store: EventStore, options: AggregateStoreOptions = {}) =>
  new AggregateStore(store, { snapshotDomain: () => 'domain-a', snapshotAfterEvents: 20, ...options });

/** Waits until the store keeps a snapshot of the stream at least at `revision` (snapshots are written unawaited). */
async function snapshotAt(store: EventStore, revision: number) {
  const snapshot = await waitFor(
    async () => store.readSnapshot?.(STREAM),
    (kept) => kept !== undefined && kept.revision >= revision,
    2000,
    `a snapshot of ${STREAM} at ${revision}`,
  );
  if (snapshot === undefined) throw new Error(`no snapshot of ${STREAM}`);
  return snapshot;
}

/** Ada's training folded from the first event, no snapshot involved. */
const fullFold = async (store: EventStore): Promise<TrainingState> =>
  (await new AggregateStore(store).load(STREAM, aggregateKinds.training)).state;

const stores: [string, () => { store: EventStore; cleanup: () => void }][] = [
  ['memory', () => ({ store: new MemoryEventStore(), cleanup: () => {} })],
  [
    'SQLite, through its writer thread',
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-snapshots-'));
      const store = SqliteEventStore.open({ file: path.join(dir, 'events.db'), writerThread: true });
      return { store, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  ],
];

describe.each(stores)('issue #19: snapshots of long streams (%s)', (_, open) => {
  let store: EventStore;
  let cleanup: () => void;

  beforeEach(() => {
    ({ store, cleanup } = open());
  });

  afterEach(async () => {
    await store.close();
    cleanup();
  });

  test('a cold load that folds many events leaves a snapshot; the next cold load reads only the events after it, to the same state', async () => {
    const h = await longHistory(store);
    const { revision: last } = await new AggregateStore(store).load(STREAM, aggregateKinds.training);
    expect(last).toBeGreaterThanOrEqual(PROGRESS_STEPS);
    const reads = counted(store);

    // Given a cold cache, when the user is loaded: every event is folded, and a snapshot is left at the last one.
    const first = fresh(store);
    await first.load(STREAM, aggregateKinds.training);
    expect(reads).toEqual([{ from: 0, events: last + 1 }]);
    expect((await snapshotAt(store, last)).revision).toBe(last);
    expect(first.snapshots).toEqual({ read: 0, written: 1, failed: 0 });

    // When the next cold cache loads the user: the snapshot, then nothing after it to read.
    const second = fresh(store);
    const loaded = await second.load(STREAM, aggregateKinds.training);
    expect(reads[1]).toEqual({ from: last + 1, events: 0 });
    expect(loaded.revision).toBe(last);
    expect(isDeepStrictEqual(loaded.state, await fullFold(store))).toBe(true);
    expect(second.snapshots).toEqual({ read: 1, written: 0, failed: 0 });

    // Given three more events, when a cold cache loads the user: the snapshot and those three (too few for another).
    for (const progress of [60, 70, 80])
      await h.ok('RecordProgress', { userId: USER, courseId: 'fire-safety', progress });
    const third = fresh(store);
    const after = await third.load(STREAM, aggregateKinds.training);
    expect(reads.at(-1)).toEqual({ from: last + 1, events: 3 });
    expect(after.revision).toBe(last + 3);
    expect(after.state.assignments.get('fire-safety')?.progress).toBe(80);
    expect(isDeepStrictEqual(after.state, await fullFold(store))).toBe(true);
    expect(third.snapshots.written).toBe(0);
    h.readModels.close();
  });

  test('R20: decisions after a restart start from the snapshot and decide as from every event', async () => {
    const h = await longHistory(store);
    // A restarted engine (a new harness on the same store) loads Ada cold and leaves a snapshot; so does the next.
    const once = engineHarness({ store, config: { LMS_SNAPSHOT_AFTER_EVENTS: 20 } });
    await once.training(USER);
    await snapshotAt(store, PROGRESS_STEPS);
    expect(once.commands.aggregates.snapshots.read).toBe(0);
    const restarted = engineHarness({ store, config: { LMS_SNAPSHOT_AFTER_EVENTS: 20 } });
    const reply = await restarted.ok('CompleteCourse', { userId: USER, courseId: 'fire-safety', score: 90 });
    expect(reply.events.map((event: { type: string }) => event.type)).toEqual(['CourseCompleted']);
    expect(restarted.commands.aggregates.snapshots.read).toBe(1);
    const completed = (await restarted.training(USER)).assignments.get('fire-safety');
    expect(completed?.status).toBe('completed');
    expect(completed?.score).toBe(90);
    expect(isDeepStrictEqual(await restarted.training(USER), await fullFold(store))).toBe(true);
    for (const harness of [h, once, restarted]) harness.readModels.close();
  });

  test('a snapshot written by other domain code is not read: the stream is folded from its start and a new snapshot replaces it', async () => {
    const h = await longHistory(store);
    await fresh(store, { snapshotDomain: () => 'domain-before-an-upgrade' }).load(STREAM, aggregateKinds.training);
    const old = await snapshotAt(store, PROGRESS_STEPS);
    const reads = counted(store);
    const upgraded = fresh(store);
    const loaded = await upgraded.load(STREAM, aggregateKinds.training);
    expect(reads[0]?.from).toBe(0);
    expect(upgraded.snapshots.read).toBe(0);
    expect(isDeepStrictEqual(loaded.state, await fullFold(store))).toBe(true);
    await waitFor(
      async () => (await store.readSnapshot?.(STREAM))?.format,
      (format) => format !== old.format,
      2000,
      'the snapshot replaced',
    ).catch(() => undefined);
    expect((await store.readSnapshot?.(STREAM))?.format).toBe(`${trainingSnapshots.format} domain-a`);
    h.readModels.close();
  });

  test('a snapshot that does not decode is set aside: the load folds every event, counts the failure, and the command path goes on', async () => {
    const h = await longHistory(store);
    const { revision } = await new AggregateStore(store).load(STREAM, aggregateKinds.training);
    await store.writeSnapshot?.(STREAM, {
      revision,
      format: `${trainingSnapshots.format} domain-a`,
      state: '{"not":"a list of assignments"}',
    });
    const reads = counted(store);
    const aggregates = fresh(store);
    const loaded = await aggregates.load(STREAM, aggregateKinds.training);
    expect(reads[0]?.from).toBe(0);
    expect(aggregates.snapshots.failed).toBe(1);
    expect(isDeepStrictEqual(loaded.state, await fullFold(store))).toBe(true);
    h.readModels.close();
  });

  test('a snapshot the store refuses to keep fails nothing but itself', async () => {
    const h = await longHistory(store);
    const writeSnapshot = store.writeSnapshot?.bind(store);
    expect(writeSnapshot).toBeDefined();
    store.writeSnapshot = () => Promise.reject(new Error('disk full'));
    const aggregates = fresh(store);
    const loaded = await aggregates.load(STREAM, aggregateKinds.training);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(aggregates.snapshots).toEqual({ read: 0, written: 0, failed: 1 });
    expect(isDeepStrictEqual(loaded.state, await fullFold(store))).toBe(true);
    await h.ok('RecordProgress', { userId: USER, courseId: 'fire-safety', progress: 99 });
    h.readModels.close();
  });
});

test('issue #19: with no snapshot domain (LMS_SNAPSHOT_AFTER_EVENTS=0) nothing is read or written', async () => {
  const store = new MemoryEventStore();
  const h = engineHarness({ store, config: { LMS_SNAPSHOT_AFTER_EVENTS: 0 } });
  await h.seedPortal();
  await h.ok('AssignCourse', { userIds: [USER], courseIds: ['fire-safety'] });
  for (let progress = 1; progress <= 30; progress++)
    await h.ok('RecordProgress', { userId: USER, courseId: 'fire-safety', progress });
  await new AggregateStore(store, { snapshotAfterEvents: 1 }).load(STREAM, aggregateKinds.training);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await store.readSnapshot(STREAM)).toBeUndefined();
  expect(h.commands.aggregates.snapshots).toEqual({ read: 0, written: 0, failed: 0 });
  h.readModels.close();
});
