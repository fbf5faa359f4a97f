import type { AccessCommand } from '../../domain/access/accessDecider';
import { accessDecider } from '../../domain/access/accessDecider';
import type { CommandOf } from '../../domain/commands';
import type { CourseCommand } from '../../domain/course/courseDecider';
import { courseDecider } from '../../domain/course/courseDecider';
import type { GroupCommand } from '../../domain/group/groupDecider';
import { groupDecider } from '../../domain/group/groupDecider';
import { orgUnitDecider } from '../../domain/orgUnit/orgUnitDecider';
import { portalDecider } from '../../domain/portal/portalDecider';
import { streams } from '../../domain/streams';
import type { UserCommand } from '../../domain/user/userDecider';
import { userDecider } from '../../domain/user/userDecider';
import { aggregateKinds } from '../aggregateKinds';
import type { Plan, PlanContext } from '../plan';
import { planOnStream } from './streamPlan';

/** Planners of the reference aggregates: each loads its stream and hands its decider the facts it reads. */

export function planSetAssignmentPreferences(
  command: CommandOf<'SetAssignmentPreferences'>,
  context: PlanContext,
): Promise<Plan> {
  return planOnStream(context, streams.portal(), aggregateKinds.portal, (state) =>
    portalDecider.decide(command, state, undefined),
  );
}

export function planDefineOrgUnit(command: CommandOf<'DefineOrgUnit'>, context: PlanContext): Promise<Plan> {
  const { referenceData } = context;
  return planOnStream(context, streams.orgUnit(command.data.orgUnitId), aggregateKinds.orgUnit, (state) =>
    orgUnitDecider.decide(command, state, {
      orgUnitExists: (id) => referenceData.orgUnits.has(id),
      pathToRoot: (id) => referenceData.orgUnitPath(id),
    }),
  );
}

export function planUserCommand(command: UserCommand, context: PlanContext): Promise<Plan> {
  const { referenceData } = context;
  return planOnStream(context, streams.user(command.data.userId), aggregateKinds.user, (state) =>
    userDecider.decide(command, state, {
      orgUnitExists: (id) => referenceData.orgUnits.has(id),
      userExists: (id) => referenceData.users.has(id),
      managementChain: (id) => referenceData.managementChain(id),
      emailOwner: (email) => referenceData.emailOwner(email),
    }),
  );
}

export function planCourseCommand(command: CourseCommand, context: PlanContext): Promise<Plan> {
  return planOnStream(context, streams.course(command.data.courseId), aggregateKinds.course, (state) =>
    courseDecider.decide(command, state, { now: context.now }),
  );
}

export function planGroupCommand(command: GroupCommand, context: PlanContext): Promise<Plan> {
  const { referenceData } = context;
  return planOnStream(context, streams.group(command.data.groupId), aggregateKinds.group, (state) =>
    groupDecider.decide(command, state, { userActive: (userId) => referenceData.users.get(userId)?.active }),
  );
}

export function planAccessCommand(command: AccessCommand, context: PlanContext): Promise<Plan> {
  const { referenceData } = context;
  return planOnStream(context, streams.access(command.data.userId), aggregateKinds.access, (state) =>
    accessDecider.decide(command, state, {
      commandId: context.meta.commandId,
      userExists: (id) => referenceData.users.has(id),
    }),
  );
}
