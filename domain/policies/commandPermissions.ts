import type { Permission } from '../access/accessEvents';
import type { AssignmentRuleCommand } from '../assignmentRule/assignmentRuleDecider';
import type { RuleMode } from '../assignmentRule/assignmentRuleEvents';
import type { Command, CommandOf } from '../commands';
import type { ReferenceData } from '../referenceData/referenceData';
import type { ErrorCode, RuleId } from '../shared/domainError';
import { forbidden, notFound } from '../shared/domainError';
import { requireKnownActor, requirePermissionAtAll, requireUnconstrained } from './actorPolicy';
import { assignability } from './assignabilityPolicy';
import { authorizeOrgUnit, delegationRefusal } from './delegationPolicy';
import { authorizeBulkExemption } from './exemptionPermissions';
import type { Actor, Demand, Placement } from './permissionPolicy';
import { authorize, requireAllowed, requirePermission } from './permissionPolicy';

/**
 * R17: who may send each command, judged before it is decided (see docs/decisions.md, Permissions). A refusal is
 * FORBIDDEN naming the missing permission or constraint; where the judgement needs a subject (a user, a course, a
 * rule) that does not exist, NOT_FOUND says so first. AssignCourse's pairs are judged one by one (assignPairVerdict).
 */
export function authorizeCommand(command: Command, actor: Actor, referenceData: ReferenceData): void {
  requireKnownActor(actor, referenceData);
  // A refusal says what the actor tried, in words, as well as the permission it needs.
  const action = actionWords(command);
  const require = (demand: Demand) =>
    requirePermission(actor, { ...(action ? { action } : {}), ...demand }, referenceData.orgChart);
  switch (command.type) {
    case 'SetAssignmentPreferences':
      return requireUnconstrained(
        actor,
        'permissions.manage',
        "changing the portal's assignment preferences (they apply to every user)",
      );
    case 'DefineOrgUnit':
      return authorizeDefineOrgUnit(command, actor, referenceData);
    case 'RegisterUser':
    case 'UpdateUserProfile':
    case 'DeactivateUser':
      return authorizeUserCommand(command, require, referenceData);
    case 'CreateCourse':
      return require({ permission: 'courses.manage', course: command.data });
    case 'UpgradeVersion':
    case 'DeactivateCourse':
    case 'ActivateCourse': {
      const course = referenceData.courses.get(command.data.courseId);
      return require({ permission: 'courses.manage', ...(course ? { course } : {}) });
    }
    case 'CreateGroup':
      return require({ permission: 'groups.manage' });
    case 'AddGroupMember':
    case 'RemoveGroupMember':
      for (const userId of command.data.userIds) require({ permission: 'groups.manage', userId });
      return;
    case 'CreateAssignmentRule':
    case 'UpdateAssignmentRule':
    case 'RetireAssignmentRule':
      return require(ruleDemand(command, referenceData));
    case 'AssignCourse':
      return requirePermissionAtAll(actor, 'assignment.standard', action);
    // R26: judged per user, like AssignCourse's pairs (extendDueDatesTargets).
    case 'ExtendDueDates':
      return requirePermissionAtAll(actor, 'assignment.standard', action);
    case 'RunScheduledTransitions':
      require({ permission: 'progress.record' });
      for (const userId of command.data.userIds ?? []) {
        requireUser(referenceData, userId);
        require({ permission: 'progress.record', userId });
      }
      return;
    case 'GrantPermission':
    case 'RevokePermission':
      return authorizeAccessCommand(command, actor, referenceData);
    case 'ExemptUser':
      // R6, R16: many users at once are judged one by one (exemptionUserVerdict).
      if (command.data.userIds) return authorizeBulkExemption(command.data.courseId, actor, referenceData);
      return authorizeTrainingCommand(command, actor, require, referenceData);
    default:
      return authorizeTrainingCommand(command, actor, require, referenceData);
  }
}

/** What a command tries to do, as a refusal says it: "user lee may not <words>". */
function actionWords(command: Command): string | undefined {
  switch (command.type) {
    case 'CreateAssignmentRule':
      return `create a ${command.data.mode} assignment rule`;
    case 'UpdateAssignmentRule':
      return `change assignment rule ${command.data.ruleId}`;
    case 'RetireAssignmentRule':
      return `retire assignment rule ${command.data.ruleId}`;
    default:
      return commandWords[command.type];
  }
}

