/**
 * R28: ids that are JavaScript property names (`constructor`, `toString`, `valueOf`, reserved words) are ordinary
 * ids. Every role an id plays (org unit, user, course, group, rule, grant) is drawn from those names, and every
 * command and query runs through the embedded engine: each is answered as for any other id, the reactor finishes
 * its work, and the read models equal a rebuild from the events. (Before, a course named `constructor` made the
 * reactor throw on a plain-object lookup and wedge every rule-based assignment behind it.)
 */
import fc from 'fast-check';
import { IdSchema } from '../../domain/shared/primitives';
import { ProjectionRuntime } from '../../projections/projectionRuntime';
import { ReadModelDb } from '../../projections/readModelDb';
import { compareReadModels } from '../../projections/verifyReadModels';
import type { Harness } from '../support/engineHarness';
import { engineHarness } from '../support/engineHarness';

/** Names on Object.prototype that are valid ids, and words JavaScript gives a meaning. */
const NAMES = [
  ...Object.getOwnPropertyNames(Object.prototype),
  ...['prototype', 'length', 'name', 'arguments', 'caller', 'then', 'toJSON', 'class', 'function', 'return'],
  ...['null', 'undefined', 'NaN', 'Infinity', 'true', 'false', 'new', 'delete', 'this', 'super', 'default'],
].filter((name) => IdSchema.safeParse(name).success);

interface Roles {
  orgUnit: string;
  user: string;
  course: string;
  group: string;
  rule: string;
}

/** Runs every command and query with these ids; returns what went wrong, in sentences (empty: nothing). */
async function everythingWith(ids: Roles): Promise<string[]> {
  const problems: string[] = [];
  const h = engineHarness({ now: '2026-03-02T09:00:00.000Z' });
  const { orgUnit, user, course, group, rule } = ids;
  const commands: [string, Record<string, unknown>][] = [
    ['DefineOrgUnit', { orgUnitId: orgUnit, name: `Unit ${orgUnit}` }],
    [
      'RegisterUser',
      { userId: 'mgr', name: 'Manager', email: 'mgr@acme.test', orgUnitId: orgUnit, hireDate: '2020-01-01' },
    ],
    [
      'RegisterUser',
      {
        userId: user,
        name: `User ${user}`,
        email: `${user}@acme.test`,
        orgUnitId: orgUnit,
        managerId: 'mgr',
        hireDate: '2024-01-01',
      },
    ],
    [
      'CreateCourse',
      {
        courseId: course,
        title: `Course ${course}`,
        kind: 'course',
        provider: 'Acme',
        trainingType: 'Compliance',
        validityDays: 30,
      },
    ],
    ['CreateGroup', { groupId: group, name: `Group ${group}`, kind: 'static' }],
    ['AddGroupMember', { groupId: group, userId: user }],
    [
      'CreateAssignmentRule',
      {
        ruleId: rule,
        courseId: course,
        target: { kind: 'allUsers' },
        mode: 'dynamic',
        due: { kind: 'relative', days: 28 },
      },
    ],
    [
      'CreateAssignmentRule',
      { ruleId: `${rule}-group`, courseId: course, target: { kind: 'group', groupId: group }, mode: 'dynamic' },
    ],
    ['AssignCourse', { userIds: [user], courseIds: [course], dueDate: '2026-04-01' }],
    ['ExemptUser', { userId: user, courseId: course, ruleId: rule, reason: 'covered elsewhere' }],
    ['SaveExemptions', { userId: user, exemptions: [{ courseId: course, ruleId: rule, exempted: false }] }],
    ['ChangeDueDate', { userId: user, courseId: course, dueDate: '2026-05-01' }],
    ['StartCourse', { userId: user, courseId: course }],
    ['RecordProgress', { userId: user, courseId: course, progress: 50 }],
    ['CompleteCourse', { userId: user, courseId: course, score: 90 }],
    ['UpgradeVersion', { courseId: course }],
    ['RunScheduledTransitions', { userIds: [user] }],
    ['UnassignCourse', { userId: user, courseId: course }],
    ['RemoveGroupMember', { groupId: group, userId: user }],
    ['UpdateUserProfile', { userId: user, department: rule }],
    ['GrantPermission', { userId: user, permission: 'reports.view', grantId: rule }],
    ['RevokePermission', { userId: user, grantId: rule }],
    ['RetireAssignmentRule', { ruleId: rule }],
    ['DeactivateCourse', { courseId: course }],
    ['ActivateCourse', { courseId: course }],
    ['DeactivateUser', { userId: user }],
  ];
  for (const [type, data] of commands) {
    if (type === 'ExemptUser') problems.push(...(await sourcesHeld(h, user, course, [rule, `${rule}-group`, null])));
    const reply = await h.send(type, data);
    if (!reply.ok) problems.push(`${type} refused: ${reply.error.code} ${reply.error.message}`);
    else if (reply.warnings.some((warning) => warning.includes('could not catch up')))
      problems.push(`${type}: background work failed: ${reply.warnings.join('; ')}`);
  }
  const queries: [string, Record<string, unknown>][] = [
    ['UserDashboard', { userId: user }],
    ['UserAssignments', { userId: user }],
    ['UserExemptions', { userId: user }],
    ['MiReport', { courseId: course }],
    ['MiSummary', { groupBy: 'orgUnit', orgUnitId: orgUnit }],
    ['MyTeam', { managerId: 'mgr', scope: 'all' }],
    ['SearchUsers', { text: user }],
    ['AssignmentHistory', { userId: user }],
    ['ExplainAssignment', { userId: user, courseId: course }],
    ['VersionStatus', { courseId: course }],
  ];
  for (const [type, params] of queries) {
    const reply = await h.engine.query({ type, actor: { userId: 'root' }, params });
    if (!reply.ok) problems.push(`${type} refused: ${reply.error.code} ${reply.error.message}`);
  }
  const rebuilt = ReadModelDb.open({ file: ':memory:' });
  await new ProjectionRuntime(h.store, rebuilt).catchUp();
  const difference = compareReadModels(h.readModels, rebuilt).difference;
  if (difference) problems.push(`read models differ from a rebuild: ${JSON.stringify(difference)}`);
  return problems;
}

