import type { AssignmentRulesResult, AssignmentSummaryResult } from '../../domain/queryResults/assignmentRuleResults';
import { AssignmentSummaryResultSchema } from '../../domain/queryResults/assignmentRuleResults';
import type { CoursesResult } from '../../domain/queryResults/courseResults';
import { CoursesResultSchema } from '../../domain/queryResults/courseResults';
import type { GroupMembersResult, GroupsResult } from '../../domain/queryResults/groupResults';
import { GroupMembersResultSchema, GroupsResultSchema } from '../../domain/queryResults/groupResults';
import type { UserProfileResult } from '../../domain/queryResults/userProfileResult';
import { UserProfileResultSchema } from '../../domain/queryResults/userProfileResult';
import type { Harness } from '../support/engineHarness';
import { engineHarness } from '../support/engineHarness';

/**
 * Issue #16 item 1: what an administrator sees of assignments themselves: rules with their audience and progress
 * (the dynamic-reassignment seed's Assignment Summary page), groups and members, courses and versions, and the
 * individual-assignment seed's profile drawer. Each filtered by the asking actor's grants (R17).
 */

/**
 * Given: the small portal; rita (eng) may assign without constraint; grace may view eng only. Group engineering holds
 * ada (platform, under eng) and sam (sales). The bootstrap administrator's rule r-board and rita's rule r-rita both
 * target it.
 */
async function portal(): Promise<Harness> {
  const h = engineHarness({ now: '2026-01-05T09:00:00.000Z' });
  await h.seedPortal();
  await h.ok('RegisterUser', {
    userId: 'rita',
    name: 'Rita',
    email: 'rita@acme.test',
    orgUnitId: 'eng',
    hireDate: '2020-01-01',
  });
  await h.ok('GrantPermission', { userId: 'rita', permission: 'assignment.dynamic', constraints: {} });
  await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada', 'sam'] });
  await h.ok('CreateAssignmentRule', {
    ruleId: 'r-board',
    name: 'Board mandate',
    courseId: 'fire-safety',
    target: { kind: 'group', groupId: 'engineering' },
    mode: 'standard',
    due: { kind: 'relative', days: 10 },
  });
  await h.ok(
    'CreateAssignmentRule',
    {
      ruleId: 'r-rita',
      name: 'Rita security push',
      courseId: 'security',
      target: { kind: 'group', groupId: 'engineering' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 20 },
      dynamicReassignment: true,
      upgradeToLatestVersion: false,
    },
    { actor: 'rita' },
  );
  await h.ok('GrantPermission', { userId: 'grace', permission: 'reports.view', constraints: { orgUnitIds: ['eng'] } });
  return h;
}

async function refusal(h: Harness, type: string, params: Record<string, unknown>, actor: string) {
  const reply = await h.engine.query({ type, actor: { userId: actor }, params });
  if (reply.ok) throw new Error(`${type} answered where it should refuse`);
  return reply.error;
}

