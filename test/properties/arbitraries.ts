/**
 * Generators for the property-based tests (fast-check): random command histories on a small seeded portal, and
 * hostile input (wrong types, huge and deeply nested values, prototype-pollution keys, injection-looking text).
 *
 * Every property in this folder runs with a fixed seed (PROPERTY_SEED + the property's own offset) and a bounded
 * number of runs, so a run is deterministic and its cost is known. FC_SEED=<n> moves every property to another seed
 * (a soak with FC_RUNS_HISTORIES/FC_RUNS_HOSTILE). A failure prints `{ seed, path }` and the shrunk counterexample;
 * passing that seed and path to the property's fc.assert parameters replays exactly that case.
 */
import fc from 'fast-check';
import { ulid } from 'ulid';
import type { z } from 'zod';
import type { CommandType } from '../../domain/commands';
import { commandDataSchemas, commandTypes } from '../../domain/commands';
import type { QueryName } from '../../domain/queries';
import { queryNames, queryParamSchemas } from '../../domain/queries';
import { addDays } from '../../domain/shared/calendar';
import type { Harness } from '../support/engineHarness';
import { ADMIN } from '../support/engineHarness';

// --- seeds and budgets ---------------------------------------------------------------------------

/** The seed every property starts from (plus its offset); FC_SEED=<n> runs them all from another. */
export const PROPERTY_SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20260105;

/**
 * Runs per property, chosen so the whole folder stays well under 40 s on a 2-core CI machine. FC_RUNS_HISTORIES and
 * FC_RUNS_HOSTILE raise them for a longer soak (e.g. FC_RUNS_HISTORIES=1000 FC_SEED=7 npx jest test/properties).
 */
export const RUNS = {
  /** Generated histories per history property (each up to ~50 commands on a freshly seeded portal). */
  histories: Number(process.env.FC_RUNS_HISTORIES ?? 40),
  /** Generated hostile commands or queries per hostile-input property. */
  hostile: Number(process.env.FC_RUNS_HOSTILE ?? 250),
  /** Smaller spaces: unknown keys, transport byte payloads. */
  small: Number(process.env.FC_RUNS_HOSTILE ?? 200),
  /** Portals with injection-named users (each run seeds its own). */
  literal: 40,
};

/** Each property gets its own seed (PROPERTY_SEED + a fixed offset), so adding a property does not reshuffle the others. */
export const propertyParameters = (numRuns: number, offset: number): fc.Parameters<unknown> => ({
  seed: PROPERTY_SEED + offset,
  numRuns,
});

// --- the small seeded portal -------------------------------------------------------------------------

export const START = '2026-01-05T09:00:00.000Z';
export const START_DAY = '2026-01-05';

export const SEED_USERS = ['mgr', 'u1', 'u2', 'u3'] as const;
/** Users a history may register on the way (new starters, R18/R19). */
export const LATE_USERS = ['n1', 'n2'] as const;
export const USERS = [...SEED_USERS, ...LATE_USERS] as const;
export const COURSES = ['c-std', 'c-pub', 'c-exp', 'c-aud'] as const;
export const GROUPS = ['g-static', 'g-dyn'] as const;
export const RULES = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8'] as const;
export const ORG_UNITS = ['acme', 'eng', 'ops'] as const;
export const DEPARTMENTS = ['Engineering', 'Operations', 'Sales'] as const;
export const ZONES = [null, 'Europe/London', 'Pacific/Auckland', 'America/Los_Angeles'] as const;
/** The manager every other seeded user reports to, directly or not: My Team of `mgr` (scope all) covers them. */
export const MANAGER = 'mgr';

/**
 * Upgrade-to-latest and dynamic reassignment on in the portal (R12), three org units, four users in three time zones
 * besides the portal's UTC (so "today" differs per user near midnight) under one manager, four courses (standard,
 * Course Publisher, expiring after 30 days, visible to Engineering only), a static group with two members and a
 * dynamic group (department Engineering).
 */
