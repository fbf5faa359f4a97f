import type { CommandOf } from '../../domain/commands';
import { exemptionUserVerdict } from '../../domain/policies/exemptionPermissions';
import { pairWarning } from '../../domain/userTraining/bulkAssignment';
import { describeBulkExemption, noUserExempted } from '../../domain/userTraining/bulkExemption';
import type { TrainingWork } from '../../domain/userTraining/trainingWork';
import type { Plan, PlanContext } from '../plan';
import type { PairOutcome } from '../ports/reply';
import { decideTrainingBatch, settleOutcomes } from './trainingBatch';
import { planSingleUserTraining } from './trainingPlanner';

/**
 * ExemptUser: one user (`userId`) decided and refused as a whole, as before; many users (`userIds`, R6) each decided on
 * their own (R16): a user outside the actor's scope is FORBIDDEN (R17), one who does not hold the rule's source is
 * skipped saying so, and the others are exempted, all stored together. The reply reports every user (bounded, R27).
 */
export async function planExemptUser(command: CommandOf<'ExemptUser'>, context: PlanContext): Promise<Plan> {
  const { userId, userIds, ...exemption } = command.data;
  if (userIds === undefined)
    return planSingleUserTraining({ ...command, data: { ...exemption, userId: userId as string } }, context);
  const { courseId } = exemption;
  const outcomes: PairOutcome[] = [];
  const works: TrainingWork[] = [];
  for (const user of new Set(userIds)) {
    const verdict = exemptionUserVerdict(context.actor, context.referenceData, user, courseId);
    if (!verdict.ok) {
      const { code, reason, message, rule } = verdict;
      outcomes.push({ userId: user, courseId, outcome: 'failed', code, reason, message, ...(rule ? { rule } : {}) });
      continue;
    }
    works.push({ userId: user, command: { type: 'ExemptUser', ...exemption, bulk: true } });
    outcomes.push({ userId: user, courseId, outcome: 'unchanged', message: '' });
  }
  const { results, writes } = await decideTrainingBatch(context, works, { atomic: false });
  settleOutcomes(outcomes, results);
  const failed = outcomes.filter((outcome) => outcome.outcome === 'failed');
  if (failed.length === outcomes.length) throw noUserExempted(failed, { results: outcomes });
  const title = context.referenceData.courses.get(courseId)?.title ?? courseId;
  return {
    writes,
    message: describeBulkExemption(outcomes, title),
    warnings: failed.map(pairWarning),
    results: outcomes,
  };
}
