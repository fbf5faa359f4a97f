import type { Permission } from '../access/accessEvents';
import type { ReferenceData } from '../referenceData/referenceData';
import { forbidden } from '../shared/domainError';
import type { Actor } from './permissionPolicy';
import { constrainsTraining, constrainsUsers, grantsFor, lacksPermissionMessage } from './permissionPolicy';

/** R17: only the bootstrap administrator and registered, active users may send commands or ask queries. */
export function requireKnownActor(actor: Actor, referenceData: ReferenceData): void {
  if (actor.isBootstrapAdmin) return;
  const user = referenceData.users.get(actor.userId);
  if (!user) {
    throw forbidden(
      `actor ${actor.userId} is not a registered user and holds no permissions`,
      { actorId: actor.userId },
      'R17',
    );
  }
  if (!user.active) throw forbidden(`actor ${actor.userId} is deactivated`, { actorId: actor.userId }, 'R17');
}

/** Without the permission at all, say so before anything else: an outsider learns nothing about what exists. */
export function requirePermissionAtAll(actor: Actor, permission: Permission, action?: string): void {
  if (!actor.isBootstrapAdmin && grantsFor(actor, permission).length === 0) {
    throw forbidden(lacksPermissionMessage(actor, permission, action), { permission }, 'R17');
  }
}

/**
 * R17: a portal-wide command (preferences every user lives under) needs the permission without any constraint: a
 * grant scoped to part of the portal must not change the whole of it.
 */
export function requireUnconstrained(actor: Actor, permission: Permission, what: string): void {
  requirePermissionAtAll(actor, permission);
  if (actor.isBootstrapAdmin) return;
  if (
    grantsFor(actor, permission).some(
      (grant) => !constrainsUsers(grant.constraints) && !constrainsTraining(grant.constraints),
    )
  )
    return;
  throw forbidden(
    `user ${actor.userId} holds ${permission} only within constraints: ${what} needs ${permission} without constraints`,
    { permission, constraint: 'portal-wide' },
    'R17',
  );
}
