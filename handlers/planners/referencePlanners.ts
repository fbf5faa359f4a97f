import { decideAccess } from '../../domain/access/accessDecider';
import type { CommandOf } from '../../domain/commands';
import { decideCourse } from '../../domain/course/courseDecider';
import { decideGroup } from '../../domain/group/groupDecider';
import { decideOrgUnit } from '../../domain/orgUnit/orgUnitDecider';
import type { Placement } from '../../domain/policies/permissionPolicy';
import { authorizeOrgUnit, delegationRefusal, requireAllowed } from '../../domain/policies/permissionPolicy';
import { decidePortal } from '../../domain/portal/portalDecider';
import { forbidden, notFound } from '../../domain/shared/domainError';
import { streams } from '../../domain/streams';
import { decideUser } from '../../domain/user/userDecider';
import { aggregateKinds } from '../aggregateKinds';
import type { Plan, PlanContext } from '../plan';
import { describeEvents, planOnStream } from './streamPlan';

export function planSetAssignmentPreferences(
  command: CommandOf<'SetAssignmentPreferences'>,
  context: PlanContext,
): Promise<Plan> {
  context.require({ permission: 'permissions.manage' });
  return planOnStream(
    context,
    streams.portal(),
    aggregateKinds.portal,
    (state) => decidePortal(command.data, state),
    (events) => describeEvents(events, 'assignment preferences'),
  );
}

export function planDefineOrgUnit(command: CommandOf<'DefineOrgUnit'>, context: PlanContext): Promise<Plan> {
  const { referenceData } = context;
  const { orgUnitId, parentId } = command.data;
  // R17: where the unit is now (when it exists) and where it is put must both be within the actor's scope.
  const placements = [
    [orgUnitId, ...(parentId ? referenceData.orgUnitPath(parentId) : [])],
    ...(referenceData.orgUnits.has(orgUnitId) ? [referenceData.orgUnitPath(orgUnitId)] : []),
  ];
  for (const path of placements)
    requireAllowed(authorizeOrgUnit(context.actor, 'users.manage', path, referenceData.orgChart));
  return planOnStream(
    context,
    streams.orgUnit(command.data.orgUnitId),
    aggregateKinds.orgUnit,
    (state) =>
      decideOrgUnit(command.data, state, {
        orgUnitExists: (id) => referenceData.orgUnits.has(id),
        pathToRoot: (id) => referenceData.orgUnitPath(id),
      }),
    (events) => describeEvents(events, `org unit ${command.data.orgUnitId}`),
  );
}

type UserCommand = CommandOf<'RegisterUser'> | CommandOf<'UpdateUserProfile'> | CommandOf<'DeactivateUser'>;

export function planUserCommand(command: UserCommand, context: PlanContext): Promise<Plan> {
  const { referenceData } = context;
  const userId = command.data.userId;
  const placedAt = (orgUnitId: string | undefined, managerId: string | null | undefined): Placement => ({
    orgUnitId,
    managementChain: managerId ? [managerId, ...referenceData.managementChain(managerId)] : [],
  });
  // R17: a user is judged where they are (unless new) and, when the command places them, where they are put: an
  // actor may not move users, or themselves, into their scope.
  if (command.type === 'RegisterUser')
    context.require({
      permission: 'users.manage',
      userId,
      placement: placedAt(command.data.orgUnitId, command.data.managerId),
    });
  else context.require({ permission: 'users.manage', userId });
  if (
    command.type === 'UpdateUserProfile' &&
    (command.data.orgUnitId !== undefined || command.data.managerId !== undefined)
  ) {
    const current = referenceData.users.get(userId);
    const orgUnitId = command.data.orgUnitId ?? current?.orgUnitId;
    const managerId = command.data.managerId !== undefined ? command.data.managerId : current?.managerId;
    context.require({ permission: 'users.manage', userId, placement: placedAt(orgUnitId, managerId) });
  }
  return planOnStream(
    context,
    streams.user(userId),
    aggregateKinds.user,
    (state) =>
      decideUser(command, state, {
        orgUnitExists: (id) => referenceData.orgUnits.has(id),
        userExists: (id) => referenceData.users.has(id),
        managementChain: (id) => referenceData.managementChain(id),
        emailOwner: (email) => referenceData.emailOwner(email),
      }),
    (events) => {
      const [event] = events;
      if (event?.type === 'UserRegistered') return `user ${userId} (${event.data.name}) registered`;
      if (event?.type === 'UserProfileUpdated') return `${userId}'s profile changed: ${event.data.changed.join(', ')}`;
      if (event?.type === 'UserDeactivated')
        return `user ${userId} deactivated: dynamic rules withdraw their training; history stays`;
      return describeEvents(events, `user ${userId}`);
    },
  );
}

