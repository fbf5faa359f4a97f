import { engineHarness } from '../support/engineHarness';

/**
 * Issue #16 item 5: what an administrator reads in history, explain, My Team and MI says what happened to whose
 * training, in words; spec rule ids stay in explain (the auditor's view) only.
 */

type Explanation = {
  active: boolean;
  visible: boolean;
  dueDate: { policy: string; dueDate: string | null };
  portalDueDatePolicy: string;
  dueDateNotes: string[];
  versionDecisions: string[];
  removal: { cause: string; at: string; by: string; ruleName: string | null; text: string } | null;
};
type History = { events: { summary: string }[] };

async function portal() {
  const h = engineHarness({ now: '2026-03-02T09:00:00.000Z' });
  await h.seedPortal();
  await h.ok('SetAssignmentPreferences', { timeZone: 'Europe/London' });
  return h;
}

async function groupRule(h: Awaited<ReturnType<typeof portal>>, settings: Record<string, unknown> = {}) {
  await h.ok('CreateAssignmentRule', {
    ruleId: 'r-eng',
    name: 'Engineering fire safety',
    courseId: 'fire-safety',
    target: { kind: 'group', groupId: 'engineering' },
    mode: 'dynamic',
    due: { kind: 'relative', days: 28 },
    ...settings,
  });
}

const explain = (h: Awaited<ReturnType<typeof portal>>, courseId = 'fire-safety') =>
  h.query<Explanation>('ExplainAssignment', { userId: 'ada', courseId });

describe('issue #16 item 5: explain says why an assignment was removed, and hides nothing that is not exempt', () => {
  test('R4: removed by an admin: when and by whom, not "hidden: exempt"', async () => {
    const h = await portal();
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'] });
    h.clock.set('2026-03-05T10:00:00.000Z');
    await h.ok('UnassignCourse', { userId: 'ada', courseId: 'fire-safety' });
    const explained = await explain(h);
    expect(explained).toMatchObject({ active: false, visible: false });
    expect(explained.removal).toEqual({
      cause: 'admin',
      at: '2026-03-05T10:00:00.000Z',
      by: 'root',
      ruleName: null,
      text: 'removed on 2026-03-05 by an admin (root); it was not started',
    });
  });

  test('R10: dynamic removal names the rule the user stopped matching', async () => {
    const h = await portal();
    await groupRule(h);
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'ada' });
    expect((await explain(h)).removal).toMatchObject({
      cause: 'dynamic',
      ruleName: 'Engineering fire safety',
      text: 'taken away on 2026-03-02 because the user no longer matched the rule "Engineering fire safety" (dynamic removal); it was not started',
    });
  });

  test('R10: a retired rule is named as retired', async () => {
    const h = await portal();
    await groupRule(h);
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.ok('RetireAssignmentRule', { ruleId: 'r-eng' });
    expect((await explain(h)).removal?.text).toBe(
      'taken away on 2026-03-02 because the rule "Engineering fire safety" was retired; it was not started',
    );
  });

  test('R6: an assignment exempt from every source is active and hidden, with no removal', async () => {
    const h = await portal();
    await groupRule(h);
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.ok('ExemptUser', { userId: 'ada', courseId: 'fire-safety', reason: 'on a support plan' });
    expect(await explain(h)).toMatchObject({ active: true, visible: false, removal: null });
  });
});

describe('issue #16 item 5: explain after a due-date policy change', () => {
  test('R3: shows the policy the date was worked out under, and says existing dates were kept', async () => {
    const h = await portal();
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'], dueDate: '2026-05-01' });
    expect((await explain(h)).dueDateNotes).toEqual([]);
    await h.ok('SetAssignmentPreferences', { dueDatePolicy: 'latest' });
    const explained = await explain(h);
    expect(explained.dueDate).toMatchObject({ policy: 'earliest', dueDate: '2026-05-01' });
    expect(explained.portalDueDatePolicy).toBe('latest');
    expect(explained.dueDateNotes).toEqual([
      expect.stringMatching(
        /^the due date was computed under the "earliest" policy; the portal has since changed to "latest": existing due dates were kept, and "latest" applies the next time .* or at the next reset, when a new due date is set from the rules/,
      ),
    ]);
  });

  test('R3, R9: an override is explained with what the next reset is', async () => {
    const h = await portal();
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'], dueDate: '2026-05-01' });
    await h.ok('ChangeDueDate', { userId: 'ada', courseId: 'fire-safety', dueDate: '2026-06-01' });
    expect((await explain(h)).dueDateNotes).toEqual([
      expect.stringMatching(
        /^an admin set the due date to 2026-06-01; it holds until the next reset, when a new due date is set from the rules: the assignment reinstated after an exemption/,
      ),
    ]);
  });
});