export async function seedHistoryPortal(h: Harness): Promise<void> {
  await h.ok('SetAssignmentPreferences', { upgradeToLatestVersion: true, dynamicReassignment: true });
  await h.ok('DefineOrgUnit', { orgUnitId: 'acme', name: 'Acme' });
  await h.ok('DefineOrgUnit', { orgUnitId: 'eng', name: 'Engineering', parentId: 'acme' });
  await h.ok('DefineOrgUnit', { orgUnitId: 'ops', name: 'Operations', parentId: 'acme' });
  await h.ok('RegisterUser', {
    userId: 'mgr',
    name: 'Mia Manager',
    email: 'mgr@acme.test',
    orgUnitId: 'acme',
    department: 'Engineering',
    role: 'Manager',
    hireDate: '2019-04-01',
    timeZone: 'Europe/London',
  });
  await h.ok('RegisterUser', {
    userId: 'u1',
    name: 'Uma One',
    email: 'u1@acme.test',
    orgUnitId: 'eng',
    department: 'Engineering',
    role: 'Engineer',
    managerId: 'mgr',
    hireDate: '2022-02-01',
  });
  await h.ok('RegisterUser', {
    userId: 'u2',
    name: 'Udo Two',
    email: 'u2@acme.test',
    orgUnitId: 'ops',
    department: 'Operations',
    role: 'Operator',
    managerId: 'mgr',
    hireDate: '2023-06-12',
    timeZone: 'Pacific/Auckland',
  });
  await h.ok('RegisterUser', {
    userId: 'u3',
    name: 'Ulla Three',
    email: 'u3@acme.test',
    orgUnitId: 'ops',
    department: 'Sales',
    role: 'Seller',
    managerId: 'u1',
    hireDate: '2025-11-03',
    timeZone: 'America/Los_Angeles',
  });
  await h.ok('CreateCourse', {
    courseId: 'c-std',
    title: 'Fire Safety',
    kind: 'course',
    provider: 'Acme Learning',
    trainingType: 'Compliance',
  });
  await h.ok('CreateCourse', {
    courseId: 'c-pub',
    title: 'Secure Coding',
    kind: 'course',
    provider: 'Publisher',
    trainingType: 'Technical',
    versioning: 'coursePublisher',
  });
  await h.ok('CreateCourse', {
    courseId: 'c-exp',
    title: 'First Aid',
    kind: 'course',
    provider: 'Acme Learning',
    trainingType: 'Safety',
    validityDays: 30,
  });
  await h.ok('CreateCourse', {
    courseId: 'c-aud',
    title: 'Kubernetes',
    kind: 'learningPath',
    provider: 'Acme Learning',
    trainingType: 'Technical',
    visibility: { kind: 'audience', criteria: { kind: 'attribute', attribute: 'department', in: ['Engineering'] } },
  });
  await h.ok('CreateGroup', { groupId: 'g-static', name: 'Fire Wardens', kind: 'static' });
  await h.ok('AddGroupMember', { groupId: 'g-static', userIds: ['u2', 'u3'] });
  await h.ok('CreateGroup', {
    groupId: 'g-dyn',
    name: 'Engineers',
    kind: 'dynamic',
    criteria: { kind: 'attribute', attribute: 'department', in: ['Engineering'] },
  });
}

// --- histories ---------------------------------------------------------------------------------------

export type Step =
  | { kind: 'command'; type: CommandType; data: Record<string, unknown>; actor: string }
  /** Moves the clock forward by whole hours (crossing midnight in some zones and not in others). */
  | { kind: 'advance'; hours: number }
  /** Sends an earlier command of the run again, same commandId (R21). */
  | { kind: 'redeliver'; back: number };

/** Seeded users mostly; a late user (registered only if the history did) now and then. */
const user = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<string>(...SEED_USERS) },
  { weight: 1, arbitrary: fc.constantFrom<string>(...LATE_USERS) },
);
/** Mostly known ids; now and then one that does not exist (NOT_FOUND must append nothing). */
const userOrGhost = fc.oneof({ weight: 15, arbitrary: user }, { weight: 1, arbitrary: fc.constant('ghost') });
const course = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<string>('c-std', 'c-pub', 'c-exp') },
  { weight: 1, arbitrary: fc.constant('c-aud') },
);
const courseOrGhost = fc.oneof({ weight: 15, arbitrary: course }, { weight: 1, arbitrary: fc.constant('c-none') });
const rule = fc.constantFrom<string>(...RULES);
/** Membership changes go to the static group; the dynamic one refuses them (its members follow its criteria). */
const group = fc.oneof(
  { weight: 8, arbitrary: fc.constant('g-static') },
  { weight: 1, arbitrary: fc.constant('g-dyn') },
);
/**
 * A course the user holds at the time the step runs (the runner resolves it from the user's training). `prefer`
 * narrows the choice, when the user holds such assignments: `exemptable` (rule sources only, not all exempt yet),
 * `hidden` (every source exempt; else any with an exempt source).
 */
export interface CoursePick {
  $pick: number;
  prefer: 'any' | 'exemptable' | 'hidden';
}
const held = (prefer: CoursePick['prefer']) =>
  fc.integer({ min: 0, max: 11 }).map((n): CoursePick => ({ $pick: n, prefer }));
/** Mostly a course the user holds; sometimes any course (which they may not hold: NOT_FOUND). */
const heldCourse = (prefer: CoursePick['prefer']) =>
  fc.oneof(
    { weight: 5, arbitrary: held(prefer) },
    { weight: 1, arbitrary: courseOrGhost as fc.Arbitrary<string | CoursePick> },
  );

/** Exemptions mostly name no rule (every rule source of the assignment); sometimes one rule, which may not be a source. */
const exemptionRule = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: rule });
const day = (min: number, max: number) => fc.integer({ min, max }).map((offset) => addDays(START_DAY, offset));
const reason = fc.constantFrom(
  'on a support plan',
  'covered by an external certificate',
  'long-term leave',
  "contractor'; DROP TABLE events; --",
);

