import { asDomainEvent } from '../domain/events';
import { trainingDecider } from '../domain/userTraining/trainingDecider';
import { isTrainingEvent } from '../domain/userTraining/trainingEvents';
import type { Assignment, TrainingState } from '../domain/userTraining/trainingState';
import { assignmentBytes } from '../domain/userTraining/trainingStateSize';
import type { StoredEvent } from '../handlers/ports/eventStore';
import type { ReadModelDb } from './readModelDb';
import type { UserFacts } from './readModelWriter';
import { ReadModelWriter } from './readModelWriter';
import type { FoldedUsers, StreamsReader } from './unfoldedUsers';
import { UnfoldedUsers } from './unfoldedUsers';

/** Fault injection for tests: called before each event is applied, inside the batch's transaction. */
export type BeforeEventHook = (event: StoredEvent) => void;

const assignmentKey = (userId: string, courseId: string) => `${userId}\u0000${courseId}`;

/**
 * The cache of folded assignments is bounded in bytes (issue #19): 16 MB of estimated state (about 30,000 plain
 * assignments) keeps what the last batches touched, which is what the next ones touch, whatever the portal's size.
 */
const DEFAULT_CACHE_BYTES = 16 * 1024 * 1024;
/** Folds of a batch's unfolded users tried before giving up, when other processes keep moving the read models. */
const FOLD_ATTEMPTS = 3;
/** A cached "no assignment": the key and a map entry. */
const ABSENT_BYTES = 100;
const cachedBytes = (assignment: Assignment | null) => (assignment ? assignmentBytes(assignment) : ABSENT_BYTES);

/**
 * Applies events to every read model. A batch is one transaction: its rows and every read model's checkpoint are
 * written together, so a crash never applies an event twice or skips one. Rows come from the events alone.
 */
export class Projector {
  private readonly writer: ReadModelWriter;
  private readonly unfolded: UnfoldedUsers;
  private readonly applyInTransaction: (events: readonly StoredEvent[], folded: FoldedUsers) => boolean;

  /** @param readStreams whole training streams, for users a rebuild left unfolded (`UnfoldedUsers`). */
  constructor(
    private readonly readModels: ReadModelDb,
    readStreams: StreamsReader,
    private readonly beforeEvent?: BeforeEventHook,
    private readonly maxCacheBytes = DEFAULT_CACHE_BYTES,
  ) {
    this.writer = new ReadModelWriter(readModels);
    this.unfolded = new UnfoldedUsers(readModels, readStreams);
    const transaction = readModels.db.transaction((events: readonly StoredEvent[], folded: FoldedUsers) =>
      this.applyBatch(events, folded),
    );
    // IMMEDIATE: the checkpoint is read under the write lock, so two processes sharing the file never apply an event
    // twice.
    this.applyInTransaction = (events, folded) => transaction.immediate(events, folded);
  }

  /**
   * Folded assignments (one user × one course: every training event concerns one) kept between batches so a batch
   * does not re-read them; only those of committed batches enter it, and it is dropped when another process moved
   * the checkpoint since this one last wrote it. Bounded, so a rebuild's memory stays flat.
   */
  private readonly cache = new Map<string, Assignment | null>();
  private cacheBytes = 0;

  /** The cache's use: entries and estimated bytes. */
  get cacheUse(): { entries: number; bytes: number } {
    return { entries: this.cache.size, bytes: this.cacheBytes };
  }
  private cachedAt = -1;
  private staged = new Map<string, Assignment | null>();

  /**
   * Applies a page of events in order; a throw rolls the whole batch back. Events at or below the checkpoint are
   * skipped.
   */
  async apply(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (let attempt = 1; ; attempt++) {
      const folded = await this.unfolded.fold(events);
      this.staged = new Map();
      if (this.applyInTransaction(events, folded)) break;
      if (attempt === FOLD_ATTEMPTS)
        throw new Error(`the read models kept moving while ${FOLD_ATTEMPTS} folds of a batch's users were read`);
    }
    for (const [key, assignment] of this.staged) {
      this.forget(key);
      this.cache.set(key, assignment);
      this.cacheBytes += cachedBytes(assignment);
    }
    for (const key of this.cache.keys()) {
      if (this.cacheBytes <= this.maxCacheBytes) break;
      this.forget(key);
    }
  }

  private forget(key: string): void {
    const cached = this.cache.get(key);
    if (cached === undefined) return;
    this.cacheBytes -= cachedBytes(cached);
    this.cache.delete(key);
  }

  private clearCache(): void {
    this.cache.clear();
    this.cacheBytes = 0;
  }

  /**
   * Moves the checkpoints past events that were not applied (parked, R29), so the next batch starts after them; the
   * rows they would have changed stay as they are.
   */
  passOver(position: number): void {
    this.readModels.db
      .transaction(() => {
        const checkpoint = this.readModels.position();
        if (position <= checkpoint) return;
        this.writer.writeCheckpoints(position);
        // The cache stays good for what it held: the rows did not change.
        if (this.cachedAt === checkpoint) this.cachedAt = position;
      })
      .immediate();
  }

  /** False when the batch's unfolded users must be folded again (nothing written). */
  private applyBatch(page: readonly StoredEvent[], folded: FoldedUsers): boolean {
    const checkpoint = this.readModels.position();
    if (checkpoint !== this.cachedAt) this.clearCache();
    this.writer.forgetPortalZone();
    const events = page.filter((event) => event.position > checkpoint);
    if (events.length === 0) return true;
    if (!this.unfolded.store(events, folded, checkpoint, this.writer)) return false;
    // Per user × course: the assignment as the batch leaves it (evolveTraining touches only the event's course).
    const touched = new Map<
      string,
      { userId: string; courseId: string; before: Assignment | null; state: TrainingState }
    >();
    for (const stored of events) {
      this.beforeEvent?.(stored);
      const event = asDomainEvent(stored);
      if (!event) continue;
      if (isTrainingEvent(event)) {
        const { userId, courseId } = event.data;
        const key = assignmentKey(userId, courseId);
        let entry = touched.get(key);
        if (!entry) {
          const assignment = this.loadAssignment(key, userId, courseId);
          entry = {
            userId,
            courseId,
            before: assignment,
            state: { assignments: new Map(assignment ? [[courseId, assignment]] : []) },
          };
          touched.set(key, entry);
        }
        entry.state = trainingDecider.evolve(entry.state, event);
      } else {
        this.writer.applyReferenceEvent(event);
      }
    }
    const facts = new Map<string, UserFacts>();
    for (const [key, { userId, courseId, before, state }] of touched) {
      const assignment = state.assignments.get(courseId) ?? null;
      let user = facts.get(userId);
      if (!user) {
        user = this.writer.userFacts(userId);
        facts.set(userId, user);
      }
      this.writer.writeAssignment(userId, courseId, before, assignment, user);
      this.staged.set(key, assignment);
    }
    const last = events[events.length - 1] as StoredEvent;
    this.writer.writeCheckpoints(last.position);
    this.cachedAt = last.position;
    return true;
  }

  private loadAssignment(key: string, userId: string, courseId: string): Assignment | null {
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    return this.writer.loadAssignment(userId, courseId);
  }
}
