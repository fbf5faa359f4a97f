import { streams } from '../../domain/streams';
import { aggregateKinds } from '../../handlers/aggregateKinds';
import { ManualClock } from '../../handlers/ports/clock';
import { buildEngine } from '../../infra/engine/buildEngine';
import { ReadModelDb } from '../../projections/readModelDb';
import { compareReadModels } from '../../projections/verifyReadModels';
import { engineHarness } from '../support/engineHarness';
import { testConfig } from '../support/testConfig';

async function portalWithMandatoryCourse() {
  const h = engineHarness({ now: '2026-11-02T09:00:00.000Z' });
  await h.seedPortal();
  await h.ok('SetAssignmentPreferences', { timeZone: 'Europe/London' });
  await h.ok('CreateAssignmentRule', {
    ruleId: 'r-all',
    courseId: 'security',
    target: { kind: 'allUsers' },
    mode: 'dynamic',
    due: { kind: 'relative', days: 28 },
  });
  const queries = h.engine.queries;
  const query = (type: string, params: Record<string, unknown>, actor = 'root') => h.query<never>(type, params, actor);
  return { h, queries, query };
}

describe('views built from the events (R6, R7, R9, R20)', () => {
  test('R7: the exemptions view lists every rule-sourced assignment; exempted ones ticked with reason, applied-by and applied-at', async () => {
    const { h, query } = await portalWithMandatoryCourse();
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'] });
    await h.ok('ExemptUser', { userId: 'ada', courseId: 'security', reason: 'on a support plan' });
    expect(await query('UserExemptions', { userId: 'ada' })).toEqual([
      {
        courseId: 'security',
        title: 'Security Awareness',
        ruleId: 'r-all',
        source: 'Mandatory',
        exempted: true,
        reason: 'on a support plan',
        appliedBy: 'root',
        appliedAt: '2026-11-02T09:00:00.000Z',
        until: null,
      },
    ]);
  });

  test("R7: each row of the exemptions view names its rule's source as the LMS labels it (a group's by the group's name)", async () => {
    const { h, query } = await portalWithMandatoryCourse();
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada'] });
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-eng',
      courseId: 'security',
      target: { kind: 'group', groupId: 'engineering' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 14 },
    });
    await h.engine.reactor.runUntilIdle();
    await h.ok('ExemptUser', { userId: 'ada', courseId: 'security', ruleId: 'r-eng', reason: 'covered by the team' });
    const rows = (await query('UserExemptions', { userId: 'ada' })) as {
      ruleId: string;
      source: string;
      exempted: boolean;
    }[];
    expect(rows.map(({ ruleId, source, exempted }) => ({ ruleId, source, exempted }))).toEqual([
      { ruleId: 'r-all', source: 'Mandatory', exempted: false },
      { ruleId: 'r-eng', source: 'Group: Engineering', exempted: true },
    ]);
  });

  test('R6/R9: an exempted assignment is in no view; after removing the exemption it is back in all of them with the reset deadline', async () => {
    const { h, query } = await portalWithMandatoryCourse();
    await h.ok('ExemptUser', { userId: 'ada', courseId: 'security', reason: 'on a support plan' });
    const courseIdsOf = (rows: { courseId: string }[]) => rows.map((row) => row.courseId);
    const views = async () => ({
      dashboard: courseIdsOf(await query('UserDashboard', { userId: 'ada' })),
      assignments: courseIdsOf(await query('UserAssignments', { userId: 'ada' })),
      mi: courseIdsOf(await query('MiReport', { courseId: 'security' })).length,
      team: (
        (await query('MyTeam', { managerId: 'grace' })) as {
          members: { userId: string; assignments: { courseId: string }[] }[];
        }
      ).members
        .find((member) => member.userId === 'ada')
        ?.assignments.map((row) => row.courseId),
    });
    expect(await views()).toEqual({ dashboard: [], assignments: [], mi: 2, team: [] });
    h.clock.set('2026-11-23T10:00:00.000Z');
    await h.ok('RemoveExemption', { userId: 'ada', courseId: 'security' });
    expect(await views()).toEqual({ dashboard: ['security'], assignments: ['security'], mi: 3, team: ['security'] });
    expect(await query('UserDashboard', { userId: 'ada' })).toEqual([
      expect.objectContaining({ courseId: 'security', dueDate: '2026-12-21', status: 'notStarted', required: true }),
    ]);
  });

  test('sources are labelled as the seeds label them', async () => {
    const { h, query } = await portalWithMandatoryCourse();
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-eng',
      courseId: 'fire-safety',
      target: { kind: 'group', groupId: 'engineering' },
      mode: 'dynamic',
    });
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-ns',
      courseId: 'fire-safety',
      target: { kind: 'newStarters' },
      mode: 'dynamic',
    });
    await h.ok('RegisterUser', {
      userId: 'newbie',
      name: 'New Bie',
      email: 'newbie@acme.test',
      orgUnitId: 'eng',
      hireDate: '2026-11-02',
    });
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'newbie' });
    await h.ok('AssignCourse', { userIds: ['newbie'], courseIds: ['fire-safety'] });
    const rows = (await query('UserAssignments', { userId: 'newbie' })) as {
      courseId: string;
      sources: { label: string }[];
    }[];
    expect(rows.find((row) => row.courseId === 'fire-safety')?.sources.map((source) => source.label)).toEqual([
      'Default for New Starters',
      'Group: Engineering',
      'Individual',
    ]);
    expect(rows.find((row) => row.courseId === 'security')?.sources.map((source) => source.label)).toEqual([
      'Mandatory',
    ]);
  });

  test('R5/R22: RunScheduledTransitions expires lapsed completions and announces overdue assignments once', async () => {
    const h = engineHarness({ now: '2026-01-05T09:00:00.000Z' });
    await h.seedPortal();
    await h.ok('CreateCourse', {
      courseId: 'first-aid',
      title: 'First Aid',
      kind: 'course',
      provider: 'Acme',
      trainingType: 'Safety',
      validityDays: 30,
    });
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['first-aid'] });
    await h.ok('AssignCourse', { userIds: ['sam'], courseIds: ['fire-safety'], dueDate: '2026-01-20' });
    await h.ok('CompleteCourse', { userId: 'ada', courseId: 'first-aid', score: 95 }, { actor: 'ada' });
    h.clock.set('2026-02-10T09:00:00.000Z');
    const reply = await h.ok('RunScheduledTransitions', {});
    expect(reply.message).toBe('scheduled transitions for 3 users: 1 completions expired, 1 assignments newly overdue');
    expect((await h.training('ada')).assignments.get('first-aid')).toMatchObject({ status: 'expired' });
    expect((await h.ok('RunScheduledTransitions', {})).events).toEqual([]);
  });

  test('R20: replaying the store from the start yields exactly the state live processing built', async () => {
    const { h } = await portalWithMandatoryCourse();
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada', 'grace'] });
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-eng',
      courseId: 'fire-safety',
      target: { kind: 'group', groupId: 'engineering' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 14 },
    });
    await h.ok('ExemptUser', { userId: 'grace', courseId: 'security', reason: 'x' });
    await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.ok('RecordProgress', { userId: 'grace', courseId: 'fire-safety', progress: 20 });
    const replayed = buildEngine({
      config: testConfig(),
      store: h.store,
      readModels: ReadModelDb.open({ file: ':memory:' }),
      clock: new ManualClock('2030-01-01T00:00:00Z'),
    });
    await replayed.commands.feed.catchUp();
    await replayed.projections.catchUp();
    expect(compareReadModels(h.readModels, replayed.projections.readModels).difference).toBeNull();
    for (const userId of ['ada', 'grace', 'sam']) {
      const live = await h.training(userId);
      const rebuilt = (await replayed.commands.aggregates.load(streams.training(userId), aggregateKinds.training))
        .state;
      expect(rebuilt).toEqual(live);
    }
    expect([...replayed.commands.referenceData.users.values()]).toEqual([...h.commands.referenceData.users.values()]);
    // The reactor, replayed from zero over a log whose reactions are already stored, decides nothing new.
    const head = await h.store.headPosition();
    await replayed.reactor.runUntilIdle();
    expect(await h.store.headPosition()).toBe(head);
  });

  test('asOf: the assignments as they stood at an instant, with changes before and after it', async () => {
    const { h, query } = await portalWithMandatoryCourse();
    h.clock.set('2026-11-10T09:00:00.000Z');
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'] });
    h.clock.set('2026-11-20T09:00:00.000Z');
    await h.ok('UnassignCourse', { userId: 'ada', courseId: 'fire-safety' });
    const at = async (asOf: string) =>
      (
        (await query('AssignmentHistory', { userId: 'ada', asOf })) as {
          assignments: { courseId: string; active: boolean }[];
        }
      ).assignments
        .filter((row) => row.active)
        .map((row) => row.courseId)
        .sort();
    expect(await at('2026-11-05T00:00:00Z')).toEqual(['security']);
    expect(await at('2026-11-15T00:00:00Z')).toEqual(['fire-safety', 'security']);
    expect(await at('2026-11-21T00:00:00Z')).toEqual(['security']);
  });

  test('R17: queries are filtered by the actor: a constrained reporter sees only users in their org unit', async () => {
    const { h, query } = await portalWithMandatoryCourse();
    await h.ok('GrantPermission', {
      userId: 'grace',
      permission: 'reports.view',
      constraints: { orgUnitIds: ['eng'] },
    });
    const rows = (await query('MiReport', {}, 'grace')) as { userId: string }[];
    expect([...new Set(rows.map((row) => row.userId))].sort()).toEqual(['ada', 'grace']);
    const summary = (await query('MiSummary', { groupBy: 'course' }, 'grace')) as { key: string; assigned: number }[];
    expect(summary).toEqual([expect.objectContaining({ key: 'security', assigned: 2 })]);
  });
});

describe('who may ask (R17)', () => {
  test('a deactivated actor, an unknown actor, and a learner without reports.view are refused MI reporting', async () => {
    const { h, queries } = await portalWithMandatoryCourse();
    await h.ok('GrantPermission', { userId: 'sam', permission: 'reports.view' });
    await h.ok('DeactivateUser', { userId: 'sam' });
    const ask = (actor: string) => queries.handle({ type: 'MiSummary', actor: { userId: actor }, params: {} });
    expect(await ask('sam')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'actor sam is deactivated' },
    });
    expect(await ask('mallory')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await ask('ada')).toMatchObject({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message:
          "user ada may not view reports and other users' training: that needs the permission reports.view, and ada holds no permissions",
      },
    });
  });

  test('R17: AssignCourse by an actor without the permission reveals nothing about users or courses', async () => {
    const h = engineHarness();
    await h.seedPortal();
    const reply = await h.send('AssignCourse', { userIds: ['ghost'], courseIds: ['nothing'] }, { actor: 'ada' });
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message:
          'user ada may not assign training: that needs the permission assignment.standard, and ada holds no permissions',
      },
    });
  });
});
