import type { ActiveRule } from '../../domain/assignmentRule/assignmentRuleDecider';
import type { ReferenceData } from '../../domain/referenceData/referenceData';
import { ruleFacts, ruleMatches } from '../../domain/policies/ruleAudiencePolicy';
import { todayIn } from '../../domain/shared/calendar';
import { DomainError, notFound } from '../../domain/shared/domainError';
import { streams } from '../../domain/streams';
import type { TrainingCommand, TrainingContext, TrainingDecision } from '../../domain/userTraining/trainingDecider';
import { decideTraining } from '../../domain/userTraining/trainingDecider';
import type { TrainingEvent, TrainingState } from '../../domain/userTraining/trainingState';
import { evolveTraining } from '../../domain/userTraining/trainingState';
import type { EventMetadata } from '../ports/eventStore';
import { aggregateKinds } from '../aggregateKinds';
import type { PlanContext, PlannedWrite } from '../plan';
import { expectedFrom } from './streamPlan';

/** One decision on one user's training, within a batch that is appended in one transaction. */
export interface TrainingWork {
  userId: string;
  command: TrainingCommand;
  /** The instant the decision is about (a reactor uses its trigger's time); defaults to now. */
  at?: string;
  actorId?: string;
  metadata?: Partial<EventMetadata>;
}

export interface TrainingWorkResult {
  work: TrainingWork;
  decision?: TrainingDecision;
  error?: DomainError;
}

export function trainingContext(
  referenceData: ReferenceData,
  userId: string,
  at: string,
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
    actorId,
    preferences: referenceData.preferences,
    course: (courseId) => referenceData.courses.get(courseId),
    rule: (ruleId) => referenceData.rules.get(ruleId),
  };
}

/**
 * Decides every work item in order, each user's items on that user's evolving state, and gathers one write per
 * user stream. `atomic`: the first refusal throws (a single command); otherwise refusals are reported per item (bulk).
 */
export async function decideTrainingBatch(
  context: PlanContext,
  works: readonly TrainingWork[],
  options: { atomic: boolean },
): Promise<{ results: TrainingWorkResult[]; writes: PlannedWrite[] }> {
  const perUser = new Map<
    string,
    { state: TrainingState; revision: number; events: TrainingEvent[]; metadata: Partial<EventMetadata>[] }
  >();
  const results: TrainingWorkResult[] = [];
  const decide = async (work: TrainingWork): Promise<TrainingWorkResult> => {
    let entry = perUser.get(work.userId);
    if (!entry) {
      const loaded = await context.aggregates.load(streams.training(work.userId), aggregateKinds.training);
      entry = { ...loaded, events: [], metadata: [] };
      perUser.set(work.userId, entry);
    }
    try {
      const decision = decideTraining(
        work.command,
        entry.state,
        trainingContext(
          context.referenceData,
          work.userId,
          work.at ?? context.now,
          work.actorId ?? context.meta.actorId,
        ),
      );
      for (const event of decision.events) {
        entry.state = evolveTraining(entry.state, event);
        entry.events.push(event);
        entry.metadata.push(work.metadata ?? {});
      }
      return { work, decision };
    } catch (error) {
      if (!(error instanceof DomainError) || options.atomic) throw error;
      return { work, error };
    }
  };
  if (works.length > 1)
    await context.aggregates.prefetch(
      works.map((work) => streams.training(work.userId)),
      aggregateKinds.training,
    );
  for (const work of works) results.push(await decide(work));
  // Whenever the batch gives a user a course (new or back), every live dynamic rule on that course the user matches
  // is applied after it: a rule that skipped the training while it was gone (R11, reassignment off) then adds its
  // source (R1), so the sources a user ends with do not depend on which rule or command acted first.
  let rulesByCourse: Map<string, ActiveRule[]> | undefined;
  for (const result of [...results]) {
    const activated = result.decision?.events.find(
      (event) => event.type === 'TrainingAssigned' || event.type === 'TrainingReassigned',
    );
    if (!activated) continue;
    rulesByCourse ??= dynamicRulesByCourse(context.referenceData);
    const { userId } = result.work;
    for (const rule of rulesByCourse.get(activated.data.courseId) ?? []) {
      const held = perUser.get(userId)?.state.assignments[rule.courseId];
      if (
        !held?.active ||
        held.sources.some((source) => source.ruleId === rule.ruleId) ||
        !ruleMatches(rule, userId, context.referenceData)
      )
        continue;
      results.push(
        await decide({ ...result.work, command: { type: 'ApplyRule', rule: ruleFacts(rule, context.referenceData) } }),
      );
    }
  }
  const writes: PlannedWrite[] = [];
  for (const [userId, entry] of perUser) {
    if (entry.events.length === 0) continue;
    writes.push({
      stream: streams.training(userId),
      expectedRevision: expectedFrom(entry.revision),
      events: entry.events,
      metadata: entry.metadata,
      stateAfter: entry.state,
    });
  }
  return { results, writes };
}

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
