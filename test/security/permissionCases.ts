import type { GrantConstraints, Permission } from '../../domain/access/accessEvents';
import { GrantConstraintsSchema, PermissionSchema } from '../../domain/access/accessEvents';
import type { CommandType } from '../../domain/commands';
import type { QueryName } from '../../domain/queries';
import { streams } from '../../domain/streams';
import type { CommandSuccess } from '../../handlers/ports/reply';
import type { Harness } from '../support/engineHarness';
import { engineHarness } from '../support/engineHarness';

/**
 * The R17 permission matrix (issue #7, item 4): every permission × every constraint kind × every command and query of
 * the contract × a target inside and outside the grant. The expected outcome of each case is derived here from
 * DESIGN.md R17 and the permission table of docs/decisions.md, and the rows a query may return are computed by an
 * independent model of the seeded portal (org tree, reporting lines, course facts), never by the product's own
 * policy code.
 */

export const PERMISSIONS = PermissionSchema.options;
export type ConstraintKind = keyof GrantConstraints;
/** Every constraint kind the domain defines, read from the schema so a new kind shows up here. */
export const CONSTRAINT_KINDS = Object.keys(GrantConstraintsSchema.shape) as ConstraintKind[];
export type GrantKind = 'unconstrained' | ConstraintKind;
export type Side = 'user' | 'training';
/** The grant an actor of a portal holds: one permission, or none at all. */
export type GrantDimension = Permission | 'none';
export const GRANT_DIMENSIONS: GrantDimension[] = [...PERMISSIONS, 'none'];

// --- the seeded world ------------------------------------------------------------------------------

export interface CourseFacts {
  provider: string;
  trainingType: string;
  location: string | null;
}

/** Training inside every training-side constraint of the matrix, and training outside all of them. */
export const IN_FACTS: CourseFacts = { provider: 'Acme Learning', trainingType: 'Compliance', location: 'London' };
export const OUT_FACTS: CourseFacts = { provider: 'SecureCo', trainingType: 'Leadership', location: 'Leeds' };

/** Users inside every user-side constraint are placed in platform (under eng) reporting to ada; outside ones in sales. */
const INSIDE_PLACE = { orgUnitId: 'platform', managerId: 'ada' as string | null };
const OUTSIDE_PLACE = { orgUnitId: 'sales', managerId: null as string | null };

/** Ids of the per-case subjects (users and courses created for one case); the named-users and items grants list theirs. */
export const freshId = (tag: string, kind: GrantKind, side: 'in' | 'out') => `${tag}-${kind}-${side}`;
const FRESH_USER_TAGS = ['reg', 'leaver', 'learner', 'starter', 'corrected', 'revoked'] as const;
const FRESH_COURSE_TAGS = ['newcourse', 'retiring', 'reviving'] as const;
export const NAMED_USERS = ['ada', 'lin', ...FRESH_USER_TAGS.map((tag) => freshId(tag, 'userIds', 'in'))];
export const NAMED_COURSES = ['c-in', ...FRESH_COURSE_TAGS.map((tag) => freshId(tag, 'courseIds', 'in'))];

interface KindSpec {
  side: Side;
  /** How the constraint reads in a test title. */
  label: string;
  constraints: GrantConstraints;
  /** What a refusal under this constraint must say about it. */
  refusal: RegExp;
}

