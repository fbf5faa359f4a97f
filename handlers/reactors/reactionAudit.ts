import type { ActiveRule } from '../../domain/assignmentRule/assignmentRuleDecider';
import { ruleAudience, ruleFacts } from '../../domain/policies/ruleAudiencePolicy';
import { admitReactions } from '../../domain/reactions/reactionAdmission';
import type { ReferenceData } from '../../domain/referenceData/referenceData';
import { streams } from '../../domain/streams';
import type { TrainingWork } from '../../domain/userTraining/trainingWork';
import { decideTrainingWork } from '../../domain/userTraining/trainingWork';
import { aggregateKinds } from '../aggregateKinds';
import type { CommandHandler } from '../commandHandler';

/**
 * R30 for `lms verify`: the reactor is done when every live dynamic rule's reach and its holders agree: applying the
 * rule to a user it reaches, or withdrawing it from a holder it no longer reaches, would decide nothing (R11's
 * "not reassigned" and R15's skipped pairs decide nothing, so they are not differences). Returns the first
 * differences found, in sentences, at most `limit`.
 */
export async function missingReactions(commands: CommandHandler, limit = 5): Promise<string[]> {
  await commands.feed.catchUp();
  const { referenceData } = commands;
  const now = commands.clock.now();
  const missing: string[] = [];
  const rules = [...referenceData.rules.values()].filter(
    (rule) => !rule.retired && rule.mode === 'dynamic' && rule.target.kind !== 'newStarters',
  );
  for (const rule of rules) {
    const reached = new Set(ruleAudience(rule, referenceData));
    for (const userId of [...referenceData.users.keys()].sort()) {
      if (missing.length >= limit) return missing;
      const { state } = await commands.aggregates.load(streams.training(userId), aggregateKinds.training);
      const held = state.assignments.get(rule.courseId);
      const holds = Boolean(held?.active && held.sources.some((source) => source.ruleId === rule.ruleId));
      const work = workFor(rule, userId, reached.has(userId), holds, referenceData);
      if (!work) continue;
      const { admitted } = admitReactions([work], referenceData);
      if (admitted.length === 0) continue;
      const options = { now, actorId: rule.createdBy, atomic: false };
      const [result] = decideTrainingWork(admitted, new Map([[userId, state]]), referenceData, options).results;
      if ((result?.decision?.events.length ?? 0) > 0) missing.push(describe(rule, userId, work));
    }
  }
  return missing;
}

function workFor(
  rule: ActiveRule,
  userId: string,
  reaches: boolean,
  holds: boolean,
  referenceData: ReferenceData,
): TrainingWork | undefined {
  if (reaches && !holds) return { userId, command: { type: 'ApplyRule', rule: ruleFacts(rule, referenceData) } };
  if (!reaches && holds) {
    return {
      userId,
      command: { type: 'WithdrawRule', ruleId: rule.ruleId, courseId: rule.courseId, cause: 'dynamic' },
    };
  }
  return undefined;
}

function describe(rule: ActiveRule, userId: string, work: TrainingWork): string {
  return work.command.type === 'ApplyRule'
    ? `rule ${rule.ruleId} reaches ${userId}, who does not hold ${rule.courseId} through it: a reaction is missing`
    : `${userId} holds ${rule.courseId} through rule ${rule.ruleId}, which no longer reaches them: a withdrawal is missing`;
}