describe('AssignmentRules and AssignmentSummary: the Assignment Summary page', () => {
  test('R17: a constrained admin sees only the rules created by users within their scope; the bootstrap administrator sees every rule', async () => {
    const h = await portal();
    const asGrace = await h.query<AssignmentRulesResult>('AssignmentRules', {}, 'grace');
    expect(asGrace.map((rule) => rule.ruleId)).toEqual(['r-rita']);
    expect(JSON.stringify(asGrace)).not.toMatch(/r-board|Board mandate/);
    // Counts cover the users grace may view: ada; sam (sales) is counted only as outside her scope.
    expect(asGrace[0]).toMatchObject({ audienceSize: 2, outsideScope: 1, counts: { notStarted: 1 } });
    const all = await h.query<AssignmentRulesResult>('AssignmentRules', {});
    expect(all.map((rule) => rule.ruleId)).toEqual(['r-board', 'r-rita']);
    expect(all[1]).toMatchObject({ audienceSize: 2, outsideScope: 0, counts: { notStarted: 2 } });
  });

  test('R17: AssignmentSummary of a rule created outside the scope is FORBIDDEN without its name; inside, users outside the scope are counted, never listed', async () => {
    const h = await portal();
    const error = await refusal(h, 'AssignmentSummary', { ruleId: 'r-board' }, 'grace');
    expect(error.code).toBe('FORBIDDEN');
    expect(JSON.stringify(error)).not.toMatch(/Board mandate|Engineering/);
    const summary = await h.query<AssignmentSummaryResult>('AssignmentSummary', { ruleId: 'r-rita' }, 'grace');
    expect(summary.users.rows.map((row) => row.userId)).toEqual(['ada']);
    expect(summary.users.total).toBe(1);
    expect(summary.rule.outsideScope).toBe(1);
    // Without any viewing permission nothing is said about which rules exist.
    expect((await refusal(h, 'AssignmentSummary', { ruleId: 'no-such-rule' }, 'sam')).code).toBe('FORBIDDEN');
    expect((await refusal(h, 'AssignmentSummary', { ruleId: 'no-such-rule' }, 'grace')).code).toBe('NOT_FOUND');
  });

  test('R10, R11, R12: AssignmentSummary shows the rule settings the seed lists (mode, due rule, dynamic reassignment, upgrade to latest) and its audience', async () => {
    const h = await portal();
    const summary = await h.query<AssignmentSummaryResult>('AssignmentSummary', { ruleId: 'r-rita' });
    expect(AssignmentSummaryResultSchema.parse(summary)).toEqual(summary);
    expect(summary.rule).toMatchObject({
      name: 'Rita security push',
      courseId: 'security',
      courseTitle: 'Security Awareness',
      target: { kind: 'group', groupId: 'engineering' },
      targetLabel: 'Group: Engineering',
      mode: 'dynamic',
      due: { kind: 'relative', days: 20 },
      dynamicReassignment: true,
      upgradeToLatestVersion: false,
      createdBy: 'rita',
      createdByName: 'Rita',
      retired: false,
    });
    expect(summary.matchingNow).toBe(2);
    expect(summary.users.rows).toEqual([
      expect.objectContaining({ userId: 'ada', name: 'Ada Lovelace', status: 'notStarted', dueDate: '2026-01-25' }),
      expect.objectContaining({ userId: 'sam', name: 'Sam Seller', assignedOn: '2026-01-05', exempt: false }),
    ]);
  });

  test('R5, R6: counts per status, overdue among the unfinished, and the exempt apart; the user list pages by name', async () => {
    const h = await portal();
    await h.ok('RegisterUser', {
      userId: 'bo',
      name: 'Bo',
      email: 'bo@acme.test',
      orgUnitId: 'eng',
      hireDate: '2020-01-01',
    });
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['bo', 'grace'] });
    await h.ok('StartCourse', { userId: 'ada', courseId: 'security' }, { actor: 'ada' });
    await h.ok('CompleteCourse', { userId: 'bo', courseId: 'security', score: 80 }, { actor: 'bo' });
    await h.ok('ExemptUser', { userId: 'sam', courseId: 'security', ruleId: 'r-rita', reason: 'already certified' });
    // Due on 2026-01-25 (20 days): overdue from the 26th for those not done.
    h.clock.set('2026-01-27T12:00:00.000Z');
    const [rule] = await h.query<AssignmentRulesResult>('AssignmentRules', { courseId: 'security' });
    expect(rule).toMatchObject({
      ruleId: 'r-rita',
      audienceSize: 4,
      counts: { notStarted: 1, inProgress: 1, completed: 1, expired: 0, overdue: 2, exempt: 1 },
    });
    const page = await h.query<AssignmentSummaryResult>('AssignmentSummary', { ruleId: 'r-rita', limit: 2, offset: 1 });
    expect(page.users).toMatchObject({ total: 4, offset: 1, limit: 2 });
    // By name: Ada Lovelace, Bo, Grace Hopper, Sam Seller.
    expect(page.users.rows.map((row) => [row.userId, row.status, row.overdue])).toEqual([
      ['bo', 'completed', false],
      ['grace', 'notStarted', true],
    ]);
    const last = await h.query<AssignmentSummaryResult>('AssignmentSummary', { ruleId: 'r-rita', offset: 3 });
    expect(last.users.rows).toEqual([expect.objectContaining({ userId: 'sam', exempt: true, overdue: false })]);
  });

  test('R28: ids that are JavaScript property names are ordinary rule, group, course and user ids', async () => {
    const h = await portal();
    await h.ok('RegisterUser', {
      userId: 'toString',
      name: 'Tess',
      email: 'tess@acme.test',
      orgUnitId: 'eng',
      hireDate: '2020-01-01',
    });
    await h.ok('CreateCourse', {
      courseId: 'valueOf',
      title: 'Proto',
      kind: 'course',
      provider: 'P',
      trainingType: 'T',
    });
    await h.ok('CreateGroup', { groupId: 'hasOwnProperty', name: 'Own', kind: 'static' });
    await h.ok('AddGroupMember', { groupId: 'hasOwnProperty', userIds: ['toString'] });
    await h.ok('CreateAssignmentRule', {
      ruleId: 'constructor',
      courseId: 'valueOf',
      target: { kind: 'group', groupId: 'hasOwnProperty' },
      mode: 'standard',
      due: { kind: 'none' },
    });
    const summary = await h.query<AssignmentSummaryResult>('AssignmentSummary', { ruleId: 'constructor' });
    expect(summary.users.rows.map((row) => row.userId)).toEqual(['toString']);
    const members = await h.query<GroupMembersResult>('GroupMembers', { groupId: 'hasOwnProperty' });
    expect(members.rows.map((row) => row.userId)).toEqual(['toString']);
    const courses = await h.query<CoursesResult>('Courses', {});
    expect(courses.find((course) => course.courseId === 'valueOf')?.assignedUsers).toBe(1);
    const profile = await h.query<UserProfileResult>('UserProfile', { userId: 'toString' });
    expect(profile.assignments.map((row) => row.courseId)).toEqual(['valueOf']);
    expect((await refusal(h, 'AssignmentSummary', { ruleId: 'isPrototypeOf' }, 'root')).code).toBe('NOT_FOUND');
  });

  test('R28: parameters are checked: unknown fields, limits out of bounds and bad ids are VALIDATION_FAILED', async () => {
    const h = await portal();
    for (const [type, params] of [
      ['AssignmentSummary', { ruleId: 'r-rita', limit: 0 }],
      ['AssignmentSummary', { ruleId: 'r-rita', limit: 1001 }],
      ['GroupMembers', { groupId: 'engineering', offset: -1 }],
      ['AssignmentRules', { creator: 'rita' }],
      ['Groups', { groupId: 'engineering' }],
      ['UserProfile', {}],
    ] as const)
      expect([type, (await refusal(h, type, params, 'root')).code]).toEqual([type, 'VALIDATION_FAILED']);
  });
});

