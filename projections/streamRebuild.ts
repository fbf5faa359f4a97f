import { asDomainEvent } from '../domain/events';
import { streams } from '../domain/streams';
import { trainingDecider } from '../domain/userTraining/trainingDecider';
import { isTrainingEvent } from '../domain/userTraining/trainingEvents';
import type { TrainingState } from '../domain/userTraining/trainingState';
import type { EventStore, StoredEvent, StreamCursor } from '../handlers/ports/eventStore';
import { BulkCounts } from './bulkCounts';
import type { ProjectionProgress } from './projectionRuntime';
import { ProjectionRuntime } from './projectionRuntime';
import type { ReadModelDb } from './readModelDb';
import { COUNT_TRIGGERS, DEFERRED_INDEXES, READ_MODEL_SCHEMA } from './readModelSchema';
import { ReadModelWriter } from './readModelWriter';

const PAGE = 5000;
const TRAINING_PREFIX = streams.training('');

export interface RebuildOptions {
  /** Rebuild as of this position (default: the store's head when the rebuild starts). */
  until?: number;
  onProgress?: (progress: ProjectionProgress) => void;
}

/**
 * Builds every read model from zero into empty read models: the same rows as projecting the log event by event
 * (`ProjectionRuntime`), reached faster. Reference data first, in log order (a few percent of the log); then each
 * user's training stream folded whole, one user at a time, in user order, so rows are inserted in key order, each
 * once, with the user's final facts, and memory holds one user. Rows are a function of a user's final training
 * state and final reference facts, which is what the event-by-event projection converges to (it rewrites a user's
 * rows when their facts change). The MI and holder indexes are built once at the end rather than row by row, and the
 * counts (MI, rules, course versions) are tallied as rows are written and stored at the end.
 *
 * Falls back to the event-by-event projection for a store that cannot read by stream prefix or reference data.
 * Returns the number of events applied.
 */
export async function rebuildFromEvents(
  store: EventStore,
  readModels: ReadModelDb,
  options: RebuildOptions = {},
): Promise<number> {
  if (readModels.position() !== 0) throw new Error('a rebuild needs empty read models (position 0)');
  const readReferenceData = store.readReferenceData?.bind(store);
  const readByPrefix = store.readStreamsByPrefix?.bind(store);
  if (!readReferenceData || !readByPrefix) {
    return new ProjectionRuntime(store, readModels, { batchSize: PAGE }).catchUp(options);
  }
  const started = Date.now();
  const head = Math.min(options.until ?? Number.MAX_SAFE_INTEGER, await store.headPosition());
  const counts = new BulkCounts();
  const writer = new ReadModelWriter(readModels, counts);
  const db = readModels.db;
  let events = 0;
  const report = () =>
    options.onProgress?.({ position: Math.min(events, head), head, events, elapsedMs: Date.now() - started });

  const applyReference = db.transaction((page: readonly StoredEvent[]) => {
    for (const stored of page) {
      const event = asDomainEvent(stored);
      if (event) writer.applyReferenceEvent(event);
    }
  });
  for (let position = 0; position < head; ) {
    const page = await readReferenceData(position, head, PAGE);
    applyReference(page);
    events += page.length;
    report();
    if (page.length < PAGE) break;
    position = (page[page.length - 1] as StoredEvent).position;
  }

  // Built once at the end rather than row by row: the MI, course-rows and rule-holder indexes, and the counts (their
  // triggers dropped meanwhile, the writer tallying them).
  for (const index of DEFERRED_INDEXES) db.exec(`DROP INDEX IF EXISTS ${index}`);
  for (const trigger of COUNT_TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${trigger}`);
  let user: { userId: string; stream: string; state: TrainingState } | undefined;
  const flush = () => {
    if (!user) return;
    const facts = writer.userFacts(user.userId);
    for (const courseId of [...user.state.assignments.keys()].sort()) {
      writer.writeAssignment(user.userId, courseId, null, user.state.assignments.get(courseId) ?? null, facts);
    }
    user = undefined;
  };
  // Each page in one transaction; a user whose stream runs on into the next page is written there.
  const applyTraining = db.transaction((page: readonly StoredEvent[]) => {
    for (const stored of page) {
      if (user?.stream !== stored.stream) flush();
      const event = asDomainEvent(stored);
      if (!event || !isTrainingEvent(event)) continue;
      user ??= { userId: event.data.userId, stream: stored.stream, state: trainingDecider.initialState() };
      user.state = trainingDecider.evolve(user.state, event);
    }
  });
  for (let after: StreamCursor | undefined; ; ) {
    const page = await readByPrefix(TRAINING_PREFIX, head, after, PAGE);
    applyTraining(page);
    events += page.length;
    report();
    if (page.length < PAGE) break;
    const last = page[page.length - 1] as StoredEvent;
    after = { stream: last.stream, revision: last.revision };
  }
  db.transaction(() => {
    flush();
    counts.write(db);
    db.exec(READ_MODEL_SCHEMA);
    writer.writeCheckpoints(head);
  })();
  return events;
}