const dueRule = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('relative'), days: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fixed'), date: day(-20, 90) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' }) },
);
const target = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('group'), groupId: fc.constantFrom<string>(...GROUPS) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'allUsers' }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'newStarters' }) },
);

/** Only the keys whose value is defined: optional fields are sometimes left out. */
const compact = (record: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const command = (
  type: CommandType,
  data: fc.Arbitrary<Record<string, unknown>>,
  actor: fc.Arbitrary<string> = fc.constant(ADMIN),
): fc.Arbitrary<Step> =>
  fc
    .record({ type: fc.constant(type), data: data.map(compact), actor })
    .map((step) => ({ kind: 'command' as const, ...step }));

/** A learner acting on their own training (self-service), an admin, or someone without permissions (FORBIDDEN). */
const progressActor = (userId: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(ADMIN) },
    { weight: 2, arbitrary: fc.constant(userId) },
    { weight: 1, arbitrary: user },
  );

const progressCommand = (type: 'StartCourse' | 'RecordProgress' | 'CompleteCourse') =>
  fc.tuple(userOrGhost, heldCourse('any')).chain(([userId, courseId]) => {
    const extra: Record<string, fc.Arbitrary<unknown>> = type === 'RecordProgress'
      ? { progress: fc.integer({ min: 0, max: 100 }) }
      : type === 'CompleteCourse'
        ? {
            score: optional(fc.integer({ min: 0, max: 100 })),
            completedOn: fc.oneof(
              { weight: 5, arbitrary: fc.constant(undefined) },
              { weight: 1, arbitrary: day(-30, 200) },
            ),
          }
        : {};
    return command(
      type,
      fc.record({ userId: fc.constant(userId), courseId: fc.constant(courseId), ...extra }),
      progressActor(userId),
    );
  });

const tick = fc.oneof(
  fc.record({ courseId: heldCourse('exemptable'), ruleId: exemptionRule, exempted: fc.constant(true), reason }),
  fc.record({ courseId: heldCourse('hidden'), ruleId: exemptionRule, exempted: fc.constant(false) }),
);

/**
 * Rules as an admin would make them: allUsers and newStarters rules are dynamic (R18, R19); the dynamic-only flags are
 * set on dynamic rules only. Now and then a refused one (a standard mandatory rule, an unknown course).
 */
const createRule: fc.Arbitrary<Step> = fc
  .record({
    ruleId: rule,
    courseId: courseOrGhost,
    target,
    standard: fc.boolean(),
    due: optional(dueRule),
    dynamicReassignment: optional(fc.boolean()),
    upgradeToLatestVersion: optional(fc.boolean()),
    odd: fc.integer({ min: 0, max: 19 }),
  })
  .map(({ standard, odd, dynamicReassignment, upgradeToLatestVersion, ...data }): Step => {
    const mode = odd === 0 ? 'standard' : standard && data.target.kind === 'group' ? 'standard' : 'dynamic';
    const flags = mode === 'dynamic' ? { dynamicReassignment, upgradeToLatestVersion } : {};
    return { kind: 'command', type: 'CreateAssignmentRule', data: compact({ ...data, mode, ...flags }), actor: ADMIN };
  });

