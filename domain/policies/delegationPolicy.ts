import type { GrantConstraints, Permission } from '../access/accessEvents';
import type { Actor, Authorization, OrgChart } from './permissionPolicy';
import {
  constrainsUsers,
  grantsFor,
  lacksPermissionMessage,
  orgUnitAdmitted,
  userSideKinds,
  userSideRefusal,
} from './permissionPolicy';

/**
 * R17 where scopes themselves move: defining org units and delegating permissions, neither widening the actor's reach.
 */

/**
 * R17 for the org tree: defining or moving an org unit (given by its path: itself, then its ancestors) is allowed when
 * a grant has no user side, or the unit lies within the grant's org units (or the actor's own). Grants limited to
 * named users or reporting lines reach no org unit: moving units would move other users into or out of scopes.
 */
export function authorizeOrgUnit(
  actor: Actor,
  permission: Permission,
  path: readonly string[],
  orgChart: OrgChart,
): Authorization {
  if (actor.isBootstrapAdmin) return { allowed: true };
  const grants = grantsFor(actor, permission);
  if (grants.length === 0)
    return {
      allowed: false,
      permission,
      message: lacksPermissionMessage(actor, permission, 'define or move org units'),
    };
  if (
    grants.some(
      (grant) => !constrainsUsers(grant.constraints) || orgUnitAdmitted(actor, grant.constraints, path, orgChart),
    )
  )
    return { allowed: true };
  const kinds = userSideKinds(grants[0]?.constraints ?? {});
  const constraint = `org unit ${path[0]}${path.length > 1 ? ` (under ${path.slice(1).join(' < ')})` : ''} is outside ${kinds.join(' or ')}`;
  return {
    allowed: false,
    permission,
    constraint,
    message: `user ${actor.userId} may not define or move this org unit: that needs ${permission} over it, and ${actor.userId} holds ${permission} only within constraints: ${constraint}`,
  };
}

/**
 * R17 for delegation: a grant given by a grantor whose own permissions.manage is constrained must lie within one of
 * the grantor's grants, on both sides, or a grantor could widen their own reach (or a deputy's) past theirs.
 * Returns why the new grant is wider, or undefined when one grantor grant contains it.
 */
export function delegationRefusal(
  actor: Actor,
  grantee: string,
  constraints: GrantConstraints,
  orgChart: OrgChart,
): string | undefined {
  if (actor.isBootstrapAdmin) return undefined;
  let refusal: string | undefined;
  for (const grant of grantsFor(actor, 'permissions.manage')) {
    const wider = widerThan(actor, grant.constraints, grantee, constraints, orgChart);
    if (wider === undefined) return undefined;
    refusal ??= wider;
  }
  return refusal ?? `user ${actor.userId} lacks the permission permissions.manage`;
}

function widerThan(
  actor: Actor,
  own: GrantConstraints,
  grantee: string,
  given: GrantConstraints,
  orgChart: OrgChart,
): string | undefined {
  for (const kind of ['providers', 'trainingTypes', 'courseIds', 'locations'] as const) {
    const mine = own[kind];
    if (!mine) continue;
    const theirs = given[kind];
    if (!theirs)
      return `the grant has no ${kind} constraint, and the grantor's reaches only ${kind} [${mine.join(', ')}]`;
    const outside = theirs.filter((value) => !mine.includes(value));
    if (outside.length) return `${kind} [${outside.join(', ')}] are outside the grantor's ${kind} [${mine.join(', ')}]`;
  }
  if (!constrainsUsers(own)) return undefined;
  const ownKinds = userSideKinds(own).join(' or ');
  if (!constrainsUsers(given)) return `the grant reaches every user; the grantor's reaches only ${ownKinds}`;
  const actorView = { userId: actor.userId };
  for (const orgUnitId of given.orgUnitIds ?? []) {
    if (!orgUnitAdmitted(actorView, own, orgChart.orgUnitPath(orgUnitId), orgChart))
      return `org unit ${orgUnitId} is outside the grantor's ${ownKinds}`;
  }
  for (const userId of given.userIds ?? []) {
    if (userSideRefusal(actorView, own, userId, orgChart) !== undefined)
      return `user ${userId} is outside the grantor's ${ownKinds}`;
  }
  if (given.ownOrgUnit) {
    const granteeOrgUnit = orgChart.userOrgUnit(grantee);
    if (
      granteeOrgUnit === undefined ||
      !orgUnitAdmitted(actorView, own, orgChart.orgUnitPath(granteeOrgUnit), orgChart)
    )
      return `${grantee}'s own org unit is outside the grantor's ${ownKinds}`;
  }
  // A grantee's reporting line stays inside the grantor's only when the grantee reports to the grantor (or is them).
  if (
    given.selfAndSubordinates &&
    !(own.selfAndSubordinates && (grantee === actor.userId || orgChart.managementChain(grantee).includes(actor.userId)))
  ) {
    return `${grantee}'s reporting line is not within the grantor's ${ownKinds}`;
  }
  return undefined;
}