describe('Groups and GroupMembers', () => {
  test('R10, R17: static and dynamic groups with their members; members outside the scope are counted, not listed; only rules within the scope are named', async () => {
    const h = await portal();
    await h.ok('CreateGroup', {
      groupId: 'g-eng',
      name: 'All engineers',
      kind: 'dynamic',
      criteria: { kind: 'attribute', attribute: 'department', in: ['Engineering'] },
    });
    const groups = await h.query<GroupsResult>('Groups', {}, 'grace');
    expect(GroupsResultSchema.parse(groups)).toEqual(groups);
    expect(groups.map((group) => [group.groupId, group.memberCount, group.membersInScope])).toEqual([
      ['g-eng', 2, 2],
      ['engineering', 2, 1],
    ]);
    expect(groups[1]?.rules.map((rule) => rule.ruleId)).toEqual(['r-rita']);
    const members = await h.query<GroupMembersResult>('GroupMembers', { groupId: 'engineering' }, 'grace');
    expect(GroupMembersResultSchema.parse(members)).toEqual(members);
    expect(members).toMatchObject({ total: 1, outsideScope: 1, rows: [{ userId: 'ada', name: 'Ada Lovelace' }] });
    const dynamic = await h.query<GroupMembersResult>('GroupMembers', { groupId: 'g-eng', limit: 1, offset: 1 });
    expect(dynamic).toMatchObject({ total: 2, rows: [{ userId: 'grace' }] });
    expect((await refusal(h, 'Groups', {}, 'sam')).code).toBe('FORBIDDEN');
    expect((await refusal(h, 'GroupMembers', { groupId: 'nope' }, 'grace')).code).toBe('NOT_FOUND');
  });
});

describe('Group sizes and rule audiences remembered per state of the reference data', () => {
  test('R10: Groups member counts and the Assignment Summary matchingNow follow every membership, profile and deactivation change between two asks', async () => {
    const h = await portal();
    await h.ok('CreateGroup', {
      groupId: 'g-eng',
      name: 'All engineers',
      kind: 'dynamic',
      criteria: { kind: 'attribute', attribute: 'department', in: ['Engineering'] },
    });
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-eng',
      courseId: 'fire-safety',
      target: { kind: 'group', groupId: 'g-eng' },
      mode: 'dynamic',
      due: { kind: 'none' },
    });
    const sizes = async () => ({
      groups: Object.fromEntries(
        (await h.query<GroupsResult>('Groups', {})).map((group) => [group.groupId, group.memberCount]),
      ),
      matching: (await h.query<AssignmentSummaryResult>('AssignmentSummary', { ruleId: 'r-eng' })).matchingNow,
      static: (await h.query<AssignmentSummaryResult>('AssignmentSummary', { ruleId: 'r-board' })).matchingNow,
    });
    expect(await sizes()).toEqual({ groups: { engineering: 2, 'g-eng': 2 }, matching: 2, static: 2 });
    // Asked again with nothing changed: the same (remembered) figures.
    expect(await sizes()).toEqual({ groups: { engineering: 2, 'g-eng': 2 }, matching: 2, static: 2 });
    await h.ok('UpdateUserProfile', { userId: 'sam', department: 'Engineering' });
    expect(await sizes()).toEqual({ groups: { engineering: 2, 'g-eng': 3 }, matching: 3, static: 2 });
    await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'sam' });
    expect(await sizes()).toEqual({ groups: { engineering: 1, 'g-eng': 3 }, matching: 3, static: 1 });
    await h.ok('DeactivateUser', { userId: 'ada' });
    expect(await sizes()).toEqual({ groups: { engineering: 1, 'g-eng': 2 }, matching: 2, static: 0 });
  });
});

