import { asDomainEvent } from '../domain/events';
import { streams } from '../domain/streams';
import { isTrainingEvent } from '../domain/userTraining/trainingEvents';
import { evolveTrainingAll } from '../domain/userTraining/trainingEvolution';
import type { TrainingEvent } from '../domain/userTraining/trainingState';
import { initialTrainingState } from '../domain/userTraining/trainingState';
import type { EventStore, StoredEvent, StreamCursor } from '../handlers/ports/eventStore';
import type { CountsTally } from './bulkCounts';
import { BulkCounts } from './bulkCounts';
import type { ProjectionProgress } from './projectionRuntime';
import { ProjectionRuntime } from './projectionRuntime';
import type { ReadModelDb } from './readModelDb';
import { COUNT_TRIGGERS, DEFERRED_INDEXES, READ_MODEL_SCHEMA } from './readModelSchema';
import { ReadModelWriter } from './readModelWriter';

const PAGE = 5000;
const TRAINING_PREFIX = streams.training('');
/** Below this many events a second thread costs more to start than it saves. */
const HELPER_FROM_EVENTS = 200_000;

/**
 * The second half of the users' training, rebuilt by another thread into a read-model file of its own: from the
 * middle registered user on, as both threads find it in the same reference data (so neither waits for the other).
 */
export interface TrainingRangeJob {
  head: number;
  /** Store every folded state, current assignments' too (see RebuildOptions). */
  currentStates: boolean;
}

export interface TrainingRangeResult {
  /** The first training stream of the helper's half (it took this one and every one after); null: under two users. */
  fromStream: string | null;
  /** The helper's read-model file (its rows and the reference data they were written with); the helper removes it. */
  file: string;
  /** Training events applied. */
  events: number;
  tally: CountsTally;
}

/**
 * Another thread that rebuilds part of the users' training (`rebuildTrainingFrom` on its own connections, into a file
 * it creates and removes when it is closed).
 */
export interface RebuildHelper {
  rebuild(job: TrainingRangeJob): Promise<TrainingRangeResult>;
}

export interface RebuildOptions {
  /** Rebuild as of this position (default: the store's head when the rebuild starts). */
  until?: number;
  onProgress?: (progress: ProjectionProgress) => void;
  /**
   * A second thread for half of the users (issue #19: the rebuild on both cores): both fold and write their half at
   * once, and this thread then copies the helper's rows into its file in key order.
   */
  helper?: RebuildHelper;
  /** The log size from which the helper is used (default 200,000 events). */
  helperFromEvents?: number;
  /**
   * Store the folded state of every assignment (`lms verify` compares them). By default only removed assignments'
   * states are stored (their completions are in no row) and the users with current assignments are listed in
   * unfolded_users: the projector folds their stream again when it first touches them (issue #19: the states were
   * more than half the file and a fifth of the rebuild's time).
   */
  currentStates?: boolean;
}

type ReadByPrefix = NonNullable<EventStore['readStreamsByPrefix']>;
type ReadReferenceData = NonNullable<EventStore['readReferenceData']>;

/**
 * Builds every read model from zero into empty read models: the same rows as projecting the log event by event
 * (`ProjectionRuntime`), reached faster. Reference data first, in log order (a few percent of the log); then each
 * user's training stream folded whole, one user at a time, in user order, so rows are inserted in key order, each
 * once, with the user's final facts, and memory holds one user. Rows are a function of a user's final training
 * state and final reference facts, which is what the event-by-event projection converges to (it rewrites a user's
 * rows when their facts change). The MI and holder indexes are built once at the end rather than row by row, and the
 * counts (MI, rules, course versions) are tallied as rows are written and stored at the end. Folded states are stored
 * for removed assignments only, unless `currentStates` (see RebuildOptions).
 *
 * With a helper and a large log, the users are split in two at the middle user: the helper rebuilds the second half
 * into a file of its own while this thread rebuilds the first, then its rows are copied in (they sort after every row
 * here) and its counts added.
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
  const currentStates = options.currentStates ?? false;
  const writer = new ReadModelWriter(readModels, counts, currentStates);
  const db = readModels.db;
  let events = 0;
  const report = (applied: number) => {
    events += applied;
    options.onProgress?.({ position: Math.min(events, head), head, events, elapsedMs: Date.now() - started });
  };
  const helped =
    head >= (options.helperFromEvents ?? HELPER_FROM_EVENTS)
      ? options.helper?.rebuild({ head, currentStates })
      : undefined;
  // Settled here too, so a failure of this thread's half leaves no rejection unhandled.
  helped?.catch(() => undefined);
  deferIndexesAndCounts(readModels);
  await applyReferenceData(readReferenceData, readModels, writer, head, report);
  const before = helped ? middleStream(db) : null;
  await rebuildTraining(readByPrefix, readModels, writer, head, before ?? undefined, report);
  if (helped) {
    const part = await helped;
    if (part.fromStream !== before)
      throw new Error(`the rebuild's two threads split the users differently (${part.fromStream}, ${before})`);
    if (part.fromStream !== null) copyRowsFrom(readModels, part.file);
    counts.addTally(part.tally);
    report(part.events);
  }
  db.transaction(() => {
    counts.write(db);
    db.exec(READ_MODEL_SCHEMA);
    writer.writeCheckpoints(head);
  })();
  return events;
}

/**
 * The helper thread's half: the reference data (for the users' facts on their rows) and the training streams from
 * the middle user's on, into empty read models, counts tallied and returned rather than stored.
 */