/** One concrete constraint per kind; TypeScript refuses this table when the domain gains a kind. */
export const KINDS: Record<ConstraintKind, KindSpec> = {
  providers: {
    side: 'training',
    label: 'providers [Acme Learning]',
    constraints: { providers: ['Acme Learning'] },
    refusal: /providers \[Acme Learning\]/,
  },
  trainingTypes: {
    side: 'training',
    label: 'training types [Compliance]',
    constraints: { trainingTypes: ['Compliance'] },
    refusal: /training types \[Compliance\]/,
  },
  courseIds: {
    side: 'training',
    label: 'training items [c-in, …]',
    constraints: { courseIds: NAMED_COURSES },
    refusal: /training items \[c-in/,
  },
  locations: {
    side: 'training',
    label: 'locations [London]',
    constraints: { locations: ['London'] },
    refusal: /locations \[London\]/,
  },
  orgUnitIds: {
    side: 'user',
    label: 'org unit eng',
    constraints: { orgUnitIds: ['eng'] },
    refusal: /org units \[eng\]/,
  },
  userIds: {
    side: 'user',
    label: 'named users [ada, lin, …]',
    constraints: { userIds: NAMED_USERS },
    refusal: /users \[ada, lin/,
  },
  selfAndSubordinates: {
    side: 'user',
    label: 'self and subordinates',
    constraints: { selfAndSubordinates: true },
    refusal: /subordinates/,
  },
  ownOrgUnit: { side: 'user', label: 'own org unit (eng)', constraints: { ownOrgUnit: true }, refusal: /own org unit/ },
};
export const TRAINING_SIDE = CONSTRAINT_KINDS.filter((kind) => KINDS[kind].side === 'training');
export const USER_SIDE = CONSTRAINT_KINDS.filter((kind) => KINDS[kind].side === 'user');

/** Per docs/decisions.md: the permissions that let an admin view a user's assignments (within their user side). */
const VIEWING: Permission[] = ['reports.view', 'assignment.standard', 'exemptions.manage', 'users.manage'];
const EXEMPTIONS_VIEW: Permission[] = ['exemptions.manage', 'reports.view'];

/** R17: a dynamic-assignment grant also allows what a standard one does. */
export function satisfies(grant: GrantDimension, required: readonly Permission[]): boolean {
  if (grant === 'none') return false;
  return required.includes(grant) || (grant === 'assignment.dynamic' && required.includes('assignment.standard'));
}

export const actorOf = (kind: GrantKind) => `act-${kind}`;

/** An independent model of who is where, kept beside the engine by every registration the matrix makes. */
export class World {
  readonly parents = new Map<string, string | null>([
    ['root', null],
    ['eng', 'root'],
    ['platform', 'eng'],
    ['sales', 'root'],
  ]);
  readonly users = new Map<string, { orgUnitId: string; managerId: string | null; active: boolean }>();
  readonly courses = new Map<string, CourseFacts>();

  orgPath(orgUnitId: string): string[] {
    const path: string[] = [];
    for (let at: string | null | undefined = orgUnitId; at && !path.includes(at); at = this.parents.get(at))
      path.push(at);
    return path;
  }

  chain(userId: string): string[] {
    const chain: string[] = [];
    for (let at = this.users.get(userId)?.managerId; at && !chain.includes(at); at = this.users.get(at)?.managerId)
      chain.push(at);
    return chain;
  }

  /** Whether the constraint of `kind` held by `actorId` reaches the user (training-side kinds leave users alone). */
  admitsUser(kind: GrantKind, actorId: string, userId: string): boolean {
    const user = this.users.get(userId);
    switch (kind) {
      case 'unconstrained':
      case 'providers':
      case 'trainingTypes':
      case 'courseIds':
      case 'locations':
        return true;
      case 'orgUnitIds':
        return user !== undefined && this.orgPath(user.orgUnitId).includes('eng');
      case 'userIds':
        return NAMED_USERS.includes(userId);
      case 'selfAndSubordinates':
        return userId === actorId || this.chain(userId).includes(actorId);
      case 'ownOrgUnit': {
        const own = this.users.get(actorId)?.orgUnitId;
        return user !== undefined && own !== undefined && this.orgPath(user.orgUnitId).includes(own);
      }
    }
  }

  /** Whether the constraint of `kind` admits the course (user-side kinds leave training alone). */
  admitsCourse(kind: GrantKind, courseId: string): boolean {
    const course = this.courses.get(courseId);
    switch (kind) {
      case 'providers':
        return course?.provider === 'Acme Learning';
      case 'trainingTypes':
        return course?.trainingType === 'Compliance';
      case 'courseIds':
        return NAMED_COURSES.includes(courseId);
      case 'locations':
        return course?.location === 'London';
      default:
        return true;
    }
  }

  /** Whether an actor holding `grant` under `kind` may view the user through one of `permissions` (self and manager rules aside). */
  views(
    grant: GrantDimension,
    kind: GrantKind,
    actorId: string,
    userId: string,
    permissions: readonly Permission[] = VIEWING,
  ): boolean {
    return satisfies(grant, permissions) && this.admitsUser(kind, actorId, userId);
  }
}

export interface Portal {
  h: Harness;
  world: World;
  grant: GrantDimension;
}

export async function register(
  p: Portal,
  userId: string,
  place: { orgUnitId: string; managerId: string | null },
  extra: Record<string, unknown> = {},
): Promise<void> {
  await p.h.ok('RegisterUser', {
    userId,
    name: `User ${userId}`,
    email: `${userId}@acme.test`,
    hireDate: '2024-01-08',
    ...place,
    ...extra,
  });
  p.world.users.set(userId, { ...place, active: true });
}

async function createCourse(p: Portal, courseId: string, facts: CourseFacts): Promise<void> {
  await p.h.ok('CreateCourse', { courseId, title: `Course ${courseId}`, kind: 'course', ...facts });
  p.world.courses.set(courseId, facts);
}

/**
 * The portal one grant dimension runs on: the harness's seed (root > eng > platform, root > sales; grace, ada, sam),
 * one actor per constraint kind holding `grant` under it (all in eng; act-selfAndSubordinates manages grace, so ada,
 * lin and every inside subject are its subordinates), query subjects lin (inside) and max, moe (outside), courses
 * c-in and c-out, and two dynamic rules by ada (inside every user side) giving ada, sam, lin and max both courses.
 */
export async function buildPortal(grant: GrantDimension): Promise<Portal> {
  const h = engineHarness({ now: '2026-03-02T09:00:00.000Z' });
  const p: Portal = { h, world: new World(), grant };
  await h.seedPortal();
  p.world.users.set('grace', { orgUnitId: 'eng', managerId: null, active: true });
  p.world.users.set('ada', { orgUnitId: 'platform', managerId: 'grace', active: true });
  p.world.users.set('sam', { orgUnitId: 'sales', managerId: null, active: true });
  p.world.courses.set('fire-safety', { provider: 'Acme Learning', trainingType: 'Compliance', location: null });
  p.world.courses.set('security', { provider: 'SecureCo', trainingType: 'Compliance', location: null });
  for (const kind of ['unconstrained', ...CONSTRAINT_KINDS] as GrantKind[]) {
    await register(p, actorOf(kind), { orgUnitId: 'eng', managerId: null });
    if (grant !== 'none') {
      await h.ok('GrantPermission', {
        userId: actorOf(kind),
        permission: grant,
        constraints: kind === 'unconstrained' ? {} : KINDS[kind].constraints,
      });
    }
  }
  await h.ok('UpdateUserProfile', { userId: 'grace', managerId: actorOf('selfAndSubordinates') });
  p.world.users.set('grace', { orgUnitId: 'eng', managerId: actorOf('selfAndSubordinates'), active: true });
  await register(p, 'lin', INSIDE_PLACE, { name: 'Lin Inside', department: 'Engineering' });
  await register(p, 'max', OUTSIDE_PLACE, { name: 'Max Outside', department: 'Sales' });
  await register(p, 'moe', { orgUnitId: 'sales', managerId: 'max' }, { name: 'Moe Outside', department: 'Sales' });
  await createCourse(p, 'c-in', IN_FACTS);
  await createCourse(p, 'c-out', OUT_FACTS);
  await h.ok('CreateGroup', { groupId: 'audience', name: 'Audience', kind: 'static' });
  await h.ok('AddGroupMember', { groupId: 'audience', userIds: ['ada', 'sam', 'lin', 'max'] });
  await h.ok('CreateGroup', { groupId: 'nobody', name: 'Nobody', kind: 'static' });
  // Rule authors for UpdateAssignmentRule / RetireAssignmentRule: ada inside every user-side constraint, sam outside.
  for (const author of ['ada', 'sam'])
    await h.ok('GrantPermission', { userId: author, permission: 'assignment.dynamic', constraints: {} });
  // The portal's rules are ada's, so every user-side grant sees them (R17: rules created by users within the scope).
  for (const courseId of ['c-in', 'c-out']) {
    await h.ok(
      'CreateAssignmentRule',
      {
        ruleId: `rule-${courseId}`,
        courseId,
        target: { kind: 'group', groupId: 'audience' },
        mode: 'dynamic',
        due: { kind: 'relative', days: 30 },
      },
      { actor: 'ada' },
    );
  }
  return p;
}

// --- targets -----------------------------------------------------------------------------------------

export interface Target {
  kind: GrantKind;
  side: 'in' | 'out';
  actor: string;
  /** The user the operation is about lies outside the grant's user side. */
  userOutside: boolean;
  /** The training the operation is about lies outside the grant's training side. */
  courseOutside: boolean;
}

export function targetOf(kind: GrantKind, side: 'in' | 'out', actor = actorOf(kind)): Target {
  const out = side === 'out';
  return {
    kind,
    side,
    actor,
    userOutside: out && (kind === 'unconstrained' || KINDS[kind].side === 'user'),
    courseOutside: out && (kind === 'unconstrained' || KINDS[kind].side === 'training'),
  };
}

const placeOf = (t: Target) => (t.userOutside ? OUTSIDE_PLACE : INSIDE_PLACE);
const factsOf = (t: Target) => (t.courseOutside ? OUT_FACTS : IN_FACTS);
const adminUser = (t: Target) => (t.userOutside ? 'sam' : 'ada');
const course = (t: Target) => (t.courseOutside ? 'c-out' : 'c-in');
const viewed = (t: Target) => (t.userOutside ? 'max' : 'lin');
const userText = (userId: string, t: Target) => `${userId} (${t.userOutside ? 'sales' : 'platform'})`;
const courseText = (courseId: string, facts: CourseFacts) => `${courseId} (${Object.values(facts).join(', ')})`;

// --- operations ----------------------------------------------------------------------------------------

export interface CommandOp {
  what: 'command';
  name: string;
  type: CommandType;
  permission: Permission;
  /** The constraint sides the command is judged on (docs/decisions.md, Permissions). */
  sides: Side[];
  /** Rule creation: the user side does not refuse it, it bounds the rule's audience (R17). */
  reach?: boolean;
  /** Bulk assignment: pairs outside the grant are refused one by one, the rest assigned (R16 with R17). */
  partial?: boolean;
  /** Portal-wide commands: any constraint refuses them; they need the permission without constraints (R17). */
  portalWide?: boolean;
  /** Org-tree commands: only org-unit constraints (org units, own org unit) reach org units; named users and reporting lines refuse them. */
  orgUnitsOnly?: true;
  /** Why no constraint refuses the command, when the generic reason would mislead. */
  note?: string;
  /** The user and the training the command is about, as they read in titles; and their ids, for refusal messages. */
  user?(t: Target): string;
  course?(t: Target): string;
  userText?(t: Target): string;
  courseText?(t: Target): string;
  prepare?(p: Portal, t: Target): Promise<void>;
  data(t: Target): Record<string, unknown>;
  /** The stream a refusal must leave untouched (besides the store as a whole). */
  stream(t: Target): string;
  /** Checks, and model updates, once the command was allowed. */
  verify?(p: Portal, t: Target, reply: CommandSuccess): Promise<void>;
}

export interface QueryOp {
  what: 'query';
  name: QueryName;
  /** Any of these lets the actor ask; none: anyone may ask and the rows are filtered. */
  permissions: Permission[];
  sides: Side[];
  /** Per-user views refuse a user outside the scope; list queries leave their rows out. */
  perUser: boolean;
  params(t: Target): Record<string, unknown>;
  text(t: Target): string;
  /** For per-user views: the user asked about. */
  user?(t: Target): string;
  /** About one course: a course outside every grant's training side is refused, not answered empty (R17). */
  courseScoped?: boolean;
  check(p: Portal, t: Target, result: unknown): Promise<void>;
  /**
   * Instead of expecting an answer and checking it: the whole reply, for a query that refuses when the actor's rights
   * reach nothing it asks about (My Team, issue #16).
   */
  checkReply?(p: Portal, t: Target, reply: QueryReplyOf): Promise<void>;
}

type QueryReplyOf = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

export type Operation = CommandOp | QueryOp;

const trainingCommand = (
  name: CommandType,
  permission: Permission,
  data: (t: Target) => Record<string, unknown>,
  prepare?: (p: Portal, t: Target) => Promise<void>,
): CommandOp => ({
  what: 'command',
  name,
  type: name,
  permission,
  sides: ['user', 'training'],
  user: adminUser,
  course,
  ...(prepare ? { prepare } : {}),
  data,
  stream: (t) => streams.training(adminUser(t)),
});

/** A bulk assignment holding the inside pair ada × c-in and, outside, sam and/or c-out. */
const bulkUsers = (t: Target) => [...new Set(['ada', adminUser(t)])];
const bulkCourses = (t: Target) => [...new Set(['c-in', course(t)])];

const assignIndividually = async (p: Portal, t: Target) => {
  await p.h.ok('AssignCourse', { userIds: [adminUser(t)], courseIds: [course(t)] });
};

function ruleCommand(
  type: 'CreateAssignmentRule' | 'UpdateAssignmentRule' | 'RetireAssignmentRule',
  mode: 'standard' | 'dynamic',
): CommandOp {
  const permission: Permission = mode === 'dynamic' ? 'assignment.dynamic' : 'assignment.standard';
  const ruleId = (t: Target) =>
    `rule-${type === 'CreateAssignmentRule' ? 'new' : type === 'UpdateAssignmentRule' ? 'upd' : 'ret'}-${mode}-${t.kind}-${t.side}`;
  const groupId = (t: Target) => `grp-${ruleId(t)}`;
  const common = {
    what: 'command' as const,
    name: `${type} (${mode})`,
    type,
    permission,
    course,
    data: (t: Target) => ({ ruleId: ruleId(t) }),
    stream: (t: Target) => streams.rule(ruleId(t)),
  };
  if (type === 'CreateAssignmentRule') {
    return {
      ...common,
      sides: ['training'],
      reach: true,
      user: adminUser,
      userText: (t) => `for a group holding ${userText(adminUser(t), t)}`,
      prepare: async (p, t) => {
        await p.h.ok('CreateGroup', { groupId: groupId(t), name: `Group ${groupId(t)}`, kind: 'static' });
        await p.h.ok('AddGroupMember', { groupId: groupId(t), userId: adminUser(t) });
      },
      data: (t) => ({
        ruleId: ruleId(t),
        courseId: course(t),
        target: { kind: 'group', groupId: groupId(t) },
        mode,
        due: { kind: 'relative', days: 14 },
      }),
      verify: (p, t) => expectReach(p, t, adminUser(t), ruleId(t)),
    };
  }
  return {
    ...common,
    sides: ['user', 'training'],
    // The user side of a rule change is the rule's creator.
    user: adminUser,
    userText: (t) => `of a rule by ${userText(adminUser(t), t)}`,
    prepare: async (p, t) => {
      await p.h.ok(
        'CreateAssignmentRule',
        { ruleId: ruleId(t), courseId: course(t), target: { kind: 'group', groupId: 'nobody' }, mode },
        { actor: adminUser(t) },
      );
    },
    data: (t) =>
      type === 'UpdateAssignmentRule' ? { ruleId: ruleId(t), name: `Renamed ${ruleId(t)}` } : { ruleId: ruleId(t) },
  };
}

/** R17: a constrained creator's rule reaches only users within the user side of their grant (all of them otherwise). */
async function expectReach(p: Portal, t: Target, userId: string, ruleId: string): Promise<void> {
  const reaches = !t.userOutside || t.kind === 'unconstrained';
  const assignment = (await p.h.training(userId)).assignments.get(course(t));
  const reached = assignment?.active === true && assignment.sources.some((source) => source.ruleId === ruleId);
  expect({ rule: ruleId, user: userId, reached }).toEqual({ rule: ruleId, user: userId, reached: reaches });
}

/** All-users (mandatory) and new-starters rules: their audience is everyone, so the creator's user side bounds it. */
function createRuleForEveryone(audience: 'allUsers' | 'newStarters'): CommandOp {
  const ruleId = (t: Target) => `rule-${audience}-${t.kind}-${t.side}`;
  const starter = (t: Target) => freshId('starter', t.kind, t.side);
  const subject = (t: Target) => (audience === 'newStarters' ? starter(t) : adminUser(t));
  return {
    what: 'command',
    name: `CreateAssignmentRule (dynamic, ${audience === 'allUsers' ? 'all users' : 'new starters'})`,
    type: 'CreateAssignmentRule',
    permission: 'assignment.dynamic',
    sides: ['training'],
    reach: true,
    user: subject,
    course,
    userText: (t) =>
      audience === 'allUsers'
        ? `reaching ${userText(adminUser(t), t)}`
        : `reaching a new starter in ${t.userOutside ? 'sales' : 'platform'}`,
    data: (t) => ({
      ruleId: ruleId(t),
      courseId: course(t),
      target: { kind: audience },
      mode: 'dynamic',
      due: { kind: 'relative', days: 14 },
    }),
    stream: (t) => streams.rule(ruleId(t)),
    verify: async (p, t) => {
      if (audience === 'newStarters') await register(p, starter(t), placeOf(t), { hireDate: '2026-03-02' });
      await expectReach(p, t, subject(t), ruleId(t));
    },
  };
}

/** R26: a correction of a fresh learner's completion (one per case: a completion is revoked once). */
function completionCorrection(
  type: 'CorrectCompletion' | 'RevokeCompletion',
  fields: Record<string, unknown>,
): CommandOp {
  const learner = (t: Target) => freshId(type === 'CorrectCompletion' ? 'corrected' : 'revoked', t.kind, t.side);
  return {
    ...trainingCommand(type, 'progress.record', (t) => ({ userId: learner(t), courseId: course(t), ...fields })),
    user: learner,
    prepare: async (p, t) => {
      await register(p, learner(t), placeOf(t));
      await p.h.ok('AssignCourse', { userIds: [learner(t)], courseIds: [course(t)] });
      await p.h.ok('CompleteCourse', { userId: learner(t), courseId: course(t), score: 90 });
    },
    stream: (t) => streams.training(learner(t)),
  };
}

export const COMMAND_OPS: CommandOp[] = [
  {
    what: 'command',
    name: 'SetAssignmentPreferences',
    type: 'SetAssignmentPreferences',
    permission: 'permissions.manage',
    sides: [],
    portalWide: true,
    data: () => ({ notifyOnAssign: true }),
    stream: () => streams.portal(),
  },
  {
    what: 'command',
    name: 'DefineOrgUnit',
    type: 'DefineOrgUnit',
    permission: 'users.manage',
    sides: ['user'],
    orgUnitsOnly: true,
    // The subject a refusal names is the org unit being placed.
    user: (t) => `ou-${t.kind}-${t.side}`,
    userText: (t) => `placing ou-${t.kind}-${t.side} under ${t.userOutside ? 'sales' : 'eng'}`,
    data: (t) => ({
      orgUnitId: `ou-${t.kind}-${t.side}`,
      name: `Unit ${t.kind}`,
      parentId: t.userOutside ? 'sales' : 'eng',
    }),
    stream: (t) => streams.orgUnit(`ou-${t.kind}-${t.side}`),
    verify: async (p, t) => {
      p.world.parents.set(`ou-${t.kind}-${t.side}`, t.userOutside ? 'sales' : 'eng');
    },
  },
  {
    what: 'command',
    name: 'RegisterUser',
    type: 'RegisterUser',
    permission: 'users.manage',
    sides: ['user'],
    user: (t) => freshId('reg', t.kind, t.side),
    data: (t) => ({
      userId: freshId('reg', t.kind, t.side),
      name: 'New Starter',
      email: `${freshId('reg', t.kind, t.side)}@acme.test`,
      hireDate: '2026-03-02',
      ...placeOf(t),
    }),
    stream: (t) => streams.user(freshId('reg', t.kind, t.side)),
    verify: async (p, t) => {
      p.world.users.set(freshId('reg', t.kind, t.side), { ...placeOf(t), active: true });
    },
  },
  {
    what: 'command',
    name: 'UpdateUserProfile',
    type: 'UpdateUserProfile',
    permission: 'users.manage',
    sides: ['user'],
    user: adminUser,
    data: (t) => ({ userId: adminUser(t), role: `Role ${t.kind} ${t.side}` }),
    stream: (t) => streams.user(adminUser(t)),
  },
  {
    what: 'command',
    name: 'DeactivateUser',
    type: 'DeactivateUser',
    permission: 'users.manage',
    sides: ['user'],
    user: (t) => freshId('leaver', t.kind, t.side),
    prepare: (p, t) => register(p, freshId('leaver', t.kind, t.side), placeOf(t)),
    data: (t) => ({ userId: freshId('leaver', t.kind, t.side) }),
    stream: (t) => streams.user(freshId('leaver', t.kind, t.side)),
    verify: async (p, t) => {
      const user = p.world.users.get(freshId('leaver', t.kind, t.side));
      if (user) user.active = false;
    },
  },
  {
    what: 'command',
    name: 'CreateCourse',
    type: 'CreateCourse',
    permission: 'courses.manage',
    sides: ['training'],
    course: (t) => freshId('newcourse', t.kind, t.side),
    data: (t) => ({
      courseId: freshId('newcourse', t.kind, t.side),
      title: 'New course',
      kind: 'course',
      ...factsOf(t),
    }),
    stream: (t) => streams.course(freshId('newcourse', t.kind, t.side)),
    verify: async (p, t) => {
      p.world.courses.set(freshId('newcourse', t.kind, t.side), factsOf(t));
    },
  },
  {
    what: 'command',
    name: 'UpgradeVersion',
    type: 'UpgradeVersion',
    permission: 'courses.manage',
    sides: ['training'],
    course,
    data: (t) => ({ courseId: course(t) }),
    stream: (t) => streams.course(course(t)),
  },
  {
    what: 'command',
    name: 'DeactivateCourse',
    type: 'DeactivateCourse',
    permission: 'courses.manage',
    sides: ['training'],
    course: (t) => freshId('retiring', t.kind, t.side),
    prepare: (p, t) => createCourse(p, freshId('retiring', t.kind, t.side), factsOf(t)),
    data: (t) => ({ courseId: freshId('retiring', t.kind, t.side) }),
    stream: (t) => streams.course(freshId('retiring', t.kind, t.side)),
  },
  {
    what: 'command',
    name: 'ActivateCourse',
    type: 'ActivateCourse',
    permission: 'courses.manage',
    sides: ['training'],
    course: (t) => freshId('reviving', t.kind, t.side),
    prepare: async (p, t) => {
      await createCourse(p, freshId('reviving', t.kind, t.side), factsOf(t));
      await p.h.ok('DeactivateCourse', { courseId: freshId('reviving', t.kind, t.side) });
    },
    data: (t) => ({ courseId: freshId('reviving', t.kind, t.side) }),
    stream: (t) => streams.course(freshId('reviving', t.kind, t.side)),
  },
  {
    what: 'command',
    name: 'CreateGroup',
    type: 'CreateGroup',
    permission: 'groups.manage',
    sides: [],
    data: (t) => ({ groupId: `grp-new-${t.kind}-${t.side}`, name: 'New group', kind: 'static' }),
    stream: (t) => streams.group(`grp-new-${t.kind}-${t.side}`),
  },
  {
    what: 'command',
    name: 'AddGroupMember',
    type: 'AddGroupMember',
    permission: 'groups.manage',
    sides: ['user'],
    user: adminUser,
    prepare: async (p, t) => {
      await p.h.ok('CreateGroup', { groupId: `grp-add-${t.kind}-${t.side}`, name: 'Joiners', kind: 'static' });
    },
    data: (t) => ({ groupId: `grp-add-${t.kind}-${t.side}`, userId: adminUser(t) }),
    stream: (t) => streams.group(`grp-add-${t.kind}-${t.side}`),
  },
  {
    what: 'command',
    name: 'RemoveGroupMember',
    type: 'RemoveGroupMember',
    permission: 'groups.manage',
    sides: ['user'],
    user: adminUser,
    prepare: async (p, t) => {
      await p.h.ok('CreateGroup', { groupId: `grp-rm-${t.kind}-${t.side}`, name: 'Leavers', kind: 'static' });
      await p.h.ok('AddGroupMember', { groupId: `grp-rm-${t.kind}-${t.side}`, userId: adminUser(t) });
    },
    data: (t) => ({ groupId: `grp-rm-${t.kind}-${t.side}`, userId: adminUser(t) }),
    stream: (t) => streams.group(`grp-rm-${t.kind}-${t.side}`),
  },
  ruleCommand('CreateAssignmentRule', 'standard'),
  ruleCommand('CreateAssignmentRule', 'dynamic'),
  createRuleForEveryone('allUsers'),
  createRuleForEveryone('newStarters'),
  ruleCommand('UpdateAssignmentRule', 'standard'),
  ruleCommand('UpdateAssignmentRule', 'dynamic'),
  ruleCommand('RetireAssignmentRule', 'standard'),
  ruleCommand('RetireAssignmentRule', 'dynamic'),
  trainingCommand('AssignCourse', 'assignment.standard', (t) => ({ userIds: [adminUser(t)], courseIds: [course(t)] })),
  {
    ...trainingCommand('AssignCourse', 'assignment.standard', (t) => ({
      userIds: bulkUsers(t),
      courseIds: bulkCourses(t),
    })),
    name: 'AssignCourse (bulk)',
    partial: true,
    userText: (t) => `to ${bulkUsers(t).join(' and ')}`,
    courseText: (t) => `of ${bulkCourses(t).join(' and ')}`,
    // Each pair is judged on its own: inside pairs are assigned, outside pairs fail with FORBIDDEN naming the constraint.
    verify: async (p, t, reply) => {
      const results = reply.results ?? [];
      const pairs = bulkUsers(t).flatMap((userId) => bulkCourses(t).map((courseId) => `${userId} × ${courseId}`));
      expect(results.map((result) => `${result.userId} × ${result.courseId}`).sort()).toEqual(pairs.sort());
      for (const result of results) {
        const inside =
          p.world.admitsUser(t.kind, t.actor, result.userId) && p.world.admitsCourse(t.kind, result.courseId);
        const pair = `${result.userId} × ${result.courseId}`;
        if (inside) {
          expect({ pair, outcome: result.outcome }).not.toEqual({ pair, outcome: 'failed' });
        } else {
          expect({ pair, code: result.code }).toEqual({ pair, code: 'FORBIDDEN' });
          expect(result.message).toContain('assignment.standard');
          if (t.kind !== 'unconstrained') expect(result.message).toMatch(KINDS[t.kind].refusal);
        }
      }
      // A user refused every pair gets nothing appended to their training.
      for (const userId of bulkUsers(t)) {
        if (results.some((result) => result.userId === userId && result.outcome !== 'failed')) continue;
        expect(reply.events.filter((event) => event.stream === streams.training(userId))).toEqual([]);
      }
    },
  },
  trainingCommand(
    'UnassignCourse',
    'assignment.standard',
    (t) => ({ userId: adminUser(t), courseId: course(t) }),
    assignIndividually,
  ),
  trainingCommand(
    'ChangeDueDate',
    'assignment.standard',
    (t) => ({ userId: adminUser(t), courseId: course(t), dueDate: '2026-12-31' }),
    assignIndividually,
  ),
  trainingCommand(
    'ExemptUser',
    'exemptions.manage',
    (t) => ({ userId: adminUser(t), courseId: course(t), reason: 'R17 matrix' }),
    async (p, t) => {
      await p.h.ok('RemoveExemption', { userId: adminUser(t), courseId: course(t) });
    },
  ),
  trainingCommand(
    'RemoveExemption',
    'exemptions.manage',
    (t) => ({ userId: adminUser(t), courseId: course(t) }),
    async (p, t) => {
      await p.h.ok('ExemptUser', { userId: adminUser(t), courseId: course(t), reason: 'set up by the matrix' });
    },
  ),
  trainingCommand(
    'SaveExemptions',
    'exemptions.manage',
    (t) => ({ userId: adminUser(t), exemptions: [{ courseId: course(t), exempted: true, reason: 'R17 matrix' }] }),
    async (p, t) => {
      await p.h.ok('RemoveExemption', { userId: adminUser(t), courseId: course(t) });
    },
  ),
  trainingCommand(
    'StartCourse',
    'progress.record',
    (t) => ({ userId: adminUser(t), courseId: course(t) }),
    assignIndividually,
  ),
  trainingCommand(
    'RecordProgress',
    'progress.record',
    (t) => ({ userId: adminUser(t), courseId: course(t), progress: 50 }),
    assignIndividually,
  ),
  {
    // A fresh learner per case: a completion cannot be recorded twice.
    ...trainingCommand('CompleteCourse', 'progress.record', (t) => ({
      userId: freshId('learner', t.kind, t.side),
      courseId: course(t),
      score: 90,
    })),
    user: (t) => freshId('learner', t.kind, t.side),
    prepare: async (p, t) => {
      await register(p, freshId('learner', t.kind, t.side), placeOf(t));
      await p.h.ok('AssignCourse', { userIds: [freshId('learner', t.kind, t.side)], courseIds: [course(t)] });
    },
    stream: (t) => streams.training(freshId('learner', t.kind, t.side)),
  },
  // R26: corrections need progress.record over the user and the course, as recording a completion for someone does.
  completionCorrection('CorrectCompletion', { score: 70, reason: 'R17 matrix' }),
  completionCorrection('RevokeCompletion', { reason: 'R17 matrix' }),
  {
    // R26: judged per user like AssignCourse pairs; one user outside the scope refuses the command (nobody is left).
    ...trainingCommand(
      'ExtendDueDates',
      'assignment.standard',
      (t) => ({ target: { userIds: [adminUser(t)] }, courseId: course(t), by: { days: 7 }, reason: 'R17 matrix' }),
      async (p, t) => {
        await p.h.ok('AssignCourse', { userIds: [adminUser(t)], courseIds: [course(t)], dueDate: '2026-12-31' });
      },
    ),
  },
  {
    what: 'command',
    name: 'RunScheduledTransitions',
    type: 'RunScheduledTransitions',
    permission: 'progress.record',
    sides: ['user'],
    user: adminUser,
    data: (t) => ({ userIds: [adminUser(t)] }),
    stream: (t) => streams.training(adminUser(t)),
  },
  {
    what: 'command',
    name: 'RunScheduledTransitions (everyone in scope)',
    type: 'RunScheduledTransitions',
    permission: 'progress.record',
    sides: [],
    note: 'acting on the active users in scope only',
    data: () => ({}),
    stream: () => streams.training('ada'),
    // Without named users the command acts on exactly the active users the grant reaches.
    verify: async (p, t, reply) => {
      const inScope = [...p.world.users].filter(
        ([userId, user]) => user.active && p.world.admitsUser(t.kind, t.actor, userId),
      ).length;
      expect(reply.message).toContain(`scheduled transitions for ${inScope} users`);
    },
  },
  {
    what: 'command',
    name: 'GrantPermission',
    type: 'GrantPermission',
    permission: 'permissions.manage',
    sides: ['user'],
    user: adminUser,
    // The grant given stays within the grantor's own: the same training-side constraint, one user in scope.
    note: "the grant given carries the grantor's training-side constraint",
    data: (t) => ({
      userId: adminUser(t),
      permission: 'progress.record',
      constraints: {
        ...(t.kind !== 'unconstrained' && KINDS[t.kind].side === 'training' ? KINDS[t.kind].constraints : {}),
        userIds: [adminUser(t)],
      },
    }),
    stream: (t) => streams.access(adminUser(t)),
  },
  {
    what: 'command',
    name: 'RevokePermission',
    type: 'RevokePermission',
    permission: 'permissions.manage',
    sides: ['user'],
    user: adminUser,
    prepare: async (p, t) => {
      await p.h.ok('GrantPermission', {
        userId: adminUser(t),
        permission: 'progress.record',
        grantId: `grant-${t.kind}-${t.side}`,
        constraints: { userIds: [adminUser(t)] },
      });
    },
    data: (t) => ({ userId: adminUser(t), grantId: `grant-${t.kind}-${t.side}` }),
    stream: (t) => streams.access(adminUser(t)),
  },
];

// --- queries -------------------------------------------------------------------------------------------

type ReportRow = { userId: string; courseId: string };

/** The administrator's (unfiltered) MI rows with the same filters: the base the actor's rows are judged against. */
async function allRows(p: Portal, params: Record<string, unknown>): Promise<ReportRow[]> {
  const rows = await p.h.query<ReportRow[]>('MiReport', { ...params, limit: 10_000 });
  expect(rows.length).toBeGreaterThan(0);
  return rows;
}

const inReportScope = (p: Portal, t: Target) => (row: ReportRow) =>
  p.grant === 'reports.view' &&
  p.world.admitsUser(t.kind, t.actor, row.userId) &&
  p.world.admitsCourse(t.kind, row.courseId);

/** List filters that pick the rows outside the grant: the sales org unit (user side) or c-out (training side). */
const listFilter = (t: Target): Record<string, string> => ({
  ...(t.userOutside ? { orgUnitId: 'sales' } : {}),
  ...(t.courseOutside ? { courseId: 'c-out' } : {}),
});
const filterText = (t: Target) =>
  t.side === 'in'
    ? 'over every row'
    : `filtered to ${[t.userOutside ? 'sales' : '', t.courseOutside ? 'c-out' : ''].filter(Boolean).join(' and ')}`;

function perUserQuery(
  name: QueryName,
  permissions: Permission[],
  extra: (t: Target) => Record<string, unknown>,
  check: (result: unknown, userId: string) => void,
): QueryOp {
  return {
    what: 'query',
    name,
    permissions,
    sides: ['user'],
    perUser: true,
    user: viewed,
    params: (t) => ({ userId: viewed(t), ...extra(t) }),
    text: (t) => `of ${userText(viewed(t), t)}`,
    check: async (_p, t, result) => check(result, viewed(t)),
  };
}

const versionCourse = (t: Target) => (t.side === 'out' ? 'c-out' : 'c-in');

const nonEmptyList = (result: unknown) => {
  expect(Array.isArray(result) && result.length > 0).toBe(true);
};

export const QUERY_OPS: QueryOp[] = [
  perUserQuery('UserDashboard', VIEWING, () => ({}), nonEmptyList),
  perUserQuery('UserAssignments', VIEWING, () => ({}), nonEmptyList),
  perUserQuery('UserExemptions', EXEMPTIONS_VIEW, () => ({}), nonEmptyList),
  perUserQuery(
    'UserProfile',
    VIEWING,
    () => ({}),
    (result, userId) => expect(result).toMatchObject({ user: { userId } }),
  ),
  perUserQuery(
    'AssignmentHistory',
    VIEWING,
    () => ({}),
    (result, userId) => expect(result).toMatchObject({ userId }),
  ),
  perUserQuery(
    'ExplainAssignment',
    VIEWING,
    () => ({ courseId: 'c-in' }),
    (result, userId) => expect(result).toMatchObject({ userId, courseId: 'c-in' }),
  ),
  {
    what: 'query',
    name: 'MiReport',
    permissions: ['reports.view'],
    sides: ['user', 'training'],
    perUser: false,
    params: (t) => ({ ...listFilter(t), limit: 10_000 }),
    text: filterText,
    check: async (p, t, result) => {
      const key = (row: ReportRow) => `${row.userId} × ${row.courseId}`;
      const expected = (await allRows(p, listFilter(t))).filter(inReportScope(p, t)).map(key).sort();
      if (t.side === 'in') expect(expected.length).toBeGreaterThan(0);
      expect((result as ReportRow[]).map(key).sort()).toEqual(expected);
    },
  },
  {
    what: 'query',
    name: 'MiSummary',
    permissions: ['reports.view'],
    sides: ['user', 'training'],
    perUser: false,
    params: (t) => ({ groupBy: 'course', ...listFilter(t) }),
    text: filterText,
    check: async (p, t, result) => {
      const expected = new Map<string, number>();
      for (const row of (await allRows(p, listFilter(t))).filter(inReportScope(p, t)))
        expected.set(row.courseId, (expected.get(row.courseId) ?? 0) + 1);
      const actual = (result as { key: string; assigned: number }[]).map((row) => [row.key, row.assigned]);
      expect(actual).toEqual([...expected].sort(([a], [b]) => (a < b ? -1 : 1)));
    },
  },
  {
    what: 'query',
    name: 'VersionStatus',
    permissions: ['reports.view'],
    sides: ['user', 'training'],
    perUser: false,
    courseScoped: true,
    // Outside the user side: c-out, held by ada and lin (inside) and by sam and max (outside).
    params: (t) => ({ courseId: versionCourse(t) }),
    text: (t) =>
      `of ${courseText(versionCourse(t), t.side === 'out' ? OUT_FACTS : IN_FACTS)}${t.userOutside ? ', held inside and outside the scope' : ''}`,
    check: async (p, t, result) => {
      const expected = (await allRows(p, { courseId: versionCourse(t) })).filter(inReportScope(p, t)).length;
      const counted = (result as { versions: { users: number }[] }).versions.reduce((sum, row) => sum + row.users, 0);
      expect({ course: versionCourse(t), users: counted }).toEqual({ course: versionCourse(t), users: expected });
    },
  },
  {
    what: 'query',
    name: 'MyTeam',
    permissions: [],
    sides: ['user'],
    perUser: false,
    params: (t) => ({ managerId: t.userOutside ? 'max' : 'grace', scope: 'all' }),
    text: (t) => (t.userOutside ? "of max's team (sales)" : "of grace's team (eng, platform)"),
    // A manager sees their own reporting line; anyone else the members a viewing permission reaches (R17).
    check: async (p, t, result) => {
      expect((result as { members: { userId: string }[] }).members.map((member) => member.userId).sort()).toEqual(
        await teamInView(p, t),
      );
    },
    // Issue #16: an actor whose rights reach no one on the team is refused, not shown an empty team.
    checkReply: async (p, t, reply) => {
      const expected = await teamInView(p, t);
      if (expected.length === 0) {
        expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
        if (!reply.ok) expect(reply.error.message).toMatch(/may not see the team of (grace|max)/);
        return;
      }
      expect(reply).toMatchObject({ ok: true });
      if (reply.ok)
        expect(
          (reply.result as { members: { userId: string }[] }).members.map((member) => member.userId).sort(),
        ).toEqual(expected);
    },
  },
  {
    what: 'query',
    name: 'SearchUsers',
    permissions: [],
    sides: ['user'],
    perUser: false,
    params: (t) => (t.userOutside ? { department: 'Sales', limit: 1000 } : { text: 'acme.test', limit: 1000 }),
    text: (t) => (t.userOutside ? 'for department Sales' : 'for every user'),
    // The users a viewing permission reaches, and the actor themselves.
    check: async (p, t, result) => {
      const params = t.userOutside ? { department: 'Sales', limit: 1000 } : { text: 'acme.test', limit: 1000 };
      const everyone = (await p.h.query<{ userId: string }[]>('SearchUsers', params)).map((row) => row.userId);
      expect(everyone.length).toBeGreaterThan(0);
      const expected = everyone
        .filter((userId) => userId === t.actor || p.world.views(p.grant, t.kind, t.actor, userId))
        .sort();
      expect((result as { userId: string }[]).map((row) => row.userId).sort()).toEqual(expected);
    },
  },
];

export const OPERATIONS: Operation[] = [...COMMAND_OPS, ...QUERY_OPS];

export const requiredOf = (op: Operation): Permission[] => (op.what === 'command' ? [op.permission] : op.permissions);

// --- cases -----------------------------------------------------------------------------------------------

export type Expectation =
  | { allowed: true }
  /** FORBIDDEN, naming every one of `names`, and `pattern` (the constraint) and `subject` when given; nothing appended. */
  | { allowed: false; names: string[]; pattern?: RegExp; subject?: string };

export interface MatrixCase {
  title: string;
  grant: GrantDimension;
  op: Operation;
  target: Target;
  expect: Expectation;
}

export function grantText(grant: GrantDimension, kind: GrantKind): string {
  if (grant === 'none') return 'no grant';
  return kind === 'unconstrained' ? `${grant} without constraint` : `${grant} constrained to ${KINDS[kind].label}`;
}

function operationText(op: Operation, t: Target): string {
  if (op.what === 'query') return `${op.name} ${op.text(t)}`;
  const side = t.kind === 'unconstrained' ? undefined : KINDS[t.kind].side;
  const userSide = side !== 'training';
  const trainingSide = side !== 'user';
  const parts: string[] = [];
  if (op.user && (userSide || !op.course)) parts.push(op.userText ? op.userText(t) : `for ${userText(op.user(t), t)}`);
  if (op.course && (trainingSide || !op.user))
    parts.push(op.courseText ? op.courseText(t) : `of ${courseText(op.course(t), factsOf(t))}`);
  return [op.name, ...parts].join(' ');
}

/** The id a constraint refusal must name: the user or the training outside the grant. */
function subjectOf(op: Operation, t: Target): string | undefined {
  if (op.what === 'query') return op.user?.(t);
  return t.userOutside ? op.user?.(t) : op.course?.(t);
}

/** Every case a portal whose actors hold `grant` runs. */
export function casesFor(grant: GrantDimension): MatrixCase[] {
  const cases: MatrixCase[] = [];
  for (const op of OPERATIONS) {
    const required = requiredOf(op);
    if (required.length > 0 && !satisfies(grant, required)) {
      const target = targetOf('unconstrained', 'in');
      cases.push({
        title: `R17: ${grantText(grant, 'unconstrained')} refuses ${operationText(op, target)}: it needs ${required.join(' or ')}`,
        grant,
        op,
        target,
        expect: { allowed: false, names: required },
      });
      continue;
    }
    const kinds: GrantKind[] = grant === 'none' ? ['unconstrained'] : ['unconstrained', ...CONSTRAINT_KINDS];
    for (const kind of kinds) {
      const side = kind === 'unconstrained' ? undefined : KINDS[kind].side;
      const filtered = op.what === 'query' && !op.perUser;
      const bounded = op.what === 'command' && op.reach === true && side === 'user';
      const partial = op.what === 'command' && op.partial === true;
      const applies =
        side === undefined ? op.sides.length > 0 || op.what === 'query' : op.sides.includes(side) || bounded;
      const grantLabel = grantText(grant, kind);
      const inside = targetOf(kind, 'in');
      if (op.what === 'command' && op.portalWide && kind !== 'unconstrained') {
        cases.push({
          title: `R17: ${grantLabel} refuses ${operationText(op, inside)}: a portal-wide command needs the permission without constraints`,
          grant,
          op,
          target: inside,
          expect: {
            allowed: false,
            names: required,
            pattern: /apply to every user\) needs permissions\.manage without constraints/,
          },
        });
        continue;
      }
      if (!applies) {
        const why =
          op.what === 'command' && op.note
            ? ` (${op.note})`
            : side === undefined
              ? ''
              : ` (${side}-side constraints do not apply)`;
        cases.push({
          title: `R17: ${grantLabel} allows ${operationText(op, inside)}${why}`,
          grant,
          op,
          target: inside,
          expect: { allowed: true },
        });
        continue;
      }
      const outside = targetOf(kind, 'out');
      if (filtered) {
        cases.push({
          title: `R17: ${grantLabel} answers ${operationText(op, inside)} with rows in scope only`,
          grant,
          op,
          target: inside,
          expect: { allowed: true },
        });
        // A query about one course refuses a course outside the training side instead of answering it empty.
        const refusesCourse = op.what === 'query' && op.courseScoped === true && side === 'training';
        cases.push({
          title: refusesCourse
            ? `R17: ${grantLabel} refuses ${operationText(op, outside)}: the course is outside the grant`
            : `R17: ${grantLabel} answers ${operationText(op, outside)} with rows in scope only`,
          grant,
          op,
          target: outside,
          expect: refusesCourse
            ? { allowed: false, names: required, pattern: KINDS[kind as ConstraintKind].refusal }
            : { allowed: true },
        });
        continue;
      }
      if (op.what === 'command' && op.orgUnitsOnly && (kind === 'userIds' || kind === 'selfAndSubordinates')) {
        for (const target of [inside, outside]) {
          cases.push({
            title: `R17: ${grantLabel} refuses ${operationText(op, target)}: such a grant reaches no org unit`,
            grant,
            op,
            target,
            expect: { allowed: false, names: required, pattern: KINDS[kind].refusal },
          });
        }
        continue;
      }
      cases.push({
        title: `R17: ${grantLabel} allows ${operationText(op, inside)}`,
        grant,
        op,
        target: inside,
        expect: { allowed: true },
      });
      if (side === undefined) {
        cases.push({
          title: `R17: ${grantLabel} allows ${operationText(op, outside)}`,
          grant,
          op,
          target: outside,
          expect: { allowed: true },
        });
      } else if (partial) {
        cases.push({
          title: `R17: ${grantLabel} allows ${operationText(op, outside)} for the pairs inside and refuses the pairs outside`,
          grant,
          op,
          target: outside,
          expect: { allowed: true },
        });
      } else if (bounded) {
        cases.push({
          title: `R17: ${grantLabel} allows ${operationText(op, outside)} but the rule does not reach that user`,
          grant,
          op,
          target: outside,
          expect: { allowed: true },
        });
      } else {
        const subject = subjectOf(op, outside);
        cases.push({
          title: `R17: ${grantLabel} refuses ${operationText(op, outside)}`,
          grant,
          op,
          target: outside,
          expect: {
            allowed: false,
            names: required,
            ...(op.what === 'command' ? { pattern: KINDS[kind as ConstraintKind].refusal } : {}),
            ...(subject ? { subject } : {}),
          },
        });
      }
    }
  }
  return cases;
}

// --- running a case ----------------------------------------------------------------------------------------

export async function runCase(p: Portal, c: MatrixCase): Promise<void> {
  if (c.op.what === 'command') await runCommand(p, c.op, c.target, c.expect);
  else await runQuery(p, c.op, c.target, c.expect);
}

function expectRefusal(
  error: { code: string; message: string },
  expectation: Exclude<Expectation, { allowed: true }>,
): void {
  expect(error.code).toBe('FORBIDDEN');
  for (const name of expectation.names) expect(error.message).toContain(name);
  if (expectation.pattern) expect(error.message).toMatch(expectation.pattern);
  if (expectation.subject) expect(error.message).toContain(expectation.subject);
}

export async function runCommand(p: Portal, op: CommandOp, t: Target, expectation: Expectation): Promise<void> {
  await op.prepare?.(p, t);
  const stream = op.stream(t);
  const headBefore = await p.h.store.headPosition();
  const streamBefore = await p.h.eventTypes(stream);
  const reply = await p.h.send(op.type, op.data(t), { actor: t.actor });
  if (expectation.allowed) {
    expect(reply).toMatchObject({ ok: true });
    if (reply.ok) await op.verify?.(p, t, reply);
    return;
  }
  expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  if (!reply.ok) expectRefusal(reply.error, expectation);
  // A refused command appends nothing: not to its own stream, not anywhere.
  expect(await p.h.store.headPosition()).toBe(headBefore);
  expect(await p.h.eventTypes(stream)).toEqual(streamBefore);
}

/** The members of the team asked about that the actor sees: their own reporting line, or whom a grant reaches. */
async function teamInView(p: Portal, t: Target): Promise<string[]> {
  const params = { managerId: t.userOutside ? 'max' : 'grace', scope: 'all' };
  const everyone = (await p.h.query<{ members: { userId: string }[] }>('MyTeam', params)).members.map(
    (member) => member.userId,
  );
  expect(everyone.length).toBeGreaterThan(0);
  return everyone
    .filter(
      (userId) =>
        userId === t.actor ||
        p.world.chain(userId).includes(t.actor) ||
        p.world.views(p.grant, t.kind, t.actor, userId),
    )
    .sort();
}

export async function runQuery(p: Portal, op: QueryOp, t: Target, expectation: Expectation): Promise<void> {
  const reply = await p.h.engine.query({ type: op.name, actor: { userId: t.actor }, params: op.params(t) });
  if (expectation.allowed && op.checkReply) return op.checkReply(p, t, reply);
  if (expectation.allowed) {
    expect(reply).toMatchObject({ ok: true });
    if (reply.ok) await op.check(p, t, reply.result);
    return;
  }
  expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  if (!reply.ok) expectRefusal(reply.error, expectation);
}