/** One step of a history: the commands of DESIGN.md section 4 that move assignments, weighted towards the interesting ones. */
export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: command(
      'AssignCourse',
      fc.record({
        userIds: fc.uniqueArray(userOrGhost, { minLength: 1, maxLength: 3 }),
        courseIds: fc.uniqueArray(courseOrGhost, { minLength: 1, maxLength: 2 }),
        dueDate: optional(day(-10, 60)),
      }),
    ),
  },
  { weight: 3, arbitrary: command('UnassignCourse', fc.record({ userId: userOrGhost, courseId: heldCourse('any') })) },
  { weight: 4, arbitrary: createRule },
  { weight: 1, arbitrary: command('UpdateAssignmentRule', fc.record({ ruleId: rule, due: dueRule })) },
  { weight: 2, arbitrary: command('RetireAssignmentRule', fc.record({ ruleId: rule })) },
  {
    weight: 6,
    arbitrary: command(
      'ExemptUser',
      fc.record({
        userId: userOrGhost,
        courseId: heldCourse('exemptable'),
        ruleId: exemptionRule,
        reason,
        // R6: now and then an end date, some already past by the time it is sent (refused), some lapsing later.
        until: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: day(-2, 40) }),
      }),
    ),
  },
  {
    // R6, R16: many users exempted from a course's rule in one command, each on their own.
    weight: 2,
    arbitrary: command(
      'ExemptUser',
      fc.record({
        userIds: fc.uniqueArray(userOrGhost, { minLength: 1, maxLength: 3 }),
        courseId: course,
        ruleId: exemptionRule,
        reason,
        until: optional(day(1, 40)),
      }),
    ),
  },
  {
    weight: 6,
    arbitrary: command(
      'RemoveExemption',
      fc.record({ userId: userOrGhost, courseId: heldCourse('hidden'), ruleId: exemptionRule }),
    ),
  },
  {
    weight: 2,
    arbitrary: command(
      'SaveExemptions',
      fc.record({ userId: userOrGhost, exemptions: fc.array(tick, { minLength: 1, maxLength: 3 }) }),
    ),
  },
  { weight: 4, arbitrary: progressCommand('StartCourse') },
  { weight: 3, arbitrary: progressCommand('RecordProgress') },
  { weight: 3, arbitrary: progressCommand('CompleteCourse') },
  { weight: 3, arbitrary: command('UpgradeVersion', fc.record({ courseId: courseOrGhost })) },
  {
    weight: 4,
    arbitrary: command(
      'AddGroupMember',
      fc.record({ groupId: group, userIds: fc.uniqueArray(userOrGhost, { minLength: 1, maxLength: 2 }) }),
    ),
  },
  { weight: 3, arbitrary: command('RemoveGroupMember', fc.record({ groupId: group, userId: userOrGhost })) },
  {
    weight: 3,
    arbitrary: command(
      'UpdateUserProfile',
      fc
        .record({
          userId: userOrGhost,
          department: optional(fc.constantFrom<string | null>(...DEPARTMENTS, null)),
          timeZone: optional(fc.constantFrom<string | null>(...ZONES)),
          orgUnitId: optional(fc.constantFrom<string>(...ORG_UNITS)),
          // A rename moves the user in every list by name (the Assignment Summary's holders).
          name: optional(fc.constantFrom('Aaron Renamed', 'Zoe Renamed')),
        })
        .filter(
          (data) =>
            data.department !== undefined ||
            data.timeZone !== undefined ||
            data.orgUnitId !== undefined ||
            data.name !== undefined,
        ),
    ),
  },
  {
    weight: 1,
    arbitrary: command('DeactivateUser', fc.record({ userId: fc.constantFrom<string>('u1', 'u2', 'u3', 'n1', 'n2') })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<string>(...LATE_USERS).chain((userId) =>
      command(
        'RegisterUser',
        fc.record({
          userId: fc.constant(userId),
          name: fc.constant(`New ${userId}`),
          email: fc.constant(`${userId}@acme.test`),
          orgUnitId: fc.constantFrom<string>(...ORG_UNITS),
          department: fc.constantFrom<string | null>(...DEPARTMENTS, null),
          managerId: fc.constantFrom<string | null>('mgr', 'u1', null),
          hireDate: day(-10, 5),
          timeZone: fc.constantFrom<string | null>(...ZONES),
        }),
      ),
    ),
  },
  {
    weight: 1,
    arbitrary: command(
      'ChangeDueDate',
      fc.record({ userId: userOrGhost, courseId: heldCourse('any'), dueDate: fc.option(day(-5, 60), { nil: null }) }),
    ),
  },
  {
    weight: 1,
    arbitrary: command(
      'SetAssignmentPreferences',
      fc.record({
        dueDatePolicy: optional(fc.constantFrom('earliest', 'latest')),
        dynamicReassignment: optional(fc.boolean()),
        upgradeToLatestVersion: optional(fc.boolean()),
      }),
    ),
  },
  { weight: 1, arbitrary: command('DeactivateCourse', fc.record({ courseId: course })) },
  { weight: 1, arbitrary: command('ActivateCourse', fc.record({ courseId: course })) },
  { weight: 1, arbitrary: command('RunScheduledTransitions', fc.constant({})) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 24 * 40 }).map((hours): Step => ({ kind: 'advance', hours })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20 }).map((back): Step => ({ kind: 'redeliver', back })) },
);

/** R9's story: exempt a user from an assignment, let time pass, reinstate it (the same course, now hidden). */
const exemptThenReinstate: fc.Arbitrary<Step[]> = fc
  .record({
    userId: fc.constantFrom<string>(...SEED_USERS),
    pick: fc.integer({ min: 0, max: 11 }),
    hours: fc.integer({ min: 0, max: 24 * 30 }),
    reason,
    ruleId: exemptionRule,
  })
  .map(({ userId, pick, hours, reason, ruleId }) => [
    {
      kind: 'command',
      type: 'ExemptUser',
      data: compact({ userId, courseId: { $pick: pick, prefer: 'exemptable' }, reason }),
      actor: ADMIN,
    },
    { kind: 'advance', hours },
    {
      kind: 'command',
      type: 'RemoveExemption',
      data: compact({ userId, courseId: { $pick: pick, prefer: 'hidden' }, ruleId }),
      actor: ADMIN,
    },
  ]);

const send = (type: CommandType, data: Record<string, unknown>, actor: string = ADMIN): Step => ({
  kind: 'command',
  type,
  data: compact(data),
  actor,
});

