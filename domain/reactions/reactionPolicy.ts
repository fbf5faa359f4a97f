import type { ActiveRule } from '../assignmentRule/assignmentRuleDecider';
import type { DomainEvent, EventOf } from '../events';
import { ruleAudience, ruleFacts, ruleMatches, withinAudienceScope } from '../policies/ruleAudiencePolicy';
import type { ReferenceData } from '../referenceData/referenceData';
import type { Instant } from '../shared/primitives';
import type { TrainingCommand } from '../userTraining/trainingDecision';
import type { TrainingWork, WorkCause } from '../userTraining/trainingWork';
import type { RuleHolding } from './ruleHolders';

/** The stored event a reaction answers: its time is the reaction's "today", its actor and ids its cause (R20). */
export interface Trigger {
  eventId: string;
  occurredAt: Instant;
  actorId: string;
  correlationId: string;
}

/**
 * R10, R11, R18, R19: the per-user work an event causes, judged against the reference data and rule holders as of
 * the event's place in the log (both already folded with the event). A rule is applied where it reaches a user who
 * does not hold it, and withdrawn (dynamic removal) where a holder no longer matches.
 */
export function reactionsTo(
  event: DomainEvent,
  trigger: Trigger,
  referenceData: ReferenceData,
  holders: RuleHolding,
): Iterable<TrainingWork> {
  const react = reactions[event.type] as Reaction<typeof event.type> | undefined;
  return react ? react(event, new Reacting(trigger, referenceData, holders)) : [];
}

/**
 * The work one kind of event causes. A rule's whole audience is yielded one user at a time (issue #19): the reactor
 * stores it in chunks as it comes, so a rule over 250,000 users never holds all their work at once.
 */
type Reaction<Type extends DomainEvent['type']> = (event: EventOf<Type>, reacting: Reacting) => Iterable<TrainingWork>;

const reactions: { [Type in DomainEvent['type']]?: Reaction<Type> } = {
  AssignmentRuleCreated: ({ data }, r) => {
    const rule = r.referenceData.rules.get(data.ruleId);
    return rule ? r.applyEach(rule, ruleAudience(rule, r.referenceData)) : [];
  },
  AssignmentRuleRetired: ({ data }, r) => {
    const rule = r.referenceData.rules.get(data.ruleId);
    return rule ? r.withdrawEach(rule, r.holders.of(rule.ruleId), 'retired') : [];
  },
  GroupMemberAdded: ({ data }, r) => r.reconcileGroup(data.groupId, data.userId),
  GroupMemberRemoved: ({ data }, r) => r.reconcileGroup(data.groupId, data.userId),
  UserRegistered: ({ data }, r) => {
    const newStarterRules = [...r.referenceData.rules.values()].filter(
      (rule) =>
        !rule.retired && rule.target.kind === 'newStarters' && withinAudienceScope(rule, data.userId, r.referenceData),
    );
    return [...newStarterRules.map((rule) => r.apply(rule, data.userId)), ...r.reconcileUser(data.userId)];
  },
  // R26: a corrected hire date moves the new-starter due dates counting from it (R18), before any rule reacts.
  UserProfileUpdated: ({ data }, r) => [...hireDateCorrected(data, r), ...profileReactions(data, r)],
  // Users who came to match while the course was inactive were skipped (R15): they get it now.
  CourseActivated: ({ data }, r) =>
    r
      .followingRules()
      .filter((rule) => rule.courseId === data.courseId)
      .flatMap((rule) => r.reconcileRule(rule)),
  UserDeactivated: ({ data }, r) =>
    [...r.referenceData.rules.values()]
      .filter((rule) => rule.mode === 'dynamic' && r.holders.holds(rule.ruleId, data.userId))
      .map((rule) => r.withdraw(rule, data.userId, 'dynamic')),
  // A moved org unit changes who is below whom: dynamic criteria and constrained scopes may reach differently.
  OrgUnitDefined: ({ data }, r) =>
    data.previousParentId === undefined || data.previousParentId === data.parentId
      ? []
      : [...r.referenceData.users.keys()].sort().flatMap((userId) => r.reconcileUser(userId)),
  // A withdrawal that landed after the user came to match again (left and rejoined before the reactor ran) is put
  // right by applying the rule again: R11 then restores or skips, as the rule says.
  AssignmentSourceRemoved: ({ data }, r) => {
    const rule = data.cause === 'dynamic' ? r.referenceData.rules.get(data.sourceKey) : undefined;
    if (!rule || !follows(rule)) return [];
    return ruleMatches(rule, data.userId, r.referenceData) ? [r.apply(rule, data.userId)] : [];
  },
  TrainingAssigned: ({ data }, r) => r.checkLanded(data.source.ruleId, data.userId),
  TrainingReassigned: ({ data }, r) => r.checkLanded(data.source.ruleId, data.userId),
  AssignmentSourceAdded: ({ data }, r) => r.checkLanded(data.source.ruleId, data.userId),
};

