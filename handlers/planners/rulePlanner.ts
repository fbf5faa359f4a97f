import type { AssignmentRuleCommand } from '../../domain/assignmentRule/assignmentRuleDecider';
import { assignmentRuleDecider } from '../../domain/assignmentRule/assignmentRuleDecider';
import { ruleDemand } from '../../domain/policies/commandPermissions';
import { userScopeOf } from '../../domain/policies/permissionPolicy';
import { streams } from '../../domain/streams';
import { aggregateKinds } from '../aggregateKinds';
import type { Plan, PlanContext } from '../plan';
import { planOnStream } from './streamPlan';

export function planRuleCommand(command: AssignmentRuleCommand, context: PlanContext): Promise<Plan> {
  const { referenceData } = context;
  const { permission, course } = ruleDemand(command, referenceData);
  return planOnStream(context, streams.rule(command.data.ruleId), aggregateKinds.rule, (state) =>
    assignmentRuleDecider.decide(command, state, {
      now: context.now,
      actorId: context.meta.actorId,
      preferences: referenceData.preferences,
      courseActive: (courseId) => referenceData.courses.get(courseId)?.active,
      groupName: (groupId) => referenceData.groups.get(groupId)?.name,
      // R17: a rule made under user-side constraints reaches only users within them.
      audienceScope: userScopeOf(context.actor, permission, course),
    }),
  );
}
