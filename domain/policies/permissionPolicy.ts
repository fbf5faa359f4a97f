import type { Grant } from '../access/accessDecider';
import type { GrantConstraints, Permission } from '../access/accessEvents';
import { forbidden } from '../shared/domainError';

/** R17: who may do what to which training and which users. */

export interface Actor {
  userId: string;
  /** Named in configuration; holds every permission without constraint. */
  isBootstrapAdmin: boolean;
  grants: readonly Grant[];
}

export interface TrainingFacts {
  courseId: string;
  provider: string;
  trainingType: string;
  location: string | null;
}

/** What the user side of a constraint needs to know about the org tree and reporting lines. */
export interface OrgChart {
  /** The org unit and its ancestors up to the root. */
  orgUnitPath(orgUnitId: string): readonly string[];
  userOrgUnit(userId: string): string | undefined;
  /** The user's managers upwards. */
  managementChain(userId: string): readonly string[];
}

/** Where a user sits: their org unit and managers upwards. */
export interface Placement {
  orgUnitId: string | undefined;
  managementChain: readonly string[];
}

export interface Demand {
  permission: Permission;
  course?: TrainingFacts;
  userId?: string;
  /**
   * Judge the user at this placement instead of their current one: a profile being registered or changed must land
   * inside the actor's scope, or an actor could move users (or themselves) into it.
   */
  placement?: Placement;
}

export type Authorization =
  | { allowed: true }
  | { allowed: false; message: string; permission: Permission; constraint?: string };

/** Permissions that include another: a dynamic-assignment grant also allows standard assignment. */
const implied: Partial<Record<Permission, Permission[]>> = { 'assignment.standard': ['assignment.dynamic'] };

export function grantsFor(actor: Actor, permission: Permission): Grant[] {
  const accepted = [permission, ...(implied[permission] ?? [])];
  return actor.grants.filter((grant) => accepted.includes(grant.permission));
}

export function authorize(actor: Actor, demand: Demand, orgChart: OrgChart): Authorization {
  if (actor.isBootstrapAdmin) return { allowed: true };
  const grants = grantsFor(actor, demand.permission);
  if (grants.length === 0) {
    return {
      allowed: false,
      permission: demand.permission,
      message: `user ${actor.userId} lacks the permission ${demand.permission}`,
    };
  }
  let refusal: string | undefined;
  for (const grant of grants) {
    const trainingRefusal = demand.course ? trainingSideRefusal(grant.constraints, demand.course) : undefined;
    const userRefusal =
      demand.userId !== undefined
        ? userSideRefusal(actor, grant.constraints, demand.userId, orgChart, demand.placement)
        : undefined;
    if (!trainingRefusal && !userRefusal) return { allowed: true };
    refusal ??= trainingRefusal ?? userRefusal;
  }
  return {
    allowed: false,
    permission: demand.permission,
    constraint: refusal,
    message: `user ${actor.userId} holds ${demand.permission} only within constraints: ${refusal}`,
  };
}

/** Throws FORBIDDEN with the refusal's message. */
export function requirePermission(actor: Actor, demand: Demand, orgChart: OrgChart): void {
  requireAllowed(authorize(actor, demand, orgChart));
}

/** Throws FORBIDDEN for a refused authorization, naming the permission and the constraint that refused. */
export function requireAllowed(decision: Authorization): void {
  if (!decision.allowed) {
    throw forbidden(decision.message, {
      permission: decision.permission,
      ...(decision.constraint ? { constraint: decision.constraint } : {}),
    });
  }
}

/** True when one of the actor's grants of the permission admits the user (queries filter their rows with this). */
export function userInScope(actor: Actor, permission: Permission, userId: string, orgChart: OrgChart): boolean {
  return authorize(actor, { permission, userId }, orgChart).allowed;
}

/**
 * The user-side constraints that bound what an actor's grants of a permission reach for a course, or null when one
 * grant admitting the course reaches every user. A rule records this as its audience scope (R17).
 */
export function userScopeOf(actor: Actor, permission: Permission, course?: TrainingFacts): GrantConstraints[] | null {
  if (actor.isBootstrapAdmin) return null;
  // Only grants that admit the training count: a grant for other providers must not widen who this course reaches.
  const grants = grantsFor(actor, permission).filter(
    (grant) => !course || !trainingSideRefusal(grant.constraints, course),
  );
  if (grants.some((grant) => userSideKinds(grant.constraints).length === 0)) return null;
  return grants.map((grant) => {
    const { orgUnitIds, userIds, selfAndSubordinates, ownOrgUnit } = grant.constraints;
    return { orgUnitIds, userIds, selfAndSubordinates, ownOrgUnit };
  });
}

