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
  /** What the actor tried, in words ("assign training"), for the refusal; the permission's own words otherwise. */
  action?: string;
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

/** What each permission lets an admin do, as a refusal says it ("may not ..."). */
export const permissionWords: Record<Permission, string> = {
  'assignment.standard': 'assign training individually or through standard rules',
  'assignment.dynamic': 'assign training through dynamic rules',
  'exemptions.manage': 'exempt users from training',
  'courses.manage': 'manage courses',
  'users.manage': 'manage users and the org tree',
  'groups.manage': 'manage groups',
  'progress.record': "record other users' progress",
  'reports.view': "view reports and other users' training",
  'permissions.manage': 'grant and revoke permissions',
};

/**
 * The refusal of an actor who holds no grant of the permission a demand needs: what they tried, the permission that
 * allows it, and what they hold instead (an admin holding assignment.dynamic reads that, not only the name missing).
 */
export function lacksPermissionMessage(actor: Actor, permission: Permission, action?: string): string {
  const held = [...new Set(actor.grants.map((grant) => grant.permission))].sort();
  return `user ${actor.userId} may not ${action ?? permissionWords[permission]}: that needs the permission ${permission}, and ${actor.userId} holds ${held.length === 0 ? 'no permissions' : held.join(', ')}`;
}

/** The grants that count for a permission, named as held: "assignment.dynamic (which includes assignment.standard)". */
function heldAs(grants: readonly Grant[], permission: Permission): string {
  const names = [...new Set(grants.map((grant) => grant.permission))].sort();
  return names.map((name) => (name === permission ? name : `${name} (which includes ${permission})`)).join(' and ');
}

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
      message: lacksPermissionMessage(actor, demand.permission, demand.action),
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
    message: `user ${actor.userId} may not ${demand.action ?? permissionWords[demand.permission]} here: that needs ${demand.permission}, and ${actor.userId} holds ${heldAs(grants, demand.permission)} only within constraints: ${refusal}`,
  };
}

/** Throws FORBIDDEN with the refusal's message. */
export function requirePermission(actor: Actor, demand: Demand, orgChart: OrgChart): void {
  requireAllowed(authorize(actor, demand, orgChart));
}

/** Throws FORBIDDEN for a refused authorization, naming the permission and the constraint that refused. */
export function requireAllowed(decision: Authorization): void {
  if (!decision.allowed) {
    throw forbidden(
      decision.message,
      { permission: decision.permission, ...(decision.constraint ? { constraint: decision.constraint } : {}) },
      'R17',
    );
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

export function userSideKinds(constraints: GrantConstraints): string[] {
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

export function userSideRefusal(
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
export function orgUnitAdmitted(
  actor: Pick<Actor, 'userId'>,
  constraints: Pick<GrantConstraints, 'orgUnitIds' | 'ownOrgUnit'>,
  path: readonly string[],
  orgChart: OrgChart,
): boolean {
  if (constraints.orgUnitIds?.some((orgUnitId) => path.includes(orgUnitId))) return true;
  const actorOrgUnit = constraints.ownOrgUnit ? orgChart.userOrgUnit(actor.userId) : undefined;
  return actorOrgUnit !== undefined && path.includes(actorOrgUnit);
}