/** R13's story: a user registers, the course is upgraded, then they progress or complete (and must keep their version). */
const registerThenUpgrade: fc.Arbitrary<Step[]> = fc
  .record({
    userId: fc.constantFrom<string>(...SEED_USERS),
    courseId: course,
    finish: fc.constantFrom<CommandType>('RecordProgress', 'CompleteCourse', 'StartCourse'),
  })
  .map(({ userId, courseId, finish }) => [
    send('AssignCourse', { userIds: [userId], courseIds: [courseId] }),
    send('StartCourse', { userId, courseId }, userId),
    send('UpgradeVersion', { courseId }),
    send(finish, { userId, courseId, ...(finish === 'RecordProgress' ? { progress: 70 } : {}) }),
  ]);

/** A rule flag mostly left to the portal preference (R12: on in the seeded portal), sometimes set either way. */
const mostlyDefault = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.boolean() },
);

/**
 * R11/R14's story: a dynamic group rule, a member who may register, leaves the group, the course is upgraded, and
 * the member comes back (reassigned in the status they had, on the version R14 gives).
 */
const leaveUpgradeRejoin: fc.Arbitrary<Step[]> = fc
  .record({
    ruleId: rule,
    userId: fc.constantFrom<string>('mgr', 'u1', 'u2', 'u3'),
    courseId: course,
    register: fc.boolean(),
    dynamicReassignment: mostlyDefault,
    upgradeToLatestVersion: mostlyDefault,
    hours: fc.integer({ min: 0, max: 24 * 60 }),
  })
  .map(({ ruleId, userId, courseId, register, dynamicReassignment, upgradeToLatestVersion, hours }) => [
    send('CreateAssignmentRule', {
      ruleId,
      courseId,
      target: { kind: 'group', groupId: 'g-static' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 14 },
      dynamicReassignment,
      upgradeToLatestVersion,
    }),
    send('AddGroupMember', { groupId: 'g-static', userIds: [userId] }),
    ...(register ? [send('StartCourse', { userId, courseId }, userId)] : []),
    send('RemoveGroupMember', { groupId: 'g-static', userId }),
    send('UpgradeVersion', { courseId }),
    { kind: 'advance', hours },
    send('AddGroupMember', { groupId: 'g-static', userIds: [userId] }),
  ]);

/**
 * R10/R11 with two dynamic rules on the same course and group, each with its own reassignment flag: a member leaves and
 * comes back (whether each rule gives its source back must not depend on which rule was created first).
 */
const twoRulesLeaveRejoin: fc.Arbitrary<Step[]> = fc
  .record({
    rules: fc.uniqueArray(rule, { minLength: 2, maxLength: 2 }),
    flags: fc.tuple(fc.boolean(), fc.boolean()),
    userId: fc.constantFrom<string>('mgr', 'u1'),
    courseId: course,
  })
  .map(({ rules, flags, userId, courseId }) => [
    ...rules.map((ruleId, i) =>
      send('CreateAssignmentRule', {
        ruleId,
        courseId,
        target: { kind: 'group', groupId: 'g-static' },
        mode: 'dynamic',
        dynamicReassignment: flags[i],
      }),
    ),
    send('AddGroupMember', { groupId: 'g-static', userIds: [userId] }),
    send('RemoveGroupMember', { groupId: 'g-static', userId }),
    send('AddGroupMember', { groupId: 'g-static', userIds: [userId] }),
  ]);

/**
 * A history: a few rules and individual assignments first (so later steps find assignments to exempt, start,
 * complete and remove), then random steps and the stories above (about 28 steps on average, at most about 50).
 */
export const historyArb: fc.Arbitrary<Step[]> = fc
  .tuple(
    fc.array(createRule, { minLength: 1, maxLength: 4 }),
    fc.array(
      command(
        'AssignCourse',
        fc.record({
          userIds: fc.uniqueArray(user, { minLength: 1, maxLength: 3 }),
          courseIds: fc.uniqueArray(course, { minLength: 1, maxLength: 2 }),
          dueDate: optional(day(-10, 60)),
        }),
      ),
      { maxLength: 2 },
    ),
    fc.array(
      fc.oneof(
        { weight: 12, arbitrary: stepArb.map((step) => [step]) },
        { weight: 1, arbitrary: exemptThenReinstate },
        { weight: 1, arbitrary: registerThenUpgrade },
        { weight: 2, arbitrary: leaveUpgradeRejoin },
        { weight: 1, arbitrary: twoRulesLeaveRejoin },
      ),
      { minLength: 1, maxLength: 30, size: 'max' },
    ),
  )
  .map(([rules, assignments, steps]) => [...rules, ...assignments, ...steps.flat()]);

/** A compact, readable form of a step for counterexample reports. */
export function describeStep(step: Step): string {
  if (step.kind === 'advance') return `advance ${step.hours}h`;
  if (step.kind === 'redeliver') return `redeliver the command ${step.back} back`;
  return `${step.type} ${JSON.stringify(step.data)}${step.actor === ADMIN ? '' : ` as ${step.actor}`}`;
}