describe('issue #16 item 5: spec rule ids stay out of history and replies, and in explain', () => {
  test('R14: a reassignment with an upgrade reads in words in history and names R14 in explain', async () => {
    const h = await portal();
    await h.ok('SetAssignmentPreferences', { upgradeToLatestVersion: true, dynamicReassignment: true });
    await groupRule(h);
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.ok('UpgradeVersion', { courseId: 'fire-safety' });
    const back = await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    expect(back.message).not.toMatch(/\(R\d+/);
    const history = await h.query<History>('AssignmentHistory', { userId: 'ada' });
    const summaries = history.events.map((event) => event.summary);
    expect(summaries).toContain(
      'Fire Safety assigned again via Group: Engineering, back not started on v2 (the rule upgrades reassigned users to the latest version: v1 → v2), due 2026-03-30',
    );
    for (const summary of summaries) expect(summary).not.toMatch(/\(R\d+/);
    expect((await explain(h)).versionDecisions).toEqual([
      'v1: a new assignment gets the latest version (R13)',
      'v2: the rule upgrades reassigned users to the latest version: v1 → v2 (R14)',
    ]);
  });
});

describe('issue #16 item 5: a back-dated completion does not read as started after it was completed', () => {
  test('R5: registered today, completed on an earlier day: the started date shown is no later than the completion', async () => {
    const h = await portal();
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'] });
    h.clock.set('2026-03-10T09:00:00.000Z');
    await h.ok('StartCourse', { userId: 'ada', courseId: 'fire-safety' });
    await h.ok('CompleteCourse', { userId: 'ada', courseId: 'fire-safety', completedOn: '2026-03-04' });
    const [row] = await h.query<{ startedOn: string | null; completedOn: string | null }[]>('UserAssignments', {
      userId: 'ada',
    });
    expect(row).toMatchObject({ completedOn: '2026-03-04', startedOn: '2026-03-04' });
    // The event keeps what was recorded: the registration on the 10th.
    const training = await h.training('ada');
    expect(training.assignments.get('fire-safety')?.startedOn).toBe('2026-03-10');
  });

  test('R5: a completion after its start keeps the start as recorded', async () => {
    const h = await portal();
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'] });
    await h.ok('StartCourse', { userId: 'ada', courseId: 'fire-safety' });
    h.clock.set('2026-03-10T09:00:00.000Z');
    await h.ok('CompleteCourse', { userId: 'ada', courseId: 'fire-safety' });
    const [row] = await h.query<{ startedOn: string | null; completedOn: string | null }[]>('UserAssignments', {
      userId: 'ada',
    });
    expect(row).toMatchObject({ startedOn: '2026-03-02', completedOn: '2026-03-10' });
  });
});

describe('issue #16 item 5: My Team refuses someone with no rights over the team', () => {
  test('R17: sam (no grant, not a manager of grace) gets FORBIDDEN for grace\'s team, not "0 people"', async () => {
    const h = await portal();
    const reply = await h.engine.query({ type: 'MyTeam', actor: { userId: 'sam' }, params: { managerId: 'grace' } });
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message: expect.stringMatching(
          /^user sam may not see the team of grace: sam is not grace or one of grace's managers/,
        ),
      },
    });
    // Grace herself, and a reporter whose scope reaches the team, are answered.
    expect((await h.query<{ members: unknown[] }>('MyTeam', { managerId: 'grace' }, 'grace')).members).toHaveLength(1);
    await h.ok('GrantPermission', { userId: 'sam', permission: 'reports.view', constraints: { orgUnitIds: ['eng'] } });
    expect((await h.query<{ members: unknown[] }>('MyTeam', { managerId: 'grace' }, 'sam')).members).toHaveLength(1);
  });

  test('R17: an empty team answers an admin who may view its manager, and refuses one who may not', async () => {
    const h = await portal();
    await h.ok('GrantPermission', {
      userId: 'grace',
      permission: 'reports.view',
      constraints: { orgUnitIds: ['eng'] },
    });
    expect((await h.query<{ members: unknown[] }>('MyTeam', { managerId: 'ada' }, 'grace')).members).toEqual([]);
    const outside = await h.engine.query({ type: 'MyTeam', actor: { userId: 'grace' }, params: { managerId: 'sam' } });
    expect(outside).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('issue #16 item 5: MI summaries show titles', () => {
  test('R6: grouped by course the summary carries each title as its label, the id staying in key', async () => {
    const h = await portal();
    await h.ok('AssignCourse', { userIds: ['ada', 'sam'], courseIds: ['fire-safety', 'security'] });
    const byCourse = await h.query<{ key: string; label: string }[]>('MiSummary', { groupBy: 'course' });
    expect(byCourse.map(({ key, label }) => ({ key, label }))).toEqual([
      { key: 'fire-safety', label: 'Fire Safety' },
      { key: 'security', label: 'Security Awareness' },
    ]);
    const byOrgUnit = await h.query<{ key: string; label: string }[]>('MiSummary', { groupBy: 'orgUnit' });
    expect(byOrgUnit.map(({ key, label }) => ({ key, label }))).toEqual([
      { key: 'platform', label: 'Platform' },
      { key: 'sales', label: 'Sales' },
    ]);
  });
});

describe('issue #16 item 5: a refusal names what the actor would need and what they hold', () => {
  test('R17: lee holds assignment.dynamic within eng and assigns to sam in sales', async () => {
    const h = await portal();
    await h.ok('RegisterUser', {
      userId: 'lee',
      name: 'Lee',
      email: 'lee@acme.test',
      orgUnitId: 'eng',
      hireDate: '2024-01-01',
    });
    await h.ok('GrantPermission', {
      userId: 'lee',
      permission: 'assignment.dynamic',
      constraints: { orgUnitIds: ['eng'] },
    });
    const reply = await h.send('UnassignCourse', { userId: 'sam', courseId: 'fire-safety' }, { actor: 'lee' });
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message:
          'user lee may not remove assigned training here: that needs assignment.standard, and lee holds assignment.dynamic (which includes assignment.standard) only within constraints: user sam is outside org units [eng] with their descendants',
      },
    });
  });
});
