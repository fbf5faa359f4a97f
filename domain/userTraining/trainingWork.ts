import type { ActiveRule } from '../assignmentRule/assignmentRuleDecider';
import { ruleFacts, ruleMatches } from '../policies/ruleAudiencePolicy';
import type { ReferenceData } from '../referenceData/referenceData';
import { todayIn } from '../shared/calendar';
import { DomainError, notFound } from '../shared/domainError';
import type { Instant } from '../shared/primitives';
import { trainingDecider } from './trainingDecider';
import type { TrainingCommand, TrainingContext, TrainingDecision } from './trainingDecision';
import { evolveTrainingAll } from './trainingEvolution';
import type { TrainingEvent, TrainingState } from './trainingState';

/** What caused a piece of work the engine derived (R20): recorded on the events it decides. */
export interface WorkCause {
  actorId: string;
  correlationId: string;
  causationId: string;
}

/** One decision on one user's training, within a batch that is appended in one transaction. */
export interface TrainingWork {
  userId: string;
  command: TrainingCommand;
  /** The instant the decision is about (a reaction uses its trigger's time); defaults to now. */
  at?: Instant;
  /** Who the decision is made for (a rule's source records its creator); defaults to the command's actor. */
  actorId?: string;
  cause?: WorkCause;
}

export interface TrainingWorkResult {
  work: TrainingWork;
  decision?: TrainingDecision;
  error?: DomainError;
}

/** A user's training after a batch: the events decided for them, each with its cause. */
export interface TrainingChange {
  state: TrainingState;
  events: TrainingEvent[];
  causes: (WorkCause | undefined)[];
}

/** What a training decision needs to know about the user and the portal, at an instant. */
export function trainingContext(
  referenceData: ReferenceData,
  userId: string,
  at: Instant,
  actorId: string,
): TrainingContext {
  const user = referenceData.users.get(userId);
  if (!user) throw notFound(`user ${userId} is not registered: check the id`, { userId });
  const timeZone = referenceData.timeZoneOf(userId);
  return {
    userId,
    now: at,
    today: todayIn(at, timeZone),
    timeZone,
    hireDate: user.hireDate,
    managerId: user.managerId,
    actorId,
    preferences: referenceData.preferences,
    course: (courseId) => referenceData.courses.get(courseId),
    rule: (ruleId) => referenceData.rules.get(ruleId),
    ruleReaches: (ruleId) => {
      const rule = referenceData.rules.get(ruleId);
      return rule !== undefined && ruleMatches(rule, userId, referenceData);
    },
  };
}

/**
 * Decides every work item in order, each user's items on that user's evolving state (`states` holds every user the
 * works name). `atomic`: the first refusal throws (a single command); otherwise refusals are reported per item (bulk).
 *
 * Whenever the batch gives a user a course (new or back), every live dynamic rule on that course the user matches is
 * applied after it: a rule that skipped the training while it was gone (R11, reassignment off) then adds its source
 * (R1), so the sources a user ends with do not depend on which rule or command acted first.
 */
export function decideTrainingWork(
  works: readonly TrainingWork[],
  states: ReadonlyMap<string, TrainingState>,
  referenceData: ReferenceData,
  options: { now: Instant; actorId: string; atomic: boolean },
): { results: TrainingWorkResult[]; changes: Map<string, TrainingChange> } {
  const changes = new Map<string, TrainingChange>();
  const decide = (work: TrainingWork): TrainingWorkResult => {
    let change = changes.get(work.userId);
    if (!change) {
      change = { state: states.get(work.userId) ?? trainingDecider.initialState(), events: [], causes: [] };
      changes.set(work.userId, change);
    }
    try {
      const context = trainingContext(
        referenceData,
        work.userId,
        work.at ?? options.now,
        work.actorId ?? options.actorId,
      );
      const decision = trainingDecider.decide(work.command, change.state, context);
      change.state = evolveTrainingAll(change.state, decision.events);
      for (const event of decision.events) {
        change.events.push(event);
        change.causes.push(work.cause);
      }
      return { work, decision };
    } catch (error) {
      if (!(error instanceof DomainError) || options.atomic) throw error;
      return { work, error };
    }
  };
  const results = works.map(decide);
  let rulesByCourse: Map<string, ActiveRule[]> | undefined;
  for (const result of [...results]) {
    const given = result.decision?.events.find(
      (event) => event.type === 'TrainingAssigned' || event.type === 'TrainingReassigned',
    );
    if (!given) continue;
    rulesByCourse ??= dynamicRulesByCourse(referenceData);
    const { userId } = result.work;
    for (const rule of rulesByCourse.get(given.data.courseId) ?? []) {
      const held = changes.get(userId)?.state.assignments.get(rule.courseId);
      if (!held?.active || held.sources.some((source) => source.ruleId === rule.ruleId)) continue;
      if (!ruleMatches(rule, userId, referenceData)) continue;
      results.push(decide({ ...result.work, command: { type: 'ApplyRule', rule: ruleFacts(rule, referenceData) } }));
    }
  }
  return { results, changes };
}

/** Live dynamic rules that follow membership (not new-starter rules), by course. */
function dynamicRulesByCourse(referenceData: ReferenceData): Map<string, ActiveRule[]> {
  const byCourse = new Map<string, ActiveRule[]>();
  for (const rule of referenceData.rules.values()) {
    if (rule.retired || rule.mode !== 'dynamic' || rule.target.kind === 'newStarters') continue;
    const list = byCourse.get(rule.courseId);
    if (list) list.push(rule);
    else byCourse.set(rule.courseId, [rule]);
  }
  return byCourse;
}