// --- hostile input -----------------------------------------------------------------------------------

export const INJECTIONS = [
  "'; DROP TABLE events; --",
  "Robert'); DROP TABLE users;--",
  '" OR 1=1 --',
  "' OR '1'='1",
  '1; DELETE FROM assignments',
  '$(rm -rf /)',
  '`rm -rf /`',
  '../../etc/passwd',
  '..\\..\\windows\\system32',
  '%00',
  'a\u0000b',
  '\u0000',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${process.exit(1)}',
  '%s%s%s%n',
  '100% _wild_ \\ card',
  'Zoë Ünïcødé 日本語 🙂',
  '\u202Eevil\u202C',
  '\uD800',
  '   ',
  '',
] as const;

export const injectionText = fc.constantFrom<string>(...INJECTIONS);

/** Well-formed UTF-16: no lone surrogate (String.prototype.isWellFormed, which ES2022 typings lack). */
export const isWellFormed = (text: string): boolean =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

/** Random bytes decoded as text (what a transport that skipped validation would pass on). */
export const randomBytesText = fc
  .uint8Array({ minLength: 1, maxLength: 64 })
  .map((bytes) => Buffer.from(bytes).toString('latin1'));

let megabyte: string | undefined;
/** A 1 MB string: over every string limit of every schema (the largest is 4000 characters). */
export function hugeString(): string {
  megabyte ??= 'x'.repeat(1024 * 1024);
  return megabyte;
}

/** JSON nested `depth` levels, as objects (`{"a":{"a":...}}`), arrays (`[[...]]`) or criteria-shaped (`{"kind":"not","of":...}`). */
export function deeplyNested(depth: number, shape: 'object' | 'array' | 'criteria'): unknown {
  let value: unknown =
    shape === 'criteria' ? { kind: 'attribute', attribute: 'department', in: ['Engineering'] } : 'deep';
  for (let i = 0; i < depth; i++)
    value = shape === 'object' ? { a: value } : shape === 'array' ? [value] : { kind: 'not', of: value };
  return value;
}

/** Objects whose own keys are the classic prototype-pollution keys (as JSON.parse produces them). */
export function pollutionPayloads(): unknown[] {
  return [
    JSON.parse('{"__proto__": {"polluted": "yes"}}') as unknown,
    JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}') as unknown,
    JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": {"polluted": "yes"}}',
    ) as unknown,
  ];
}

/** The kinds of value no field of any command or query accepts. */
export const CERTAINLY_INVALID_KINDS = [
  '1 MB string',
  '2,000-deep object',
  '2,000-deep array',
  '2,000-deep criteria',
  '__proto__ payload',
  'constructor payload',
  '__proto__ + constructor + prototype payload',
  'function',
  'symbol',
  'bigint',
] as const;
export type CertainlyInvalidKind = (typeof CERTAINLY_INVALID_KINDS)[number];

export function certainlyInvalid(kind: CertainlyInvalidKind): unknown {
  switch (kind) {
    case '1 MB string':
      return hugeString();
    case '2,000-deep object':
      return deeplyNested(2000, 'object');
    case '2,000-deep array':
      return deeplyNested(2000, 'array');
    case '2,000-deep criteria':
      return deeplyNested(2000, 'criteria');
    case '__proto__ payload':
      return pollutionPayloads()[0];
    case 'constructor payload':
      return pollutionPayloads()[1];
    case '__proto__ + constructor + prototype payload':
      return pollutionPayloads()[2];
    case 'function':
      return () => 'a function';
    case 'symbol':
      return Symbol('hostile');
    case 'bigint':
      return 12345678901234567890n;
  }
}

/**
 * Values no field of any command or query accepts: a 1 MB string (every string limit is 4,000 characters or less),
 * JSON nested 2,000 levels, objects carrying `__proto__`/`constructor` keys, functions, symbols and bigints.
 * (Class instances such as Map or Date are not here: zod reads them as an empty object, which an all-optional
 * object accepts; they are among the confused values, judged by the schema.)
 */
export const certainlyInvalidValue: fc.Arbitrary<unknown> = fc
  .constantFrom<CertainlyInvalidKind>(...CERTAINLY_INVALID_KINDS)
  .map(certainlyInvalid);

/**
 * Wrong types and edge values for a field: whether the field accepts one depends on the field (null is fine for a
 * nullable field, an injection-looking string is a fine name), so the schema is the oracle for these.
 */
export const confusedValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    undefined,
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    -0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    ' ',
    '0',
    'true',
    'null',
    [],
    {},
    [null],
    ['x'],
    { kind: 'allUsers' },
    { kind: 'none' },
    { kind: 'relative', days: -1 },
  ),
  fc.constantFrom<unknown>(new Map([['kind', 'allUsers']]), /.*/, new Date(Number.NaN), new Uint8Array([1, 2, 3])),
  injectionText,
  injectionText.map((text) => [text]),
  randomBytesText,
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'kind', 'toString', 'valueOf'),
    fc.jsonValue({ maxDepth: 1 }),
    { minKeys: 1, maxKeys: 3 },
  ),
);