describe('Courses', () => {
  test('R13: each course with its versions and how many users are on which', async () => {
    const h = await portal();
    await h.ok('StartCourse', { userId: 'ada', courseId: 'security' }, { actor: 'ada' });
    await h.ok('UpgradeVersion', { courseId: 'security' });
    const courses = await h.query<CoursesResult>('Courses', {});
    expect(CoursesResultSchema.parse(courses)).toEqual(courses);
    const security = courses.find((course) => course.courseId === 'security');
    // Ada registered on v1 and keeps it; sam, not yet registered, stays on v1 until he registers (R13).
    expect(security).toMatchObject({ latestVersion: 2, assignedUsers: 2, provider: 'SecureCo' });
    expect(security?.versions.map((row) => [row.version, row.users])).toEqual([
      [1, 2],
      [2, 0],
    ]);
  });

  test('R17: courses outside the training side are left out; versions count only users within the user side', async () => {
    const h = await portal();
    await h.ok('GrantPermission', {
      userId: 'rita',
      permission: 'reports.view',
      constraints: { orgUnitIds: ['eng'], providers: ['SecureCo'] },
    });
    await h.ok('RevokePermission', { userId: 'rita', permission: 'assignment.dynamic' });
    const courses = await h.query<CoursesResult>('Courses', {}, 'rita');
    expect(courses.map((course) => [course.courseId, course.assignedUsers])).toEqual([['security', 1]]);
    expect((await refusal(h, 'Courses', {}, 'sam')).code).toBe('FORBIDDEN');
  });
});

describe('UserProfile: the profile drawer', () => {
  test('R1, R4, R13: user details, groups, current assignments with every source, and completion history kept after removal', async () => {
    const h = await portal();
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['security', 'fire-safety'], dueDate: '2026-02-01' });
    await h.ok('CompleteCourse', { userId: 'ada', courseId: 'fire-safety', score: 91 }, { actor: 'ada' });
    await h.ok('CreateCourse', {
      courseId: 'first-aid',
      title: 'First Aid',
      kind: 'course',
      provider: 'Acme Learning',
      trainingType: 'Safety',
    });
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['first-aid'] });
    await h.ok(
      'CompleteCourse',
      { userId: 'ada', courseId: 'first-aid', score: 70, completedOn: '2026-01-02' },
      { actor: 'ada' },
    );
    await h.ok('UnassignCourse', { userId: 'ada', courseId: 'first-aid' });
    const profile = await h.query<UserProfileResult>('UserProfile', { userId: 'ada' });
    expect(UserProfileResultSchema.parse(profile)).toEqual(profile);
    expect(profile.user).toMatchObject({
      name: 'Ada Lovelace',
      orgUnitName: 'Platform',
      managerId: 'grace',
      managerName: 'Grace Hopper',
      location: 'London',
      active: true,
    });
    expect(profile.groups).toEqual([{ groupId: 'engineering', name: 'Engineering' }]);
    const security = profile.assignments.find((row) => row.courseId === 'security');
    expect(security?.sources.map((source) => source.label).sort()).toEqual(['Group: Engineering', 'Individual']);
    expect(profile.assignments.map((row) => row.courseId).sort()).toEqual(['fire-safety', 'security']);
    expect(profile.completionHistory).toEqual([
      expect.objectContaining({ courseId: 'fire-safety', score: 91, version: 1, currentlyAssigned: true }),
      expect.objectContaining({ courseId: 'first-aid', completedOn: '2026-01-02', currentlyAssigned: false }),
    ]);
  });

  test('R17: the same permission as UserAssignments: the user themself, or an admin with the user in scope; a rule created outside the scope is not named', async () => {
    const h = await portal();
    expect((await refusal(h, 'UserProfile', { userId: 'sam' }, 'grace')).code).toBe('FORBIDDEN');
    expect((await h.query<UserProfileResult>('UserProfile', { userId: 'sam' }, 'sam')).user.userId).toBe('sam');
    const asGrace = await h.query<UserProfileResult>('UserProfile', { userId: 'ada' }, 'grace');
    const sources = asGrace.assignments.flatMap((row) =>
      row.sources.map((source) => [row.courseId, source.label, source.ruleId]),
    );
    expect(sources.sort()).toEqual([
      ['fire-safety', 'a rule outside your scope', null],
      ['security', 'Group: Engineering', 'r-rita'],
    ]);
    expect(JSON.stringify(asGrace)).not.toMatch(/r-board/);
  });
});
