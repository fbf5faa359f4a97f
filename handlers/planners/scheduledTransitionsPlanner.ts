import type { CommandOf } from '../../domain/commands';
import { userInScope } from '../../domain/policies/permissionPolicy';
import { notFound } from '../../domain/shared/domainError';
import type { Plan, PlanContext } from '../plan';
import { decideTrainingBatch } from './trainingBatch';

/** R5 expiry and R22 overdue notices for the users in the actor's scope (all of them, or those named). */
export async function planScheduledTransitions(
  command: CommandOf<'RunScheduledTransitions'>,
  context: PlanContext,
): Promise<Plan> {
  const { referenceData } = context;
  context.require({ permission: 'progress.record' });
  const named = command.data.userIds;
  for (const userId of named ?? []) {
    if (!referenceData.users.has(userId)) throw notFound(`user ${userId} is not registered: check the id`, { userId });
    context.require({ permission: 'progress.record', userId });
  }
  // Deactivated users are left out: nobody is chased for training after they leave.
  const userIds =
    named ??
    [...referenceData.users.values()]
      .filter(
        (user) => user.active && userInScope(context.actor, 'progress.record', user.userId, referenceData.orgChart),
      )
      .map((user) => user.userId);
  const { results, writes } = await decideTrainingBatch(
    context,
    userIds.map((userId) => ({ userId, command: { type: 'RunScheduledTransitions' } })),
    { atomic: true },
  );
  let expired = 0;
  let overdue = 0;
  for (const result of results) {
    for (const event of result.decision?.events ?? []) {
      if (event.type === 'CompletionExpired') expired++;
      if (event.type === 'AssignmentOverdue') overdue++;
    }
  }
  return {
    writes,
    message: `scheduled transitions for ${userIds.length} users: ${expired} completions expired, ${overdue} assignments newly overdue`,
  };
}