// --- what each command and query looks like ------------------------------------------------------

/** The object schema behind a command's data schema (unwrapping the transforms some add). */
export function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  let current: unknown = schema;
  for (let i = 0; i < 5; i++) {
    const candidate = current as { shape?: Record<string, z.ZodType>; _zod?: { def?: { in?: unknown } } };
    if (candidate.shape) return candidate.shape;
    current = candidate._zod?.def?.in;
  }
  throw new Error('no object shape found');
}

export const commandFields: Record<CommandType, string[]> = Object.fromEntries(
  commandTypes.map((type) => [type, Object.keys(shapeOf(commandDataSchemas[type]))]),
) as Record<CommandType, string[]>;
export const queryFields: Record<QueryName, string[]> = Object.fromEntries(
  queryNames.map((name) => [name, Object.keys(shapeOf(queryParamSchemas[name]))]),
) as Record<QueryName, string[]>;

/**
 * A valid data object for every command type, on the hostile-input portal (seedHostilePortal): the base into which
 * one hostile field is planted, so the only fault in the command is the hostile one.
 */
export const VALID_COMMAND_DATA: Record<CommandType, Record<string, unknown>> = {
  SetAssignmentPreferences: {
    dueDatePolicy: 'latest',
    dynamicReassignment: true,
    upgradeToLatestVersion: true,
    notifyOnAssign: false,
    timeZone: 'Europe/London',
  },
  DefineOrgUnit: { orgUnitId: 'ou-new', name: 'New unit', parentId: 'acme' },
  RegisterUser: {
    userId: 'new-user',
    name: 'New User',
    email: 'new.user@acme.test',
    orgUnitId: 'acme',
    department: 'Engineering',
    role: 'Engineer',
    location: 'Leeds',
    managerId: 'mgr',
    hireDate: '2026-01-05',
    timeZone: 'Europe/London',
  },
  UpdateUserProfile: {
    userId: 'u1',
    name: 'Uma Renamed',
    email: 'uma@acme.test',
    orgUnitId: 'acme',
    department: 'Operations',
    role: 'Lead',
    location: 'York',
    managerId: 'mgr',
    hireDate: '2022-02-02',
    timeZone: 'Pacific/Auckland',
  },
  DeactivateUser: { userId: 'u2' },
  CreateCourse: {
    courseId: 'c-new',
    title: 'New course',
    kind: 'course',
    provider: 'Acme Learning',
    trainingType: 'Compliance',
    versioning: 'standard',
    validityDays: 365,
    visibility: { kind: 'everyone' },
    location: 'Leeds',
  },
  UpgradeVersion: { courseId: 'c-std', notes: 'new content' },
  DeactivateCourse: { courseId: 'c-std' },
  ActivateCourse: { courseId: 'c-std' },
  CreateGroup: {
    groupId: 'g-new',
    name: 'New group',
    kind: 'dynamic',
    criteria: { kind: 'attribute', attribute: 'department', in: ['Engineering'] },
  },
  AddGroupMember: { groupId: 'g-static', userId: 'u1' },
  RemoveGroupMember: { groupId: 'g-static', userId: 'mgr' },
  CreateAssignmentRule: {
    ruleId: 'r-new',
    name: 'New rule',
    courseId: 'c-std',
    target: { kind: 'allUsers' },
    mode: 'dynamic',
    due: { kind: 'relative', days: 28 },
    dynamicReassignment: true,
    upgradeToLatestVersion: false,
    required: true,
  },
  UpdateAssignmentRule: {
    ruleId: 'r-all',
    name: 'Renamed',
    due: { kind: 'fixed', date: '2026-03-01' },
    dynamicReassignment: false,
    upgradeToLatestVersion: false,
    required: false,
  },
  RetireAssignmentRule: { ruleId: 'r-all' },
  AssignCourse: { userIds: ['u1'], courseIds: ['c-std'], dueDate: '2026-02-01', required: true },
  UnassignCourse: { userId: 'u1', courseId: 'c-std' },
  ChangeDueDate: { userId: 'u1', courseId: 'c-std', dueDate: '2026-03-01' },
  ExemptUser: { userId: 'u1', courseId: 'c-std', ruleId: 'r-all', reason: 'on a support plan' },
  RemoveExemption: { userId: 'u1', courseId: 'c-std', ruleId: 'r-all' },
  SaveExemptions: {
    userId: 'u1',
    exemptions: [{ courseId: 'c-std', ruleId: 'r-all', exempted: true, reason: 'on a support plan' }],
  },
  StartCourse: { userId: 'u1', courseId: 'c-std' },
  RecordProgress: { userId: 'u1', courseId: 'c-std', progress: 50 },
  CompleteCourse: { userId: 'u1', courseId: 'c-std', completedOn: '2026-01-05', score: 90 },
  RunScheduledTransitions: { userIds: ['u1'] },
  CorrectCompletion: {
    userId: 'u1',
    courseId: 'c-std',
    completedOn: '2026-01-04',
    score: 85,
    reason: 'the paper record says the 4th',
  },
  RevokeCompletion: { userId: 'u1', courseId: 'c-std', reason: 'recorded for the wrong user' },
  ExtendDueDates: { target: { ruleId: 'r-all' }, courseId: 'c-std', by: { days: 14 }, reason: 'the LMS was down' },
  GrantPermission: {
    userId: 'u1',
    permission: 'reports.view',
    constraints: { orgUnitIds: ['eng'] },
    grantId: 'grant-1',
  },
  RevokePermission: { userId: 'u1', permission: 'reports.view' },
};