// Partial: a command added later is refused in its permission's words until it has its own.
const commandWords: Partial<Record<Command['type'], string>> = {
  SetAssignmentPreferences: "change the portal's assignment preferences",
  DefineOrgUnit: 'define or move org units',
  RegisterUser: 'register users',
  UpdateUserProfile: "change users' profiles",
  DeactivateUser: 'deactivate users',
  CreateCourse: 'create courses',
  UpgradeVersion: 'publish a new version of a course',
  DeactivateCourse: 'deactivate courses',
  ActivateCourse: 'activate courses',
  CreateGroup: 'create groups',
  AddGroupMember: 'add members to groups',
  RemoveGroupMember: 'remove members from groups',
  CreateAssignmentRule: 'create assignment rules',
  UpdateAssignmentRule: 'change assignment rules',
  RetireAssignmentRule: 'retire assignment rules',
  AssignCourse: 'assign training',
  UnassignCourse: 'remove assigned training',
  ChangeDueDate: 'change due dates',
  ExemptUser: 'exempt users from training',
  RemoveExemption: 'remove exemptions',
  SaveExemptions: 'save exemptions',
  StartCourse: 'register other users for training',
  RecordProgress: "record other users' progress",
  CompleteCourse: "record other users' completions",
  CorrectCompletion: "correct other users' completions",
  RevokeCompletion: "revoke other users' completions",
  ExtendDueDates: 'extend due dates',
  RunScheduledTransitions: 'run the scheduled transitions',
  GrantPermission: 'grant permissions',
  RevokePermission: 'revoke permissions',
};

/** R17: standard rules need assignment.standard (or dynamic); dynamic rules need assignment.dynamic. */
export const permissionForMode = (mode: RuleMode): Permission =>
  mode === 'dynamic' ? 'assignment.dynamic' : 'assignment.standard';

/**
 * R17 for the org tree. A new unit is judged where it is put; a renamed one where it is. A move needs the parent it
 * leaves and the parent it joins both within scope: the unit's own place does not count, or a grant on a unit could
 * carry the unit (and everyone under it) anywhere.
 */
function authorizeDefineOrgUnit(command: CommandOf<'DefineOrgUnit'>, actor: Actor, referenceData: ReferenceData) {
  const { orgUnitId, parentId } = command.data;
  const existing = referenceData.orgUnits.get(orgUnitId);
  const chart = referenceData.orgChart;
  const under = (parent: string | null) => (parent === null ? [] : referenceData.orgUnitPath(parent));
  if (!existing) return requireAllowed(authorizeOrgUnit(actor, 'users.manage', [orgUnitId, ...under(parentId)], chart));
  if (existing.parentId === parentId)
    return requireAllowed(authorizeOrgUnit(actor, 'users.manage', referenceData.orgUnitPath(orgUnitId), chart));
  for (const parent of [existing.parentId, parentId]) {
    if (parent === null)
      requireUnconstrained(actor, 'users.manage', `moving org unit ${orgUnitId} to or from the top of the org tree`);
    else requireAllowed(authorizeOrgUnit(actor, 'users.manage', under(parent), chart));
  }
}

type UserCommand = CommandOf<'RegisterUser'> | CommandOf<'UpdateUserProfile'> | CommandOf<'DeactivateUser'>;

/**
 * A user is judged where they are (unless new) and, when the command places them, where they are put: an actor may
 * not move users, or themselves, into their scope.
 */
function authorizeUserCommand(command: UserCommand, require: (demand: Demand) => void, referenceData: ReferenceData) {
  const userId = command.data.userId;
  const placedAt = (orgUnitId: string | undefined, managerId: string | null | undefined): Placement => ({
    orgUnitId,
    managementChain: managerId ? [managerId, ...referenceData.managementChain(managerId)] : [],
  });
  if (command.type === 'RegisterUser') {
    const placement = placedAt(command.data.orgUnitId, command.data.managerId);
    return require({ permission: 'users.manage', userId, placement });
  }
  require({ permission: 'users.manage', userId });
  if (command.type !== 'UpdateUserProfile') return;
  if (command.data.orgUnitId === undefined && command.data.managerId === undefined) return;
  const current = referenceData.users.get(userId);
  const orgUnitId = command.data.orgUnitId ?? current?.orgUnitId;
  const managerId = command.data.managerId !== undefined ? command.data.managerId : current?.managerId;
  require({ permission: 'users.manage', userId, placement: placedAt(orgUnitId, managerId) });
}

type RuleCommand =
  | CommandOf<'CreateAssignmentRule'>
  | CommandOf<'UpdateAssignmentRule'>
  | CommandOf<'RetireAssignmentRule'>;

/**
 * What a rule command demands: the mode's permission on the rule's course; for changes also the rule's creator within
 * the actor's user side (a constrained admin sees, and so changes, only rules created within their scope).
 */
export function ruleDemand(command: AssignmentRuleCommand, referenceData: ReferenceData): Demand {
  if (command.type === 'CreateAssignmentRule') {
    const course = referenceData.courses.get(command.data.courseId);
    if (!course) {
      throw notFound(`course ${command.data.courseId} does not exist: check the id`, {
        courseId: command.data.courseId,
      });
    }
    return { permission: permissionForMode(command.data.mode), course };
  }
  const { ruleId } = command.data;
  const rule = referenceData.rules.get(ruleId);
  if (!rule) throw notFound(`assignment rule ${ruleId} does not exist: check the id`, { ruleId });
  const course = referenceData.courses.get(rule.courseId);
  return { permission: permissionForMode(rule.mode), userId: rule.createdBy, ...(course ? { course } : {}) };
}

