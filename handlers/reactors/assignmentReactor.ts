import type { Logger } from 'pino';
import type { DomainEvent } from '../../domain/events';
import { asDomainEvent } from '../../domain/events';
import { reactionsTo } from '../../domain/reactions/reactionPolicy';
import { RULE_SOURCE_EVENT_TYPES, RuleHolders } from '../../domain/reactions/ruleHolders';
import { ReferenceData } from '../../domain/referenceData/referenceData';
import type { TrainingWork } from '../../domain/userTraining/trainingWork';
import type { CommandHandler } from '../commandHandler';
import { LazyCheckpoint } from '../lazyCheckpoint';
import { StoredParkedWorkLog } from '../parkedWorkLog';
import type { RetryPolicy } from '../ports/backgroundWork';
import { DEFAULT_RETRY_POLICY, neverParked } from '../ports/backgroundWork';
import type { StoredEvent } from '../ports/eventStore';
import type { ParkedWork, ParkedWorkLog } from '../ports/parkedWork';
import type { Reaction } from './reactionWriter';
import { parkedTrigger, ReactionWriter } from './reactionWriter';

export interface AssignmentReactorOptions {
  /** Per-user reactions appended per transaction. */
  chunkSize?: number;
  /** Events read per page. */
  pageSize?: number;
  /**
   * Write the checkpoint at most this often (default 0: after every page); the position is kept in memory meanwhile.
   * A server under load sets it: reacting again after a crash is harmless (a replayed reaction decides nothing).
   */
  checkpointIntervalMs?: number;
  logger?: Logger;
  /** Where work that keeps failing is parked (R29); default: the parked-work stream of the command handler's store. */
  parked?: ParkedWorkLog;
  /** How often a failing chunk is tried before it is split and what fails alone is parked (R29). */
  retry?: RetryPolicy;
}

/**
 * Turns rule creation and retirement, group membership, profile changes, new users and deactivations into
 * per-user training work (R10, R11, R18, R19). It reads the log in order with its own ReferenceData, so each trigger is
 * judged as of its place in the log, and checkpoints after each page. Replaying a page after a crash is harmless:
 * applying a rule a user already holds, or withdrawing one they do not, decides nothing. It also watches the
 * training events it caused, and withdraws a source that landed after its user stopped matching or its rule retired.
 */
export class AssignmentReactor {
  static readonly checkpointName = 'assignment-reactor';
  private readonly referenceData: ReferenceData;
  /** Who holds a source of which rule, as of the reactor's position. */
  private readonly holders = new RuleHolders();
  private position = 0;
  private initialized = false;
  private running: Promise<number> | undefined;
  private readonly chunkSize: number;
  private readonly pageSize: number;
  private readonly checkpoint: LazyCheckpoint;
  private readonly writer: ReactionWriter;
  readonly parked: ParkedWorkLog;

  constructor(
    private readonly commands: CommandHandler,
    private readonly options: AssignmentReactorOptions = {},
  ) {
    // Its users and the command handler's are the same objects wherever the two agree (the reactor lags, it is not
    // elsewhere).
    this.referenceData = new ReferenceData(commands.referenceData.bootstrapAdminId, undefined, { emailIndex: false });
    this.referenceData.shareUsersWith(commands.referenceData);
    // Previews and replies count what a rule change will withdraw against the holders the reactor itself knows.
    commands.countEffectsWith(this.holders);
    this.chunkSize = options.chunkSize ?? 1000;
    this.pageSize = options.pageSize ?? 1000;
    this.checkpoint = new LazyCheckpoint(
      commands.store,
      AssignmentReactor.checkpointName,
      options.checkpointIntervalMs ?? 0,
    );
    this.parked = options.parked ?? new StoredParkedWorkLog(commands.store, commands.clock);
    this.writer = new ReactionWriter(commands, this.parked, options.retry ?? DEFAULT_RETRY_POLICY, options.logger);
  }

  /** Writes the checkpoint if it lags behind the position reached (on a graceful stop). */
  flushCheckpoint(): Promise<void> {
    return this.checkpoint.flush();
  }

