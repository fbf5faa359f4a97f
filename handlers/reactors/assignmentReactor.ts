import type { Logger } from 'pino';
import type { ActiveRule } from '../../domain/assignmentRule/assignmentRuleDecider';
import { ReferenceData } from '../../domain/referenceData/referenceData';
import type { DomainEvent } from '../../domain/events';
import { asDomainEvent } from '../../domain/events';
import { ruleAudience, ruleFacts, ruleMatches, withinAudienceScope } from '../../domain/policies/ruleAudiencePolicy';
import type { StoredEvent } from '../ports/eventStore';
import type { CommandHandler } from '../commandHandler';
import { LazyCheckpoint } from '../lazyCheckpoint';
import type { TrainingWork } from '../planners/trainingBatch';
import { planReactions } from '../planners/reactionPlanner';

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
  /** ruleId → users holding a source of that rule, as of the reactor's position. */
  private readonly holders = new Map<string, Set<string>>();
  private position = 0;
  private initialized = false;
  private running: Promise<number> | undefined;
  private readonly chunkSize: number;
  private readonly pageSize: number;
  private readonly checkpoint: LazyCheckpoint;

  constructor(
    private readonly engine: CommandHandler,
    private readonly options: AssignmentReactorOptions = {},
  ) {
    this.referenceData = new ReferenceData(engine.referenceData.bootstrapAdminId);
    this.chunkSize = options.chunkSize ?? 1000;
    this.pageSize = options.pageSize ?? 1000;
    this.checkpoint = new LazyCheckpoint(
      engine.store,
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
    const store = this.engine.store;
    const readRelevant = store.readReferenceData?.bind(store);
    while (this.position < checkpoint) {
      const page = readRelevant
        ? await readRelevant(this.position, checkpoint, 5000, RELEVANT_TRAINING_TYPES)
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
    const store = this.engine.store;
    const readRelevant = store.readReferenceData?.bind(store);
    let handled = 0;
    if (readRelevant) {
      // Only what can cause a reaction or change what the reactor knows: reference data and the training events
      // that give or take a rule's source (progress, completions and exemptions are most of the log and change neither).
      const head = await store.headPosition();
      while (this.position < head) {
        const page = await readRelevant(this.position, head, this.pageSize, RELEVANT_TRAINING_TYPES);
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

  /** Reacts to one page of events in order, executes the work, then checkpoints (at `through` when given: the page was all there was up to it). */
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
      const reply = await this.engine.execute(
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

  private fold(event: DomainEvent): void {
    this.referenceData.apply(event);
    switch (event.type) {
      case 'TrainingAssigned':
      case 'TrainingReassigned':
      case 'AssignmentSourceAdded':
        if (event.data.source.ruleId) holdersOf(this.holders, event.data.source.ruleId).add(event.data.userId);
        return;
      case 'AssignmentSourceRemoved':
        this.holders.get(event.data.sourceKey)?.delete(event.data.userId);
        return;
      default:
        return;
    }
  }

  private react(event: DomainEvent, stored: StoredEvent): TrainingWork[] {
    const referenceData = this.referenceData;
    const apply = (rule: ActiveRule, userId: string): TrainingWork => ({
      userId,
      command: { type: 'ApplyRule', rule: ruleFacts(rule, referenceData) },
      at: stored.metadata.occurredAt,
      actorId: rule.createdBy,
      metadata: {
        actorId: stored.metadata.actorId,
        correlationId: stored.metadata.correlationId,
        causationId: stored.id,
      },
    });
    const withdraw = (rule: ActiveRule, userId: string, cause: 'dynamic' | 'retired'): TrainingWork => ({
      userId,
      command: { type: 'WithdrawRule', ruleId: rule.ruleId, courseId: rule.courseId, cause },
      at: stored.metadata.occurredAt,
      actorId: stored.metadata.actorId,
      metadata: {
        actorId: stored.metadata.actorId,
        correlationId: stored.metadata.correlationId,
        causationId: stored.id,
      },
    });
    /** Dynamic rules whose reach follows a user's profile and membership (not new-starter rules: they reach at registration). */
    const followingRules = () =>
      [...referenceData.rules.values()].filter(
        (rule) => !rule.retired && rule.mode === 'dynamic' && rule.target.kind !== 'newStarters',
      );
    const reconcile = (userId: string): TrainingWork[] => {
      const works: TrainingWork[] = [];
      for (const rule of followingRules()) {
        const matches = ruleMatches(rule, userId, referenceData);
        const holds = this.holders.get(rule.ruleId)?.has(userId) ?? false;
        if (matches && !holds) works.push(apply(rule, userId));
        if (!matches && holds) works.push(withdraw(rule, userId, 'dynamic'));
      }
      return works;
    };

    /** Brings every user in line with one rule (after a change that may move many users in or out of its reach). */
    const reconcileRule = (rule: ActiveRule): TrainingWork[] =>
      [...referenceData.users.keys()].sort().flatMap((userId) => {
        const matches = ruleMatches(rule, userId, referenceData);
        const holds = this.holders.get(rule.ruleId)?.has(userId) ?? false;
        if (matches && !holds) return [apply(rule, userId)];
        if (!matches && holds) return [withdraw(rule, userId, 'dynamic')];
        return [];
      });

    this.fold(event);
    switch (event.type) {
      case 'AssignmentRuleCreated': {
        const rule = referenceData.rules.get(event.data.ruleId);
        return rule ? ruleAudience(rule, referenceData).map((userId) => apply(rule, userId)) : [];
      }
      case 'AssignmentRuleRetired': {
        const rule = referenceData.rules.get(event.data.ruleId);
        return rule
          ? [...(this.holders.get(rule.ruleId) ?? [])].sort().map((userId) => withdraw(rule, userId, 'retired'))
          : [];
      }
      case 'GroupMemberAdded':
      case 'GroupMemberRemoved':
        return referenceData
          .rulesTargeting(event.data.groupId)
          .filter((rule) => !rule.retired && rule.mode === 'dynamic')
          .flatMap((rule) => {
            const matches = ruleMatches(rule, event.data.userId, referenceData);
            const holds = this.holders.get(rule.ruleId)?.has(event.data.userId) ?? false;
            if (matches && !holds) return [apply(rule, event.data.userId)];
            if (!matches && holds) return [withdraw(rule, event.data.userId, 'dynamic')];
            return [];
          });
      case 'UserRegistered': {
        const newStarterRules = [...referenceData.rules.values()].filter(
          (rule) =>
            !rule.retired &&
            rule.target.kind === 'newStarters' &&
            withinAudienceScope(rule, event.data.userId, referenceData),
        );
        return [...newStarterRules.map((rule) => apply(rule, event.data.userId)), ...reconcile(event.data.userId)];
      }
      case 'UserProfileUpdated': {
        const { userId, changed } = event.data;
        if (!changed.includes('managerId') && !changed.includes('orgUnitId')) return reconcile(userId);
        // A new manager or org unit also moves everyone below the user, and the reach of rules the user created
        // under "self and subordinates" or "own org unit" constraints (R17).
        const below = referenceData.reportingLine(userId).sort();
        const scopedRules = followingRules().filter(
          (rule) =>
            rule.createdBy === userId &&
            rule.audienceScope?.some((scope) => scope.selfAndSubordinates || scope.ownOrgUnit),
        );
        return [...[userId, ...below].flatMap(reconcile), ...scopedRules.flatMap(reconcileRule)];
      }
      case 'CourseActivated':
        // Users who came to match while the course was inactive were skipped (R15): they get it now.
        return followingRules()
          .filter((rule) => rule.courseId === event.data.courseId)
          .flatMap(reconcileRule);
      case 'UserDeactivated':
        return [...referenceData.rules.values()]
          .filter((rule) => rule.mode === 'dynamic' && (this.holders.get(rule.ruleId)?.has(event.data.userId) ?? false))
          .map((rule) => withdraw(rule, event.data.userId, 'dynamic'));
      case 'OrgUnitDefined':
        // A moved org unit changes who is below whom: dynamic criteria and constrained scopes may reach differently.
        if (event.data.previousParentId === undefined || event.data.previousParentId === event.data.parentId) return [];
        return [...referenceData.users.keys()].sort().flatMap(reconcile);
      case 'AssignmentSourceRemoved': {
        // A withdrawal that landed after the user came to match again (left and rejoined before the reactor ran)
        // is put right by applying the rule again: R11 then restores or skips, as the rule says.
        const rule = event.data.cause === 'dynamic' ? referenceData.rules.get(event.data.sourceKey) : undefined;
        if (!rule || rule.retired || rule.mode !== 'dynamic' || rule.target.kind === 'newStarters') return [];
        return ruleMatches(rule, event.data.userId, referenceData) ? [apply(rule, event.data.userId)] : [];
      }
      case 'TrainingAssigned':
      case 'TrainingReassigned':
      case 'AssignmentSourceAdded': {
        const ruleId = event.data.source.ruleId;
        const rule = ruleId === null ? undefined : referenceData.rules.get(ruleId);
        if (!rule) return [];
        if (rule.retired) return [withdraw(rule, event.data.userId, 'retired')];
        const follows = rule.mode === 'dynamic' && rule.target.kind !== 'newStarters';
        if (follows && !ruleMatches(rule, event.data.userId, referenceData))
          return [withdraw(rule, event.data.userId, 'dynamic')];
        return [];
      }
      default:
        return [];
    }
  }
}

/** The training events the reactor reads: they give or take a rule's source (what `fold` and `react` look at). */
const RELEVANT_TRAINING_TYPES = [
  'TrainingAssigned',
  'TrainingReassigned',
  'AssignmentSourceAdded',
  'AssignmentSourceRemoved',
] as const;

function holdersOf(holders: Map<string, Set<string>>, ruleId: string): Set<string> {
  let set = holders.get(ruleId);
  if (!set) {
    set = new Set();
    holders.set(ruleId, set);
  }
  return set;
}