type AccessCommand = CommandOf<'GrantPermission'> | CommandOf<'RevokePermission'>;

/** Grants go to registered users; a constrained grantor delegates only within their own permissions.manage. */
function authorizeAccessCommand(command: AccessCommand, actor: Actor, referenceData: ReferenceData) {
  const { userId } = command.data;
  if (!referenceData.users.has(userId)) {
    throw notFound(`user ${userId} is not registered: permissions are granted to registered users`, { userId });
  }
  requirePermission(actor, { permission: 'permissions.manage', userId }, referenceData.orgChart);
  if (command.type !== 'GrantPermission') return;
  const wider = delegationRefusal(actor, userId, command.data.constraints, referenceData.orgChart);
  if (wider) {
    throw forbidden(
      `user ${actor.userId} may grant only within their own permissions.manage: ${wider}`,
      { permission: 'permissions.manage', constraint: wider },
      'R17',
    );
  }
}

type TrainingCommand = Exclude<
  Command,
  | UserCommand
  | RuleCommand
  | AccessCommand
  | CommandOf<'SetAssignmentPreferences'>
  | CommandOf<'DefineOrgUnit'>
  | CommandOf<'CreateCourse'>
  | CommandOf<'UpgradeVersion'>
  | CommandOf<'DeactivateCourse'>
  | CommandOf<'ActivateCourse'>
  | CommandOf<'CreateGroup'>
  | CommandOf<'AddGroupMember'>
  | CommandOf<'RemoveGroupMember'>
  | CommandOf<'AssignCourse'>
  | CommandOf<'RunScheduledTransitions'>
  | CommandOf<'ExtendDueDates'>
>;

const trainingPermission: Record<TrainingCommand['type'], Permission> = {
  UnassignCourse: 'assignment.standard',
  ChangeDueDate: 'assignment.standard',
  ExemptUser: 'exemptions.manage',
  RemoveExemption: 'exemptions.manage',
  SaveExemptions: 'exemptions.manage',
  StartCourse: 'progress.record',
  RecordProgress: 'progress.record',
  CompleteCourse: 'progress.record',
  // R26: who records completions for others corrects and revokes them; a learner cannot correct their own.
  CorrectCompletion: 'progress.record',
  RevokeCompletion: 'progress.record',
};

/** Learners register for, progress through and complete their own training (the LMS player acts as them). */
const selfService = new Set<TrainingCommand['type']>(['StartCourse', 'RecordProgress', 'CompleteCourse']);

/** One user's training: the user and every course named must exist; the permission holds for both sides. */
function authorizeTrainingCommand(
  command: TrainingCommand,
  actor: Actor,
  require: (demand: Demand) => void,
  referenceData: ReferenceData,
) {
  // ExemptUser names its one user here: with userIds it is judged per user (authorizeBulkExemption).
  const userId = command.data.userId as string;
  requireUser(referenceData, userId);
  const courseIds =
    command.type === 'SaveExemptions' ? command.data.exemptions.map((tick) => tick.courseId) : [command.data.courseId];
  for (const courseId of new Set(courseIds)) {
    const course = referenceData.courses.get(courseId);
    if (!course) throw notFound(`course ${courseId} does not exist: check the id`, { courseId });
    if (selfService.has(command.type) && actor.userId === userId) continue;
    require({ permission: trainingPermission[command.type], userId, course });
  }
}

function requireUser(referenceData: ReferenceData, userId: string): void {
  if (!referenceData.users.has(userId)) throw notFound(`user ${userId} is not registered: check the id`, { userId });
}

/** One AssignCourse pair: assignable (R15) and within the actor's assignment.standard (R17), or why not. */
export type PairVerdict =
  | { ok: true }
  | { ok: false; code: ErrorCode; reason: string; message: string; rule?: RuleId | undefined };

/** R16: each pair on its own; permission is judged first, so a pair outside the scope reveals nothing (R17). */
export function assignPairVerdict(
  actor: Actor,
  referenceData: ReferenceData,
  userId: string,
  courseId: string,
): PairVerdict {
  const course = referenceData.courses.get(courseId);
  const user = referenceData.users.get(userId);
  // Permission first: a pair outside the actor's scope says FORBIDDEN and nothing else, not whether the user exists,
  // is deactivated or may see the course (R17).
  const demand: Demand = {
    permission: 'assignment.standard',
    action: 'assign training',
    userId,
    ...(course ? { course } : {}),
  };
  const decision = authorize(actor, demand, referenceData.orgChart);
  if (!decision.allowed)
    return { ok: false, code: 'FORBIDDEN', reason: 'FORBIDDEN', message: decision.message, rule: 'R17' };
  return assignability(courseId, course, userId, user, (id) => referenceData.orgUnitPath(id));
}
