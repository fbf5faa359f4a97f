import type { Logger } from 'pino';
import type { DomainEvent } from '../../domain/events';
import { asDomainEvent } from '../../domain/events';
import { reactionsTo } from '../../domain/reactions/reactionPolicy';
import { RULE_SOURCE_EVENT_TYPES, RuleHolders } from '../../domain/reactions/ruleHolders';
import { ReferenceData } from '../../domain/referenceData/referenceData';
import type { TrainingWork } from '../../domain/userTraining/trainingWork';
import type { CommandHandler } from '../commandHandler';
import { LazyCheckpoint } from '../lazyCheckpoint';
import { planReactions } from '../planners/reactionPlanner';
import type { StoredEvent } from '../ports/eventStore';

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

  constructor(
    private readonly commands: CommandHandler,
    private readonly options: AssignmentReactorOptions = {},
  ) {
    this.referenceData = new ReferenceData(commands.referenceData.bootstrapAdminId);
    this.chunkSize = options.chunkSize ?? 1000;
    this.pageSize = options.pageSize ?? 1000;
    this.checkpoint = new LazyCheckpoint(
      commands.store,
      AssignmentReactor.checkpointName,
      options.checkpointIntervalMs ?? 0,
    );
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
   * Reacts to one page of events in order, executes the work, then checkpoints (at `through` when given: the page was
   * all there was up to it).
   */
  private async handlePage(page: readonly StoredEvent[], through?: number): Promise<void> {
    const works: TrainingWork[] = [];
    let last: StoredEvent | undefined;
    for (const stored of page) {
      if (stored.position <= this.position) continue;
      const event = asDomainEvent(stored);
      if (event) works.push(...this.react(event, stored));
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
    for (let chunk = 0; chunk * this.chunkSize < works.length; chunk++) {
      const slice = works.slice(chunk * this.chunkSize, (chunk + 1) * this.chunkSize);
      const reply = await this.commands.execute(
        {
          commandId: `reactor:${last.id}:${chunk}`,
          actorId: 'system:assignment-reactor',
          correlationId: last.metadata.correlationId,
          causationId: last.id,
        },
        (context) => planReactions(slice, context),
      );
      if (!reply.ok)
        throw new Error(
          `assignment reactor could not store its work at position ${last.position}: ${reply.error.code} ${reply.error.message}`,
        );
      if (reply.warnings.length > 0)
        this.options.logger?.info({ position: last.position, skipped: reply.warnings.length }, 'reactions skipped');
    }
    await this.checkpoint.advance(reached);
    this.position = reached;
  }

  /** What the reactor knows moves with every event it reads: the reference data and who holds which rule. */
  private fold(event: DomainEvent): void {
    this.referenceData.apply(event);
    this.holders.apply(event);
  }

  private react(event: DomainEvent, stored: StoredEvent): TrainingWork[] {
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
