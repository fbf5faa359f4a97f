import type { CommandOf } from '../../domain/commands';
import { describeScheduledTransitions, scheduledTransitionUsers } from '../../domain/userTraining/scheduledTransitions';
import type { Plan, PlanContext } from '../plan';
import { decideTrainingBatch } from './trainingBatch';

/** R5 expiry and R22 overdue notices for the users in the actor's scope (all of them, or those named). */
export async function planScheduledTransitions(
  command: CommandOf<'RunScheduledTransitions'>,
  context: PlanContext,
): Promise<Plan> {
  const userIds = scheduledTransitionUsers(command.data.userIds, context.actor, context.referenceData);
  const works = userIds.map((userId) => ({ userId, command: { type: 'RunScheduledTransitions' as const } }));
  const { results, writes } = await decideTrainingBatch(context, works, { atomic: true });
  const events = results.flatMap((result) => result.decision?.events ?? []);
  return { writes, message: describeScheduledTransitions(userIds.length, events) };
}

/**
 * The scheduler's day for a set of users (R5, R22, R23): decided per user, a refusal reported for that user only,
 * appended in one transaction.
 */
export async function planScheduledWork(userIds: readonly string[], context: PlanContext): Promise<Plan> {
  const works = userIds.map((userId) => ({ userId, command: { type: 'RunScheduledTransitions' as const } }));
  const { results, writes } = await decideTrainingBatch(context, works, { atomic: false });
  const events = results.flatMap((result) => result.decision?.events ?? []);
  const refused = results
    .filter((result) => result.error)
    .map((result) => `${result.work.userId}: ${result.error?.message}`);
  return { writes, message: describeScheduledTransitions(userIds.length, events), warnings: refused };
}
