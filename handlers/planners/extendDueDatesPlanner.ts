import type { CommandOf } from '../../domain/commands';
import { pairWarning } from '../../domain/userTraining/bulkAssignment';
import { describeExtensions, extensionText } from '../../domain/userTraining/dueDateCorrections';
import { extensionReach, noneExtended, noneInScope, outsideScopeText } from '../../domain/userTraining/extendDueDates';
import type { TrainingWork } from '../../domain/userTraining/trainingWork';
import type { Plan, PlanContext } from '../plan';
import type { PairOutcome } from '../ports/reply';
import { decideTrainingBatch } from './trainingBatch';

/**
 * R26 with R16 and R27: ExtendDueDates over many training streams, each user decided on their own and reported in
 * `results` (bounded in the reply, whole through CommandOutcome); refused users are in the outcome, not a refusal of
 * the whole command, unless every user was refused.
 */
export async function planExtendDueDates(command: CommandOf<'ExtendDueDates'>, context: PlanContext): Promise<Plan> {
  const { data } = command;
  const reach = extensionReach(data, context.actor, context.referenceData, context.ruleHolders);
  const { courseId, outsideScope } = reach;
  if (reach.userIds.length === 0 && outsideScope > 0) throw noneInScope(outsideScope);
  if (reach.userIds.length === 0)
    return {
      writes: [],
      message: `nobody to extend ${extensionText(data.by)}: the target reaches no user`,
      results: [],
    };
  const works: TrainingWork[] = reach.userIds.flatMap((userId) => {
    const work = reach.works.get(userId);
    return work ? [work] : [];
  });
  const { results, writes } = await decideTrainingBatch(context, works, { atomic: false });
  const decided = new Map(results.map((result) => [result.work.userId, result]));
  const outcomes: PairOutcome[] = reach.userIds.map((userId) => {
    const refusal = reach.refused.get(userId);
    if (refusal) {
      const { code, message, rule } = refusal;
      return { userId, courseId, outcome: 'failed', code, reason: code, message, ...(rule ? { rule } : {}) };
    }
    const result = decided.get(userId);
    if (result?.error) {
      const { code, message, rule } = result.error;
      return { userId, courseId, outcome: 'failed', code, reason: code, message, ...(rule ? { rule } : {}) };
    }
    const decision = result?.decision;
    return { userId, courseId, outcome: decision?.outcome ?? 'unchanged', message: decision?.message ?? '' };
  });
  const failed = outcomes.filter((outcome) => outcome.outcome === 'failed');
  if (failed.length === outcomes.length) throw noneExtended(failed, { results: outcomes });
  const warnings = [
    ...failed.map(pairWarning),
    ...results.flatMap(
      (result) => result.decision?.warnings.map((warning) => `${result.work.userId}: ${warning}`) ?? [],
    ),
  ];
  const message = `${describeExtensions(outcomes, data.by)}${outsideScopeText(outsideScope)}`;
  return { writes, message, warnings, results: outcomes };
}