/** Every source the explanation lists, by rule id (null: individual); what is missing, in sentences. */
async function sourcesHeld(h: Harness, user: string, course: string, expected: (string | null)[]): Promise<string[]> {
  const reply = await h.engine.query({
    type: 'ExplainAssignment',
    actor: { userId: 'root' },
    params: { userId: user, courseId: course },
  });
  if (!reply.ok) return [`ExplainAssignment refused: ${reply.error.message}`];
  const held = (reply.result as { sources: { ruleId: string | null }[] }).sources.map((source) => source.ruleId);
  return expected
    .filter((ruleId) => !held.includes(ruleId))
    .map((ruleId) => `${user} does not hold ${course} via ${ruleId ?? 'individual'}`);
}

describe('R28: ids that are JavaScript property names are ordinary ids', () => {
  test('the names drawn from include the ones that broke plain-object lookups', () => {
    expect(NAMES).toEqual(expect.arrayContaining(['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'then']));
  });

  test.each(NAMES)(
    'R28: "%s" as every id at once: every command and query answers, reactions finish, rebuild equals live',
    async (name) => {
      expect(await everythingWith({ orgUnit: name, user: name, course: name, group: name, rule: name })).toEqual([]);
    },
  );

  test('R28: property: ids drawn from property names per role, mixed, behave like any other id', async () => {
    const id = fc.constantFrom(...NAMES);
    await fc.assert(
      fc.asyncProperty(fc.record({ orgUnit: id, user: id, course: id, group: id, rule: id }), async (ids) => {
        expect(await everythingWith(ids)).toEqual([]);
      }),
      { numRuns: 20, seed: Number(process.env.FC_SEED ?? 20261202) },
    );
  });
});