type CourseCommand =
  | CommandOf<'CreateCourse'>
  | CommandOf<'UpgradeVersion'>
  | CommandOf<'DeactivateCourse'>
  | CommandOf<'ActivateCourse'>;

export function planCourseCommand(command: CourseCommand, context: PlanContext): Promise<Plan> {
  const courseId = command.data.courseId;
  const course = command.type === 'CreateCourse' ? command.data : context.referenceData.courses.get(courseId);
  context.require({ permission: 'courses.manage', ...(course ? { course } : {}) });
  return planOnStream(
    context,
    streams.course(courseId),
    aggregateKinds.course,
    (state) => decideCourse(command, state, { now: context.now }),
    (events) => {
      const upgraded = events.find((event) => event.type === 'CourseVersionUpgraded');
      if (upgraded?.type === 'CourseVersionUpgraded')
        return `course ${courseId} upgraded from v${upgraded.data.previousVersion} to v${upgraded.data.version}`;
      return describeEvents(events, `course ${courseId}`);
    },
  );
}

type GroupCommand = CommandOf<'CreateGroup'> | CommandOf<'AddGroupMember'> | CommandOf<'RemoveGroupMember'>;

export function planGroupCommand(command: GroupCommand, context: PlanContext): Promise<Plan> {
  if (command.type === 'CreateGroup') context.require({ permission: 'groups.manage' });
  else for (const userId of command.data.userIds) context.require({ permission: 'groups.manage', userId });
  const { referenceData } = context;
  return planOnStream(
    context,
    streams.group(command.data.groupId),
    aggregateKinds.group,
    (state) => decideGroup(command, state, { userActive: (userId) => referenceData.users.get(userId)?.active }),
    (events) => describeEvents(events, `group ${command.data.groupId}`),
  );
}

type AccessCommand = CommandOf<'GrantPermission'> | CommandOf<'RevokePermission'>;

export function planAccessCommand(command: AccessCommand, context: PlanContext): Promise<Plan> {
  const { userId } = command.data;
  if (!context.referenceData.users.has(userId))
    throw notFound(`user ${userId} is not registered: permissions are granted to registered users`, { userId });
  context.require({ permission: 'permissions.manage', userId });
  if (command.type === 'GrantPermission') {
    const wider = delegationRefusal(context.actor, userId, command.data.constraints, context.referenceData.orgChart);
    if (wider)
      throw forbidden(`user ${context.actor.userId} may grant only within their own permissions.manage: ${wider}`, {
        permission: 'permissions.manage',
        constraint: wider,
      });
  }
  return planOnStream(
    context,
    streams.access(userId),
    aggregateKinds.access,
    (state) =>
      decideAccess(command, state, {
        commandId: context.meta.commandId,
        userExists: (id) => context.referenceData.users.has(id),
      }),
    (events) => {
      const [event] = events;
      if (event?.type === 'PermissionGranted')
        return `${userId} granted ${event.data.permission}${Object.keys(event.data.constraints).length ? ` within ${JSON.stringify(event.data.constraints)}` : ''} (grant ${event.data.grantId})`;
      return describeEvents(events, `permissions of ${userId}`);
    },
  );
}