function profileReactions({ userId, changed }: EventOf<'UserProfileUpdated'>['data'], r: Reacting): TrainingWork[] {
  if (!changed.includes('managerId') && !changed.includes('orgUnitId')) return r.reconcileUser(userId);
  // A new manager or org unit also moves everyone below the user, and the reach of rules the user created under
  // "self and subordinates" or "own org unit" constraints (R17).
  const below = r.referenceData.reportingLine(userId).sort();
  const scopedRules = r
    .followingRules()
    .filter(
      (rule) =>
        rule.createdBy === userId && rule.audienceScope?.some((scope) => scope.selfAndSubordinates || scope.ownOrgUnit),
    );
  return [
    ...[userId, ...below].flatMap((id) => r.reconcileUser(id)),
    ...scopedRules.flatMap((rule) => r.reconcileRule(rule)),
  ];
}

/** R26, R18: the user's training, told the hire date it counts new-starter windows from was corrected. */
function hireDateCorrected(data: EventOf<'UserProfileUpdated'>['data'], r: Reacting): TrainingWork[] {
  const { userId, previousHireDate, profile } = data;
  if (previousHireDate === undefined || previousHireDate === profile.hireDate) return [];
  return [r.work(userId, { type: 'CorrectHireDate', previousHireDate, hireDate: profile.hireDate })];
}

/** A live dynamic rule whose reach follows profiles and membership (new-starter rules reach at registration only). */
const follows = (rule: ActiveRule): boolean =>
  !rule.retired && rule.mode === 'dynamic' && rule.target.kind !== 'newStarters';

/** The work one trigger causes, in the words of the rules: apply, withdraw, reconcile. */
class Reacting {
  private readonly cause: WorkCause;
  /** One ApplyRule per rule, shared by every user it reaches (the facts are the same for all of them). */
  private readonly applyCommands = new Map<string, TrainingCommand>();

  constructor(
    private readonly trigger: Trigger,
    readonly referenceData: ReferenceData,
    readonly holders: RuleHolding,
  ) {
    this.cause = { actorId: trigger.actorId, correlationId: trigger.correlationId, causationId: trigger.eventId };
  }

  /** A rule's source is given on behalf of the rule's creator. */
  apply(rule: ActiveRule, userId: string): TrainingWork {
    let command = this.applyCommands.get(rule.ruleId);
    if (!command) {
      command = { type: 'ApplyRule' as const, rule: ruleFacts(rule, this.referenceData) };
      this.applyCommands.set(rule.ruleId, command);
    }
    return { userId, command, at: this.trigger.occurredAt, actorId: rule.createdBy, cause: this.cause };
  }

  *applyEach(rule: ActiveRule, userIds: Iterable<string>): Generator<TrainingWork> {
    for (const userId of userIds) yield this.apply(rule, userId);
  }

  *withdrawEach(rule: ActiveRule, userIds: Iterable<string>, cause: 'dynamic' | 'retired'): Generator<TrainingWork> {
    for (const userId of userIds) yield this.withdraw(rule, userId, cause);
  }

  /** Work on one user's training on behalf of the trigger's actor. */
  work(userId: string, command: TrainingCommand): TrainingWork {
    return { userId, command, at: this.trigger.occurredAt, actorId: this.trigger.actorId, cause: this.cause };
  }

  withdraw(rule: ActiveRule, userId: string, cause: 'dynamic' | 'retired'): TrainingWork {
    const command = { type: 'WithdrawRule' as const, ruleId: rule.ruleId, courseId: rule.courseId, cause };
    return { userId, command, at: this.trigger.occurredAt, actorId: this.trigger.actorId, cause: this.cause };
  }

  followingRules(): ActiveRule[] {
    return [...this.referenceData.rules.values()].filter(follows);
  }

  /** Brings one user in line with one rule. */
  reconcile(rule: ActiveRule, userId: string): TrainingWork[] {
    const matches = ruleMatches(rule, userId, this.referenceData);
    const holds = this.holders.holds(rule.ruleId, userId);
    if (matches && !holds) return [this.apply(rule, userId)];
    if (!matches && holds) return [this.withdraw(rule, userId, 'dynamic')];
    return [];
  }

  /** Brings one user in line with every rule that follows profiles and membership. */
  reconcileUser(userId: string): TrainingWork[] {
    return this.followingRules().flatMap((rule) => this.reconcile(rule, userId));
  }

  /** Brings every user in line with one rule (after a change that may move many users in or out of its reach). */
  reconcileRule(rule: ActiveRule): TrainingWork[] {
    return [...this.referenceData.users.keys()].sort().flatMap((userId) => this.reconcile(rule, userId));
  }

  /** A membership change: the group's live dynamic rules, for that member. */
  reconcileGroup(groupId: string, userId: string): TrainingWork[] {
    return this.referenceData
      .rulesTargeting(groupId)
      .filter((rule) => !rule.retired && rule.mode === 'dynamic')
      .flatMap((rule) => this.reconcile(rule, userId));
  }

  /**
   * A rule's source that landed after its rule retired, or after its user stopped matching (the reaction was decided
   * on an older present), is withdrawn, so concurrent changes converge.
   */
  checkLanded(ruleId: string | null, userId: string): TrainingWork[] {
    const rule = ruleId === null ? undefined : this.referenceData.rules.get(ruleId);
    if (!rule) return [];
    if (rule.retired) return [this.withdraw(rule, userId, 'retired')];
    if (follows(rule) && !ruleMatches(rule, userId, this.referenceData))
      return [this.withdraw(rule, userId, 'dynamic')];
    return [];
  }
}
