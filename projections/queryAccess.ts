import type { Permission } from '../domain/access/accessEvents';
import type { ReferenceData } from '../domain/referenceData/referenceData';
import type { Actor } from '../domain/policies/permissionPolicy';
import {
  admitsTraining,
  admitsUser,
  authorize,
  constrainsTraining,
  constrainsUsers,
  grantsFor,
} from '../domain/policies/permissionPolicy';
import { forbidden, notFound } from '../domain/shared/domainError';

/** R17 for queries: who may ask, and which users' rows they may see. */

/** Permissions that let an admin see a user's assignments, each within its user-side constraints. */
export const VIEWING: Permission[] = ['reports.view', 'assignment.standard', 'exemptions.manage', 'users.manage'];

/** Only the bootstrap administrator and registered, active users may ask, as for commands. */
export function requireKnownActor(actor: Actor, referenceData: ReferenceData): void {
  if (actor.isBootstrapAdmin) return;
  const user = referenceData.users.get(actor.userId);
  if (!user)
    throw forbidden(`actor ${actor.userId} is not a registered user and holds no permissions`, {
      actorId: actor.userId,
    });
  if (!user.active) throw forbidden(`actor ${actor.userId} is deactivated`, { actorId: actor.userId });
}

export function requirePermissionAtAll(actor: Actor, permission: Permission): void {
  if (!actor.isBootstrapAdmin && grantsFor(actor, permission).length === 0)
    throw forbidden(`user ${actor.userId} lacks the permission ${permission}`, { permission });
}

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
    );
  }
  if (!referenceData.users.has(userId)) throw notFound(`user ${userId} is not registered: check the id`, { userId });
  if (canView(actor, userId, referenceData, permissions, options.self)) return;
  throw forbidden(
    `user ${actor.userId} may not view the assignments of ${userId}: it needs one of ${permissions.join(', ')} with ${userId} in scope`,
    { userId },
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
 * The rows a reporter may see (R17): a row of user U and course C is in scope when one of the actor's
 * `reports.view` grants admits both U (user side) and C (training side). Returned as an SQL condition over
 * `a.user_id` and `a.course_id` with its parameters, or null when some grant admits every row.
 */
export function reportingScope(
  actor: Actor,
  referenceData: ReferenceData,
): { sql: string; params: Record<string, string> } | null {
  if (actor.isBootstrapAdmin) return null;
  const clauses: string[] = [];
  const params: Record<string, string> = {};
  grantsFor(actor, 'reports.view').forEach((grant, i) => {
    const parts: string[] = [];
    if (constrainsUsers(grant.constraints)) {
      params[`scopeUsers${i}`] = JSON.stringify(
        [...referenceData.users.keys()].filter((userId) =>
          admitsUser(actor.userId, grant.constraints, userId, referenceData.orgChart),
        ),
      );
      parts.push(`a.user_id IN (SELECT value FROM json_each(@scopeUsers${i}))`);
    }
    if (constrainsTraining(grant.constraints)) {
      params[`scopeCourses${i}`] = JSON.stringify(
        [...referenceData.courses.values()]
          .filter((course) => admitsTraining(grant.constraints, course))
          .map((course) => course.courseId),
      );
      parts.push(`a.course_id IN (SELECT value FROM json_each(@scopeCourses${i}))`);
    }
    clauses.push(parts.length === 0 ? '1' : `(${parts.join(' AND ')})`);
  });
  if (clauses.includes('1')) return null;
  return { sql: clauses.length === 0 ? '0' : `(${clauses.join(' OR ')})`, params };
}
