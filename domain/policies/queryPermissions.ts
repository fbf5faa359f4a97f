import type { GrantConstraints, Permission } from '../access/accessEvents';
import type { ReferenceData } from '../referenceData/referenceData';
import { forbidden, notFound } from '../shared/domainError';
import type { Actor, TrainingFacts } from './permissionPolicy';
import {
  admitsTraining,
  admitsUser,
  authorize,
  constrainsTraining,
  constrainsUsers,
  grantsFor,
} from './permissionPolicy';

/** R17 for queries: who may see a user's assignments, and which users' and courses' rows a reporter may see. */

/** Permissions that let an admin see a user's assignments, each within its user-side constraints. */
export const VIEWING: Permission[] = ['reports.view', 'assignment.standard', 'exemptions.manage', 'users.manage'];

export function canView(
  actor: Actor,
  userId: string,
  referenceData: ReferenceData,
  permissions: Permission[] = VIEWING,
  allowSelf = true,
): boolean {
  return (
    (allowSelf && actor.userId === userId) ||
    permissions.some((permission) => authorize(actor, { permission, userId }, referenceData.orgChart).allowed)
  );
}

export function requireUserView(
  actor: Actor,
  userId: string,
  referenceData: ReferenceData,
  options: { self: boolean; permissions?: Permission[] },
): void {
  const permissions = options.permissions ?? VIEWING;
  // Without any viewing permission, say so before anything else: an outsider learns nothing about which ids exist.
  if (
    !(options.self && actor.userId === userId) &&
    !actor.isBootstrapAdmin &&
    permissions.every((permission) => grantsFor(actor, permission).length === 0)
  ) {
    throw forbidden(
      `user ${actor.userId} may not view the assignments of ${userId}: it needs one of ${permissions.join(', ')}`,
      { userId },
      'R17',
    );
  }
  if (!referenceData.users.has(userId)) throw notFound(`user ${userId} is not registered: check the id`, { userId });
  if (canView(actor, userId, referenceData, permissions, options.self)) return;
  throw forbidden(
    `user ${actor.userId} may not view the assignments of ${userId}: it needs one of ${permissions.join(', ')} with ${userId} in scope`,
    { userId },
    'R17',
  );
}

/**
 * The users whose rows an actor may see under a permission: null when some grant reaches everyone (no filter),
 * otherwise the ids in scope, sorted.
 */
export function usersInScope(actor: Actor, permission: Permission, referenceData: ReferenceData): string[] | null {
  if (actor.isBootstrapAdmin) return null;
  const grants = grantsFor(actor, permission);
  const unconstrained = grants.some((grant) => {
    const c = grant.constraints;
    return !c.orgUnitIds && !c.userIds && !c.selfAndSubordinates && !c.ownOrgUnit;
  });
  if (unconstrained) return null;
  return [...referenceData.users.keys()]
    .filter((userId) => authorize(actor, { permission, userId }, referenceData.orgChart).allowed)
    .sort();
}

/**
 * The rows a reporter may see (R17): a row of user U and course C is in scope when one of the actor's `reports.view`
 * grants admits both U (user side) and C (training side). Per grant, the users and the courses it admits (a side left
 * out is unconstrained); null when some grant admits every row.
 */
export function reportingScopeOf(
  actor: Actor,
  referenceData: ReferenceData,
): { userIds?: string[]; courseIds?: string[] }[] | null {
  if (actor.isBootstrapAdmin) return null;
  const scopes = grantsFor(actor, 'reports.view').map(({ constraints }) => ({
    ...(constrainsUsers(constraints)
      ? {
          userIds: [...referenceData.users.keys()].filter((userId) =>
            admitsUser(actor.userId, constraints, userId, referenceData.orgChart),
          ),
        }
      : {}),
    ...(constrainsTraining(constraints)
      ? {
          courseIds: [...referenceData.courses.values()]
            .filter((course) => admitsTraining(constraints, course))
            .map((course) => course.courseId),
        }
      : {}),
  }));
  return scopes.some((scope) => !scope.userIds && !scope.courseIds) ? null : scopes;
}

/**
 * R17: what of a user's training an actor may see in detail: a course within the training side of a viewing grant
 * that admits the user, and a rule whose creator lies within that grant's user side ("sees only assignment rules
 * created by users within them"). Users see all of their own training; the bootstrap administrator sees everything.
 */
export interface TrainingView {
  course(course: TrainingFacts | undefined): boolean;
  rule(course: TrainingFacts | undefined, createdBy: string | undefined): boolean;
}

export function trainingViewOf(
  actor: Actor,
  userId: string,
  referenceData: ReferenceData,
  permissions: Permission[] = VIEWING,
): TrainingView {
  if (actor.isBootstrapAdmin || actor.userId === userId) return { course: () => true, rule: () => true };
  const chart = referenceData.orgChart;
  const grants = permissions
    .flatMap((permission) => grantsFor(actor, permission))
    .filter((grant) => admitsUser(actor.userId, grant.constraints, userId, chart));
  const admitsCourse = (constraints: GrantConstraints, course: TrainingFacts | undefined) =>
    !constrainsTraining(constraints) || (course !== undefined && admitsTraining(constraints, course));
  return {
    course: (course) => grants.some((grant) => admitsCourse(grant.constraints, course)),
    rule: (course, createdBy) =>
      grants.some(
        (grant) =>
          admitsCourse(grant.constraints, course) &&
          (!constrainsUsers(grant.constraints) ||
            (createdBy !== undefined && admitsUser(actor.userId, grant.constraints, createdBy, chart))),
      ),
  };
}
