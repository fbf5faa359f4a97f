import { admitReactions, describeReactions } from '../../domain/reactions/reactionAdmission';
import type { TrainingWork } from '../../domain/userTraining/trainingWork';
import type { Plan, PlanContext } from '../plan';
import { decideTrainingBatch } from './trainingBatch';

/**
 * Per-user work a reactor derived from rule, membership and profile changes (R10, R11, R18, R19), checked against the
 * present, decided and appended in one transaction; refusals are reported per item, never refused as a whole.
 */
export async function planReactions(works: readonly TrainingWork[], context: PlanContext): Promise<Plan> {
  const { admitted, skipped } = admitReactions(works, context.referenceData);
  const { results, writes } = await decideTrainingBatch(context, admitted, { atomic: false });
  const refused = results
    .filter((result) => result.error)
    .map((result) => `${result.work.userId}: ${result.error?.message}`);
  const changed = results.filter((result) => (result.decision?.events.length ?? 0) > 0).length;
  return {
    writes,
    message: describeReactions(works.length, changed, skipped.length + refused.length),
    warnings: [...skipped, ...refused],
  };
}
