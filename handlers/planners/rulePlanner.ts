import type { ActiveRule } from '../../domain/assignmentRule/assignmentRuleDecider';
import { decideAssignmentRule } from '../../domain/assignmentRule/assignmentRuleDecider';
import type { RuleMode } from '../../domain/assignmentRule/assignmentRuleEvents';
import type { Permission } from '../../domain/access/accessEvents';
import type { CommandOf } from '../../domain/commands';
import type { ExistingCourse } from '../../domain/course/courseDecider';
import { userScopeOf } from '../../domain/policies/permissionPolicy';
import { notFound } from '../../domain/shared/domainError';
import { streams } from '../../domain/streams';
import { aggregateKinds } from '../aggregateKinds';
import type { Plan, PlanContext } from '../plan';
import { describeEvents, planOnStream } from './streamPlan';

/** R17: standard rules need assignment.standard (or dynamic); dynamic rules need assignment.dynamic. */
export const permissionForMode = (mode: RuleMode): Permission =>
  mode === 'dynamic' ? 'assignment.dynamic' : 'assignment.standard';

type RuleCommand =
  | CommandOf<'CreateAssignmentRule'>
  | CommandOf<'UpdateAssignmentRule'>
  | CommandOf<'RetireAssignmentRule'>;

export function planRuleCommand(command: RuleCommand, context: PlanContext): Promise<Plan> {
  const { referenceData } = context;
  const ruleId = command.data.ruleId;
  let permission: Permission;
  let course: ExistingCourse | undefined;
  if (command.type === 'CreateAssignmentRule') {
    permission = permissionForMode(command.data.mode);
    course = referenceData.courses.get(command.data.courseId);
    if (!course)
      throw notFound(`course ${command.data.courseId} does not exist: check the id`, {
        courseId: command.data.courseId,
      });
    context.require({ permission, course });
  } else {
    const rule = requireRule(referenceData.rules.get(ruleId), ruleId);
    permission = permissionForMode(rule.mode);
    course = referenceData.courses.get(rule.courseId);
    // An admin constrained on the user side sees, and so changes, only rules created by users within their scope.
    context.require({ permission, userId: rule.createdBy, ...(course ? { course } : {}) });
  }
  return planOnStream(
    context,
    streams.rule(ruleId),
    aggregateKinds.rule,
    (state) =>
      decideAssignmentRule(command, state, {
        now: context.now,
        actorId: context.meta.actorId,
        preferences: referenceData.preferences,
        courseActive: (courseId) => referenceData.courses.get(courseId)?.active,
        groupName: (groupId) => referenceData.groups.get(groupId)?.name,
        audienceScope: userScopeOf(context.actor, permission, course),
      }),
    (events) => {
      if (command.type === 'CreateAssignmentRule' && events.length > 0)
        return `assignment rule ${ruleId} created: it applies to its audience now${command.data.mode === 'dynamic' ? ' and keeps applying as users come to match it' : ''}`;
      if (command.type === 'RetireAssignmentRule' && events.length > 0)
        return `assignment rule ${ruleId} retired: its source is withdrawn from every user who holds it`;
      return describeEvents(events, `assignment rule ${ruleId}`);
    },
  );
}

function requireRule(rule: ActiveRule | undefined, ruleId: string): ActiveRule {
  if (!rule) throw notFound(`assignment rule ${ruleId} does not exist: check the id`, { ruleId });
  return rule;
}