/** Whether a grant's training-side constraints admit a course (every kind given must admit it). */
export function admitsTraining(constraints: GrantConstraints, course: TrainingFacts): boolean {
  return trainingSideRefusal(constraints, course) === undefined;
}

/** Whether a grant constrains the user side at all. */
export function constrainsUsers(constraints: GrantConstraints): boolean {
  return userSideKinds(constraints).length > 0;
}

/** Whether a grant constrains the training side at all. */
export function constrainsTraining(constraints: GrantConstraints): boolean {
  return Boolean(constraints.providers || constraints.trainingTypes || constraints.courseIds || constraints.locations);
}

function trainingSideRefusal(constraints: GrantConstraints, course: TrainingFacts): string | undefined {
  if (constraints.providers && !constraints.providers.includes(course.provider)) {
    return `course ${course.courseId} is from provider ${course.provider}, outside providers [${constraints.providers.join(', ')}]`;
  }
  if (constraints.trainingTypes && !constraints.trainingTypes.includes(course.trainingType)) {
    return `course ${course.courseId} is of training type ${course.trainingType}, outside training types [${constraints.trainingTypes.join(', ')}]`;
  }
  if (constraints.courseIds && !constraints.courseIds.includes(course.courseId)) {
    return `course ${course.courseId} is not among training items [${constraints.courseIds.join(', ')}]`;
  }
  if (constraints.locations && (course.location === null || !constraints.locations.includes(course.location))) {
    return `course ${course.courseId} is held ${course.location === null ? 'at no location' : `at ${course.location}`}, outside locations [${constraints.locations.join(', ')}]`;
  }
  return undefined;
}

function userSideKinds(constraints: GrantConstraints): string[] {
  const kinds: string[] = [];
  if (constraints.orgUnitIds) kinds.push(`org units [${constraints.orgUnitIds.join(', ')}] with their descendants`);
  if (constraints.userIds) kinds.push(`users [${constraints.userIds.join(', ')}]`);
  if (constraints.selfAndSubordinates) kinds.push('themselves and their subordinates');
  if (constraints.ownOrgUnit) kinds.push('their own org unit');
  return kinds;
}

/** Whether user-side constraints held by `actorId` admit a user (also used for a rule's audience scope). */
export function admitsUser(
  actorId: string,
  constraints: GrantConstraints,
  userId: string,
  orgChart: OrgChart,
): boolean {
  return userSideRefusal({ userId: actorId }, constraints, userId, orgChart) === undefined;
}

function userSideRefusal(
  actor: Pick<Actor, 'userId'>,
  constraints: GrantConstraints,
  userId: string,
  orgChart: OrgChart,
  placement?: Placement,
): string | undefined {
  const kinds = userSideKinds(constraints);
  if (kinds.length === 0) return undefined;
  const userOrgUnit = placement ? placement.orgUnitId : orgChart.userOrgUnit(userId);
  const path = userOrgUnit === undefined ? [] : orgChart.orgUnitPath(userOrgUnit);
  if (constraints.orgUnitIds?.some((orgUnitId) => path.includes(orgUnitId))) return undefined;
  if (constraints.userIds?.includes(userId)) return undefined;
  const chain = placement ? placement.managementChain : orgChart.managementChain(userId);
  if (constraints.selfAndSubordinates && (userId === actor.userId || chain.includes(actor.userId))) return undefined;
  // The actor's own org unit as it is now, also when the actor is the user being placed.
  if (constraints.ownOrgUnit && orgUnitAdmitted(actor, { ownOrgUnit: true }, path, orgChart)) return undefined;
  return `user ${userId} ${placement ? `placed in org unit ${placement.orgUnitId ?? '(none)'} would be` : 'is'} outside ${kinds.join(' or ')}`;
}

/** Whether an org unit, given by its path (itself, then its ancestors), lies within org-unit constraints. */
function orgUnitAdmitted(
  actor: Pick<Actor, 'userId'>,
  constraints: Pick<GrantConstraints, 'orgUnitIds' | 'ownOrgUnit'>,
  path: readonly string[],
  orgChart: OrgChart,
): boolean {
  if (constraints.orgUnitIds?.some((orgUnitId) => path.includes(orgUnitId))) return true;
  const actorOrgUnit = constraints.ownOrgUnit ? orgChart.userOrgUnit(actor.userId) : undefined;
  return actorOrgUnit !== undefined && path.includes(actorOrgUnit);
}

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
    return { allowed: false, permission, message: `user ${actor.userId} lacks the permission ${permission}` };
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
    message: `user ${actor.userId} holds ${permission} only within constraints: ${constraint}`,
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
