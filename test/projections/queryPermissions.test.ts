import { engineHarness } from '../support/engineHarness';

async function portalWithReporter() {
  const h = engineHarness({ now: '2026-11-02T09:00:00.000Z' });
  await h.seedPortal();
  await h.ok('CreateAssignmentRule', {
    ruleId: 'r-all',
    courseId: 'security',
    target: { kind: 'allUsers' },
    mode: 'dynamic',
    due: { kind: 'relative', days: 14 },
  });
  await h.ok('RegisterUser', {
    userId: 'lin',
    name: 'Lin',
    email: 'lin@acme.test',
    orgUnitId: 'platform',
    managerId: 'ada',
    hireDate: '2025-05-05',
  });
  for (const permission of ['reports.view', 'assignment.standard', 'exemptions.manage']) {
    await h.ok('GrantPermission', { userId: 'grace', permission, constraints: { orgUnitIds: ['eng'] } });
  }
  return h;
}

const inEng = ['ada', 'grace', 'lin'];

describe("R17: every query filters by the asking actor's grants", () => {
  test('an actor constrained to one org unit sees only its users in MI reporting, MI summary, version status and search', async () => {
    const h = await portalWithReporter();
    const report = await h.query<{ userId: string }[]>('MiReport', {}, 'grace');
    expect([...new Set(report.map((row) => row.userId))].sort()).toEqual(inEng);
    const summary = await h.query<{ key: string; assigned: number }[]>('MiSummary', { groupBy: 'course' }, 'grace');
    expect(summary).toEqual([expect.objectContaining({ key: 'security', assigned: 3 })]);
    const versions = await h.query<{ versions: { users: number }[] }>(
      'VersionStatus',
      { courseId: 'security' },
      'grace',
    );
    expect(versions.versions.reduce((sum, row) => sum + row.users, 0)).toBe(3);
    const found = await h.query<{ userId: string }[]>('SearchUsers', { text: 'acme.test' }, 'grace');
    expect(found.map((row) => row.userId).sort()).toEqual(inEng);
    // The bootstrap administrator sees everyone.
    expect(
      (await h.query<{ userId: string }[]>('SearchUsers', { text: 'acme.test' })).map((row) => row.userId).sort(),
    ).toEqual([...inEng, 'sam']);
  });

  test("per-user views outside the actor's scope are refused; inside they are answered", async () => {
    const h = await portalWithReporter();
    for (const type of ['UserDashboard', 'UserAssignments', 'UserExemptions', 'AssignmentHistory']) {
      const outside = await h.engine.query({ type, actor: { userId: 'grace' }, params: { userId: 'sam' } });
      expect([type, outside.ok ? 'ok' : outside.error.code]).toEqual([type, 'FORBIDDEN']);
      const inside = await h.engine.query({ type, actor: { userId: 'grace' }, params: { userId: 'ada' } });
      expect([type, inside.ok]).toEqual([type, true]);
    }
    const explain = await h.engine.query({
      type: 'ExplainAssignment',
      actor: { userId: 'grace' },
      params: { userId: 'sam', courseId: 'security' },
    });
    expect(explain).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  test('a manager\'s My Team shows only their reporting line: direct reports, or everyone below with scope "all"', async () => {
    const h = await portalWithReporter();
    type Team = { members: { userId: string; assignments: { courseId: string }[] }[] };
    const direct = await h.query<Team>('MyTeam', {}, 'grace');
    expect(direct.members.map((member) => member.userId)).toEqual(['ada']);
    const all = await h.query<Team>('MyTeam', { scope: 'all' }, 'grace');
    expect(all.members.map((member) => member.userId)).toEqual(['ada', 'lin']);
    expect(all.members[0]?.assignments.map((row) => row.courseId)).toEqual(['security']);
    // Ada manages Lin only; asking for Grace's whole line, Ada (no viewing permission) sees herself and her own report.
    expect((await h.query<Team>('MyTeam', { scope: 'all' }, 'ada')).members.map((member) => member.userId)).toEqual([
      'lin',
    ]);
    expect(
      (await h.query<Team>('MyTeam', { managerId: 'grace', scope: 'all' }, 'ada')).members.map(
        (member) => member.userId,
      ),
    ).toEqual(['ada', 'lin']);
    // A manager above sees a lower manager's team: it is part of their own reporting line.
    expect(
      (await h.query<Team>('MyTeam', { managerId: 'ada' }, 'grace')).members.map((member) => member.userId),
    ).toEqual(['lin']);
  });

  test('a learner sees their own dashboard and nothing across users', async () => {
    const h = await portalWithReporter();
    expect(await h.query<{ courseId: string }[]>('UserDashboard', { userId: 'sam' }, 'sam')).toEqual([
      expect.objectContaining({ courseId: 'security', dueDate: '2026-11-16' }),
    ]);
    for (const type of ['MiReport', 'MiSummary']) {
      expect(await h.engine.query({ type, actor: { userId: 'sam' }, params: {} })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    expect((await h.query<{ userId: string }[]>('SearchUsers', {}, 'sam')).map((row) => row.userId)).toEqual(['sam']);
  });

  test("MI reporting filters by org unit with descendants, department, status and overdue, computed in each user's zone", async () => {
    const h = await portalWithReporter();
    h.clock.set('2026-11-17T09:00:00.000Z');
    await h.ok('CompleteCourse', { userId: 'ada', courseId: 'security', completedOn: '2026-11-10' });
    const users = async (params: Record<string, unknown>) =>
      (await h.query<{ userId: string }[]>('MiReport', params)).map((row) => row.userId).sort();
    expect(await users({ orgUnitId: 'eng' })).toEqual(inEng);
    expect(await users({ orgUnitId: 'platform' })).toEqual(['ada', 'lin']);
    expect(await users({ department: 'Sales' })).toEqual(['sam']);
    expect(await users({ status: 'completed' })).toEqual(['ada']);
    expect(await users({ overdue: true })).toEqual(['grace', 'lin', 'sam']);
  });

  test('R17: a reporter constrained on the training side sees only rows of courses within it', async () => {
    const h = await portalWithReporter();
    await h.ok('AssignCourse', { userIds: ['sam', 'ada'], courseIds: ['fire-safety'] });
    await h.ok('GrantPermission', {
      userId: 'sam',
      permission: 'reports.view',
      constraints: { providers: ['Acme Learning'] },
    });
    const rows = await h.query<{ userId: string; courseId: string }[]>('MiReport', {}, 'sam');
    expect([...new Set(rows.map((row) => row.courseId))]).toEqual(['fire-safety']);
    expect(rows.map((row) => row.userId).sort()).toEqual(['ada', 'sam']);
  });

  test('per-user queries by an actor with no viewing permission are refused before revealing whether the user exists', async () => {
    const h = await portalWithReporter();
    for (const userId of ['ada', 'nobody']) {
      expect(
        await h.engine.query({ type: 'UserAssignments', actor: { userId: 'sam' }, params: { userId } }),
      ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
  });
});