  get at(): number {
    return this.position;
  }

  /** Folds the log up to the checkpoint without reacting: that work was done before. */
  async init(): Promise<void> {
    if (this.initialized) return;
    const checkpoint = await this.checkpoint.read();
    const store = this.commands.store;
    const readRelevant = store.readReferenceData?.bind(store);
    while (this.position < checkpoint) {
      const page = readRelevant
        ? await readRelevant(this.position, checkpoint, 5000, RULE_SOURCE_EVENT_TYPES)
        : await store.readAll(this.position, 5000);
      if (page.length === 0) break;
      for (const stored of page) {
        if (stored.position > checkpoint) break;
        const event = asDomainEvent(stored);
        if (event) this.fold(event);
        this.position = stored.position;
      }
    }
    this.position = checkpoint;
    this.initialized = true;
  }

  /**
   * Reacts to everything in the log, including the training events its own reactions append, until nothing is new.
   * One run at a time: a caller arriving during a run waits for it, then runs again for what came since.
   */
  async runUntilIdle(): Promise<number> {
    while (this.running) await this.running.catch(() => 0);
    this.running = this.drain();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async drain(): Promise<number> {
    await this.init();
    const store = this.commands.store;
    const readRelevant = store.readReferenceData?.bind(store);
    let handled = 0;
    if (readRelevant) {
      // Only what can cause a reaction or change what the reactor knows: reference data and the training events
      // that give or take a rule's source (progress, completions and exemptions are most of the log and change
      // neither).
      const head = await store.headPosition();
      while (this.position < head) {
        const page = await readRelevant(this.position, head, this.pageSize, RULE_SOURCE_EVENT_TYPES);
        await this.handlePage(page, page.length < this.pageSize ? head : undefined);
        handled += page.length;
      }
      return handled;
    }
    for (;;) {
      const page = await store.readAll(this.position, this.pageSize);
      if (page.length === 0) return handled;
      await this.handlePage(page);
      handled += page.length;
    }
  }

  /**
   * Reacts to one page of events in order, storing the work a chunk at a time as it comes (a rule over a whole portal
   * is never held whole: issue #19), then checkpoints (at `through` when given: the page was all there was up to it).
   */
  private async handlePage(page: readonly StoredEvent[], through?: number): Promise<void> {
    let reactions: Reaction[] = [];
    const unreactable: ParkedWork[] = [];
    let last: StoredEvent | undefined;
    let chunk = 0;
    for (const stored of page) {
      if (stored.position <= this.position) continue;
      for (const work of this.reactionsOf(stored, unreactable)) {
        reactions.push({ work, trigger: stored });
        if (reactions.length < this.chunkSize) continue;
        // Ids from the event in hand and the page's chunk count: a replay of the page stores nothing twice.
        await this.writer.store(reactions, `reactor:${stored.id}:${chunk++}`, stored);
        reactions = [];
      }
      last = stored;
    }
    const reached = Math.max(last?.position ?? this.position, through ?? 0);
    if (!last) {
      if (reached > this.position) {
        await this.checkpoint.advance(reached);
        this.position = reached;
      }
      return;
    }
    await this.writer.park(unreactable);
    if (reactions.length > 0) await this.writer.store(reactions, `reactor:${last.id}:${chunk}`, last);
    await this.checkpoint.advance(reached);
    this.position = reached;
  }

  /**
   * The work an event causes, as it comes. Deciding it is pure: a failure is not transient, so the event is parked at
   * once (R29) and the events behind it go on; a failure to store the work is not caught here.
   */
  private *reactionsOf(stored: StoredEvent, unreactable: ParkedWork[]): Generator<TrainingWork> {
    const event = asDomainEvent(stored);
    if (!event) return;
    const unreacted = (error: unknown) =>
      unreactable.push(parkedTrigger(stored, error as Error, this.commands.clock.now()));
    let works: Iterator<TrainingWork>;
    try {
      works = this.react(event, stored)[Symbol.iterator]();
    } catch (error) {
      unreacted(error);
      return;
    }
    for (;;) {
      let next: IteratorResult<TrainingWork>;
      try {
        next = works.next();
      } catch (error) {
        unreacted(error);
        return;
      }
      if (next.done) return;
      yield next.value;
    }
  }

  /**
   * `lms retry`: runs parked reactions again (all, or those named), after a fix. A parked reaction is decided against
   * the present like any reaction (a rule retired since is not applied); an event that could not be reacted to at all
   * is reacted to again with what the reactor knows now. Work that fails again stays parked, with the new error.
   */
  async retryParked(keys?: readonly string[]): Promise<{ key: string; error?: string }[]> {
    while (this.running) await this.running.catch(() => 0);
    const retrying = this.retryEach(keys);
    this.running = retrying.then((outcomes) => outcomes.length);
    try {
      return await retrying;
    } finally {
      this.running = undefined;
    }
  }

  private async retryEach(keys?: readonly string[]): Promise<{ key: string; error?: string }[]> {
    await this.init();
    const outcomes: { key: string; error?: string }[] = [];
    for (const work of await this.parked.list()) {
      if ((work.loop !== 'reactor' && work.loop !== 'scheduler') || (keys && !keys.includes(work.key))) continue;
      const commandId = `reactor-retry:${work.key}:${this.commands.clock.now()}`;
      // The scheduler's work answers no event: it is a user's day, run again now.
      if (work.loop === 'scheduler') {
        const error = await this.writer.retryParked(work, commandId, undefined);
        outcomes.push(error ? { key: work.key, error: error.message } : { key: work.key });
        continue;
      }
      const trigger = await this.triggerOf(work);
      const event = trigger && asDomainEvent(trigger);
      if (!trigger || !event) {
        outcomes.push({ key: work.key, error: `the event at position ${work.position} cannot be read` });
        continue;
      }
      const error = work.work
        ? await this.writer.retryParked(work, commandId, trigger)
        : await this.reactAgain(work, event, trigger, commandId);
      outcomes.push(error ? { key: work.key, error: error.message } : { key: work.key });
    }
    return outcomes;
  }

  /**
   * The event parked work answers: read in its stream by id. Work parked before streams were recorded is read at its
   * position, which holds on stores whose positions count events (SQLite, memory).
   */
  private async triggerOf(work: ParkedWork): Promise<StoredEvent | undefined> {
    const store = this.commands.store;
    if (work.stream !== undefined && work.eventId !== null) {
      const events = await store.readStream(work.stream);
      return events.find((event) => event.id === work.eventId);
    }
    const [found] = await store.readAll(work.position - 1, 1);
    return found?.position === work.position ? found : undefined;
  }

  /** An event that could not be reacted to: reacted to now, its reactions stored (or parked one by one). */
  private async reactAgain(work: ParkedWork, event: DomainEvent, trigger: StoredEvent, commandId: string) {
    try {
      const { occurredAt, actorId, correlationId } = trigger.metadata;
      const triggered = { eventId: trigger.id, occurredAt, actorId, correlationId };
      const works = [...reactionsTo(event, triggered, this.referenceData, this.holders)];
      await this.writer.store(
        works.map((reacted) => ({ work: reacted, trigger })),
        commandId,
        trigger,
      );
      await this.parked.resolve(work.key, `reacted to again as ${commandId}`);
      return undefined;
    } catch (error) {
      if (neverParked(error)) throw error;
      await this.parked.retried(work.key, (error as Error).message);
      return error as Error;
    }
  }

  /** What the reactor knows moves with every event it reads: the reference data and who holds which rule. */
  private fold(event: DomainEvent): void {
    this.referenceData.apply(event);
    this.holders.apply(event);
  }

  private react(event: DomainEvent, stored: StoredEvent): Iterable<TrainingWork> {
    this.fold(event);
    const { occurredAt, actorId, correlationId } = stored.metadata;
    return reactionsTo(
      event,
      { eventId: stored.id, occurredAt, actorId, correlationId },
      this.referenceData,
      this.holders,
    );
  }
}
