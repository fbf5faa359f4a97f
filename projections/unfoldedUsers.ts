import type { Statement } from 'better-sqlite3';
import { asDomainEvent } from '../domain/events';
import { streams, trainingUserOf } from '../domain/streams';
import { trainingDecider } from '../domain/userTraining/trainingDecider';
import { isTrainingEvent } from '../domain/userTraining/trainingEvents';
import type { TrainingState } from '../domain/userTraining/trainingState';
import type { StoredEvent } from '../handlers/ports/eventStore';
import type { ReadModelDb } from './readModelDb';
import type { ReadModelWriter } from './readModelWriter';

/** Whole streams by name (the event store's `readStreams`, or one `readStream` after another). */
export type StreamsReader = (names: readonly string[]) => Promise<Map<string, StoredEvent[]>>;

/** The training states of a batch's unfolded users, folded up to a position of the read models. */
export interface FoldedUsers {
  at: number;
  states: ReadonlyMap<string, TrainingState>;
}

const NONE: FoldedUsers = { at: -1, states: new Map() };

/**
 * Users a rebuild from zero left without their current assignments' folded states (`unfolded_users`), folded again
 * from their training streams when a batch first touches them. The reads are asynchronous (any event store), so they
 * happen before the batch's transaction; the transaction stores the states only if the read models are still at the
 * position they were folded to.
 */
export class UnfoldedUsers {
  private readonly anyListed: Statement<[], unknown>;
  private readonly listed: Statement<[string], unknown>;
  private readonly remove: Statement<[string]>;
  /**
   * The list was found empty: it stays so (a rebuild lists users only in the file it creates, before anything
   * projects into it), so batches stop asking.
   */
  private drained = false;

  constructor(
    private readonly readModels: ReadModelDb,
    private readonly readStreams: StreamsReader,
  ) {
    const db = readModels.db;
    this.anyListed = db.prepare('SELECT 1 FROM unfolded_users LIMIT 1');
    this.listed = db.prepare('SELECT 1 FROM unfolded_users WHERE user_id = ?');
    this.remove = db.prepare('DELETE FROM unfolded_users WHERE user_id = ?');
  }

  /** The batch's users still listed (none when the list is empty: read models built event by event). */
  private usersOf(events: readonly StoredEvent[]): string[] {
    if (this.drained) return [];
    if (this.anyListed.get() === undefined) {
      this.drained = true;
      return [];
    }
    const seen = new Set<string>();
    const users: string[] = [];
    for (const { stream } of events) {
      const userId = trainingUserOf(stream);
      if (userId === undefined || seen.has(userId)) continue;
      seen.add(userId);
      if (this.listed.get(userId) !== undefined) users.push(userId);
    }
    return users;
  }

  /** Folds the batch's unfolded users from their streams, up to the position the read models have reached. */
  async fold(events: readonly StoredEvent[]): Promise<FoldedUsers> {
    const users = this.usersOf(events);
    if (users.length === 0) return NONE;
    const at = this.readModels.position();
    const read = await this.readStreams(users.map(streams.training));
    const states = new Map<string, TrainingState>();
    for (const userId of users) {
      let state = trainingDecider.initialState();
      for (const stored of read.get(streams.training(userId)) ?? []) {
        if (stored.position > at) break;
        const event = asDomainEvent(stored);
        if (event && isTrainingEvent(event)) state = trainingDecider.evolve(state, event);
      }
      states.set(userId, state);
    }
    return { at, states };
  }

  /**
   * In the batch's transaction, before its events: stores every state of the batch's unfolded users and takes them
   * off the list. False, with nothing written, when a user is unfolded but was not folded at this position (another
   * process moved the read models meanwhile): fold again.
   */
  store(events: readonly StoredEvent[], folded: FoldedUsers, position: number, writer: ReadModelWriter): boolean {
    const users = this.usersOf(events);
    if (users.some((userId) => folded.at !== position || !folded.states.has(userId))) return false;
    for (const userId of users) {
      for (const [courseId, assignment] of folded.states.get(userId)?.assignments ?? [])
        writer.saveState(userId, courseId, assignment);
      this.remove.run(userId);
    }
    return true;
  }
}

/** The store's `readStreams` when it has one, else its streams read one after another. */
export function streamsReaderOf(store: {
  readStream(stream: string): Promise<StoredEvent[]>;
  readStreams?(names: readonly string[]): Promise<Map<string, StoredEvent[]>>;
}): StreamsReader {
  const readStreams = store.readStreams?.bind(store);
  if (readStreams) return readStreams;
  return async (names) => {
    const read = new Map<string, StoredEvent[]>();
    for (const name of names) read.set(name, await store.readStream(name));
    return read;
  };
}