export const VALID_QUERY_PARAMS: Record<QueryName, Record<string, unknown>> = {
  UserDashboard: { userId: 'u1' },
  UserAssignments: { userId: 'u1' },
  UserExemptions: { userId: 'u1' },
  MiReport: {
    courseId: 'c-std',
    orgUnitId: 'acme',
    department: 'Engineering',
    status: 'notStarted',
    overdue: false,
    limit: 10,
    offset: 0,
  },
  MiSummary: { groupBy: 'department', courseId: 'c-std', orgUnitId: 'acme' },
  MyTeam: { managerId: 'mgr', scope: 'all' },
  SearchUsers: { text: 'Uma', department: 'Engineering', role: 'Engineer', status: 'active', limit: 5 },
  AssignmentHistory: { userId: 'u1', asOf: '2026-01-05T10:00:00Z', knownAt: '2026-01-05T11:00:00Z' },
  ExplainAssignment: { userId: 'u1', courseId: 'c-std', asOf: '2026-01-05', knownAt: '2026-01-05T11:00:00Z' },
  VersionStatus: { courseId: 'c-std' },
  CommandOutcome: { commandId: '01kbg00000aaaaaaaaaaaaaaa2', outcome: 'failed', limit: 10, offset: 0 },
  AssignmentRules: { courseId: 'c-std', includeRetired: true },
  AssignmentSummary: { ruleId: 'r-all', limit: 10, offset: 0 },
  Groups: {},
  GroupMembers: { groupId: 'g-static', limit: 10, offset: 0 },
  Courses: { includeInactive: false },
  UserProfile: { userId: 'u1' },
};

/** The portal the hostile-input properties run on: enough for every VALID_COMMAND_DATA to be meaningful. */
export async function seedHostilePortal(h: Harness): Promise<void> {
  // Its command id is the one VALID_QUERY_PARAMS.CommandOutcome asks about (in lower case: ids compare case-insensitively).
  await h.ok('DefineOrgUnit', { orgUnitId: 'acme', name: 'Acme' }, { commandId: '01KBG00000AAAAAAAAAAAAAAA2' });
  await h.ok('DefineOrgUnit', { orgUnitId: 'eng', name: 'Engineering', parentId: 'acme' });
  await h.ok('RegisterUser', {
    userId: 'mgr',
    name: 'Mia Manager',
    email: 'mgr@acme.test',
    orgUnitId: 'acme',
    department: 'Engineering',
    hireDate: '2019-04-01',
  });
  await h.ok('RegisterUser', {
    userId: 'u1',
    name: 'Uma One',
    email: 'u1@acme.test',
    orgUnitId: 'eng',
    department: 'Engineering',
    role: 'Engineer',
    managerId: 'mgr',
    hireDate: '2022-02-01',
  });
  await h.ok('RegisterUser', {
    userId: 'u2',
    name: 'Udo Two',
    email: 'u2@acme.test',
    orgUnitId: 'eng',
    department: 'Operations',
    managerId: 'mgr',
    hireDate: '2023-06-12',
  });
  await h.ok('CreateCourse', {
    courseId: 'c-std',
    title: 'Fire Safety',
    kind: 'course',
    provider: 'Acme Learning',
    trainingType: 'Compliance',
  });
  await h.ok('CreateGroup', { groupId: 'g-static', name: 'Fire Wardens', kind: 'static' });
  await h.ok('AddGroupMember', { groupId: 'g-static', userId: 'mgr' });
  await h.ok('CreateAssignmentRule', {
    ruleId: 'r-all',
    courseId: 'c-std',
    target: { kind: 'allUsers' },
    mode: 'dynamic',
    due: { kind: 'relative', days: 28 },
  });
}

/** A fresh ULID per generated command: a hostile command must not be mistaken for a redelivery. */
export const freshCommandId = (): string => ulid();

export const commandTypeArb = fc.constantFrom<CommandType>(...commandTypes);
export const queryNameArb = fc.constantFrom<QueryName>(...queryNames);
