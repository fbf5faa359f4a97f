import type { Permission } from '../domain/access/accessEvents';
import type { Directory } from '../domain/directory/directory';
import type { Actor } from '../domain/policies/permissionPolicy';
import { authorize, grantsFor } from '../domain/policies/permissionPolicy';
import { forbidden, notFound } from '../domain/shared/domainError';

/** R17 for queries: who may ask, and which users' rows they may see. */

/** Permissions that let an admin see a user's assignments, each within its user-side constraints. */
export const VIEWING: Permission[] = ['reports.view', 'assignment.standard', 'exemptions.manage', 'users.manage'];

/** Only the bootstrap administrator and registered, active users may ask, as for commands. */
export function requireKnownActor(actor: Actor, directory: Directory): void {
  if (actor.isBootstrapAdmin) return;
  const user = directory.users.get(actor.userId);
  if (!user) throw forbidden(`actor ${actor.userId} is not a registered user and holds no permissions`, { actorId: actor.userId });
  if (!user.active) throw forbidden(`actor ${actor.userId} is deactivated`, { actorId: actor.userId });
}

export function requirePermissionAtAll(actor: Actor, permission: Permission): void {
  if (!actor.isBootstrapAdmin && grantsFor(actor, permission).length === 0) throw forbidden(`user ${actor.userId} lacks the permission ${permission}`, { permission });
}

export function canView(actor: Actor, userId: string, directory: Directory, permissions: Permission[] = VIEWING, allowSelf = true): boolean {
  return (allowSelf && actor.userId === userId) || permissions.some((permission) => authorize(actor, { permission, userId }, directory.scope).allowed);
}

export function requireUserView(actor: Actor, userId: string, directory: Directory, options: { self: boolean; permissions?: Permission[] }): void {
  if (!directory.users.has(userId)) throw notFound(`user ${userId} is not registered: check the id`, { userId });
  const permissions = options.permissions ?? VIEWING;
  if (canView(actor, userId, directory, permissions, options.self)) return;
  throw forbidden(`user ${actor.userId} may not view the assignments of ${userId}: it needs one of ${permissions.join(', ')} with ${userId} in scope`, { userId });
}

/**
 * The users whose rows an actor may see under a permission: null when some grant reaches everyone (no filter),
 * otherwise the ids in scope, sorted.
 */
export function usersInScope(actor: Actor, permission: Permission, directory: Directory): string[] | null {
  if (actor.isBootstrapAdmin) return null;
  const grants = grantsFor(actor, permission);
  const unconstrained = grants.some((grant) => {
    const c = grant.constraints;
    return !c.orgUnitIds && !c.userIds && !c.selfAndSubordinates && !c.ownOrgUnit;
  });
  if (unconstrained) return null;
  return [...directory.users.keys()].filter((userId) => authorize(actor, { permission, userId }, directory.scope).allowed).sort();
}