export async function rebuildTrainingFrom(
  store: EventStore,
  readModels: ReadModelDb,
  job: TrainingRangeJob,
): Promise<Omit<TrainingRangeResult, 'file'>> {
  const readReferenceData = store.readReferenceData?.bind(store);
  const readByPrefix = store.readStreamsByPrefix?.bind(store);
  if (!readReferenceData || !readByPrefix) throw new Error('a rebuild helper needs reads by stream prefix');
  const counts = new BulkCounts();
  const writer = new ReadModelWriter(readModels, counts, job.currentStates);
  // Its file is only copied from: the indexes and counts are never built there.
  deferIndexesAndCounts(readModels);
  await applyReferenceData(readReferenceData, readModels, writer, job.head, () => undefined);
  const fromStream = middleStream(readModels.db);
  if (fromStream === null) return { fromStream, events: 0, tally: counts.tally() };
  let events = 0;
  const count = (applied: number) => {
    events += applied;
  };
  await rebuildTraining(readByPrefix, readModels, writer, job.head, undefined, count, {
    stream: fromStream,
    revision: -1,
  });
  return { fromStream, events, tally: counts.tally() };
}

async function applyReferenceData(
  read: ReadReferenceData,
  readModels: ReadModelDb,
  writer: ReadModelWriter,
  head: number,
  report: (applied: number) => void,
): Promise<void> {
  const apply = readModels.db.transaction((page: readonly StoredEvent[]) => {
    for (const stored of page) {
      const event = asDomainEvent(stored);
      if (event) writer.applyReferenceEvent(event);
    }
  });
  for (let position = 0; position < head; ) {
    const page = await read(position, head, PAGE);
    apply(page);
    report(page.length);
    if (page.length < PAGE) break;
    position = (page[page.length - 1] as StoredEvent).position;
  }
}

/**
 * Built once at the end rather than row by row: the MI and rule-holder indexes, the users' indexes (users come in
 * log order, those indexes' keys in any), and the counts (their triggers dropped meanwhile, the writer tallying
 * them).
 */
function deferIndexesAndCounts(readModels: ReadModelDb): void {
  for (const index of DEFERRED_INDEXES) readModels.db.exec(`DROP INDEX IF EXISTS ${index}`);
  for (const trigger of COUNT_TRIGGERS) readModels.db.exec(`DROP TRIGGER IF EXISTS ${trigger}`);
}

/** The training stream of the middle registered user: where the helper's half begins (null with under two users). */
function middleStream(db: ReadModelDb['db']): string | null {
  const users = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users').get()?.n ?? 0;
  if (users < 2) return null;
  const middle = db
    .prepare<[number], { user_id: string }>('SELECT user_id FROM users ORDER BY user_id LIMIT 1 OFFSET ?')
    .get(Math.floor(users / 2));
  return middle ? streams.training(middle.user_id) : null;
}

/**
 * Folds each user's training stream whole and writes its rows, from `after` on and before the stream `before`
 * (default: to the end of the training streams). Each page in one transaction; a user whose stream runs on into the
 * next page is written there.
 */
async function rebuildTraining(
  readByPrefix: ReadByPrefix,
  readModels: ReadModelDb,
  writer: ReadModelWriter,
  head: number,
  before: string | undefined,
  report: (applied: number) => void,
  from?: StreamCursor,
): Promise<void> {
  // A user's events are folded at once when the stream ends: one copy of the assignments, not one per event.
  let user: { userId: string; stream: string; events: TrainingEvent[] } | undefined;
  const flush = () => {
    if (!user) return;
    const facts = writer.userFacts(user.userId);
    const state = evolveTrainingAll(initialTrainingState(), user.events);
    let current = false;
    for (const courseId of [...state.assignments.keys()].sort()) {
      const assignment = state.assignments.get(courseId) ?? null;
      writer.writeAssignment(user.userId, courseId, null, assignment, facts);
      current ||= assignment?.active === true;
    }
    if (current && !writer.currentStates) writer.markUnfolded(user.userId);
    user = undefined;
  };
  let done = false;
  const apply = readModels.db.transaction((page: readonly StoredEvent[]) => {
    let applied = 0;
    for (const stored of page) {
      if (user?.stream !== stored.stream) {
        // Ids are ASCII (IdSchema), where JavaScript's order of strings is SQLite's.
        if (before !== undefined && stored.stream >= before) {
          done = true;
          break;
        }
        flush();
      }
      applied++;
      const event = asDomainEvent(stored);
      if (!event || !isTrainingEvent(event)) continue;
      user ??= { userId: event.data.userId, stream: stored.stream, events: [] };
      user.events.push(event);
    }
    if (done || page.length < PAGE) flush();
    return applied;
  });
  for (let after = from; ; ) {
    const page = await readByPrefix(TRAINING_PREFIX, head, after, PAGE);
    report(apply(page));
    if (done || page.length < PAGE) break;
    const last = page[page.length - 1] as StoredEvent;
    after = { stream: last.stream, revision: last.revision };
  }
}

/** Copies the helper's rows into these read models, in key order after every row here (one statement per table). */
function copyRowsFrom(readModels: ReadModelDb, file: string): void {
  const db = readModels.db;
  db.prepare('ATTACH DATABASE ? AS rebuild_part').run(file);
  try {
    db.transaction(() => {
      db.exec('INSERT INTO main.training_state SELECT * FROM rebuild_part.training_state');
      db.exec('INSERT INTO main.unfolded_users SELECT * FROM rebuild_part.unfolded_users');
      db.exec('INSERT INTO main.assignments SELECT * FROM rebuild_part.assignments');
      db.exec('INSERT INTO main.exemptions SELECT * FROM rebuild_part.exemptions');
    })();
  } finally {
    db.exec('DETACH DATABASE rebuild_part');
  }
}
