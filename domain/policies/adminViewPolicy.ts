import type { Grant } from '../access/accessDecider';
import type { Permission } from '../access/accessEvents';
import type { ReferenceData } from '../referenceData/referenceData';
import { forbidden } from '../shared/domainError';
import type { Actor, OrgChart, TrainingFacts } from './permissionPolicy';
import { admitsTraining, admitsUser, constrainsTraining, constrainsUsers, grantsFor } from './permissionPolicy';
import { VIEWING } from './queryPermissions';

/**
 * R17 for the admin's views of rules, groups and courses: which of them an actor sees, and whose rows within them.
 * An actor "sees only assignment rules created by users within them" and only training within the training side of
 * their grants; per rule or course, the users shown are those the grants that see it admit.
 */

/** Who may list groups and their members: a viewing permission, or the one that manages groups. */
export const GROUP_VIEWING: Permission[] = [...VIEWING, 'groups.manage'];
/** Who may list courses and who is on which version: a viewing permission, or the one that manages courses. */
export const COURSE_VIEWING: Permission[] = [...VIEWING, 'courses.manage'];

/** The users whose rows an actor sees: `everyone` lets queries skip the per-user check (and SQL filters). */
export interface UserScope {
  everyone: boolean;
  admits(userId: string): boolean;
}

/** What an actor sees of one rule or course: whether at all, and whose rows. */
export interface ScopedView {
  visible: boolean;
  users: UserScope;
}

const EVERYONE: UserScope = { everyone: true, admits: () => true };
const HIDDEN: ScopedView = { visible: false, users: { everyone: false, admits: () => false } };

/** Without any of the permissions, refuse before anything else: an outsider learns nothing about what exists. */
export function requireAnyPermission(actor: Actor, permissions: readonly Permission[], what: string): void {
  if (actor.isBootstrapAdmin || permissions.some((permission) => grantsFor(actor, permission).length > 0)) return;
  throw forbidden(
    `user ${actor.userId} may not view ${what}: it needs one of ${permissions.join(', ')}`,
    { permissions },
    'R17',
  );
}

/** R17: a rule is seen through the grants that admit its course and its creator; they say whose rows are shown. */
export function ruleViewOf(
  actor: Actor,
  referenceData: ReferenceData,
  rule: { createdBy: string },
  course: TrainingFacts | undefined,
  permissions: readonly Permission[] = VIEWING,
): ScopedView {
  if (actor.isBootstrapAdmin) return { visible: true, users: EVERYONE };
  const chart = referenceData.orgChart;
  const grants = grantsAdmittingCourse(actor, permissions, course).filter(
    (grant) =>
      !constrainsUsers(grant.constraints) || admitsUser(actor.userId, grant.constraints, rule.createdBy, chart),
  );
  return viewThrough(actor, grants, chart);
}

/** R17: a course is seen through the grants whose training side admits it; they say whose assignments count. */
export function courseViewOf(
  actor: Actor,
  referenceData: ReferenceData,
  course: TrainingFacts,
  permissions: readonly Permission[] = COURSE_VIEWING,
): ScopedView {
  if (actor.isBootstrapAdmin) return { visible: true, users: EVERYONE };
  return viewThrough(actor, grantsAdmittingCourse(actor, permissions, course), referenceData.orgChart);
}

/** R17: the users an actor sees under any grant of the permissions (groups' members), themselves included. */
export function usersViewOf(actor: Actor, referenceData: ReferenceData, permissions: readonly Permission[]): UserScope {
  if (actor.isBootstrapAdmin) return EVERYONE;
  return viewThrough(actor, distinctGrants(actor, permissions), referenceData.orgChart).users;
}

function viewThrough(actor: Actor, grants: readonly Grant[], chart: OrgChart): ScopedView {
  if (grants.length === 0) return HIDDEN;
  if (grants.some((grant) => !constrainsUsers(grant.constraints))) return { visible: true, users: EVERYONE };
  return {
    visible: true,
    users: {
      everyone: false,
      // Users see all of their own training (as in trainingViewOf).
      admits: (userId) =>
        userId === actor.userId || grants.some((grant) => admitsUser(actor.userId, grant.constraints, userId, chart)),
    },
  };
}

function grantsAdmittingCourse(
  actor: Actor,
  permissions: readonly Permission[],
  course: TrainingFacts | undefined,
): Grant[] {
  return distinctGrants(actor, permissions).filter(
    (grant) =>
      !constrainsTraining(grant.constraints) || (course !== undefined && admitsTraining(grant.constraints, course)),
  );
}

/** assignment.standard also answers to assignment.dynamic grants: a grant may come up under two permissions. */
function distinctGrants(actor: Actor, permissions: readonly Permission[]): Grant[] {
  return [...new Set(permissions.flatMap((permission) => grantsFor(actor, permission)))];
}
