import { engineHarness } from '../support/engineHarness';

/**
 * R17 on the explaining views: an actor "sees only assignment rules created by users within them", and only training
 * within the training side of their grants. ExplainAssignment, UserExemptions and VersionStatus used to show rule
 * names, creators and course facts from outside.
 */
async function portal() {
  const h = engineHarness();
  await h.seedPortal();
  await h.ok('RegisterUser', {
    userId: 'rita',
    name: 'Rita',
    email: 'rita@acme.test',
    orgUnitId: 'eng',
    hireDate: '2020-01-01',
  });
  await h.ok('RegisterUser', {
    userId: 'lee',
    name: 'Lee',
    email: 'lee@acme.test',
    orgUnitId: 'eng',
    hireDate: '2020-01-01',
  });
  await h.ok('GrantPermission', { userId: 'rita', permission: 'assignment.dynamic', constraints: {} });
  await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada'] });
  // The bootstrap administrator's rule: its creator is within nobody's scope.
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
      mode: 'standard',
      due: { kind: 'relative', days: 20 },
    },
    { actor: 'rita' },
  );
  await h.ok('ExemptUser', { userId: 'ada', courseId: 'fire-safety', ruleId: 'r-board', reason: 'board secret' });
  for (const permission of ['reports.view', 'exemptions.manage'])
    await h.ok('GrantPermission', { userId: 'grace', permission, constraints: { orgUnitIds: ['eng'] } });
  await h.ok('GrantPermission', {
    userId: 'lee',
    permission: 'reports.view',
    constraints: { orgUnitIds: ['eng'], providers: ['SecureCo'] },
  });
  return h;
}

describe('R17: rules and courses outside the scope stay out of the explaining views', () => {
  test('R17: ExplainAssignment shows a rule created outside the scope without its name, id, creator or exemption; a rule inside in full', async () => {
    const h = await portal();
    const outside = await h.query<{ sources: unknown[]; dueDate: unknown }>(
      'ExplainAssignment',
      { userId: 'ada', courseId: 'fire-safety' },
      'grace',
    );
    expect(outside.sources).toEqual([
      expect.objectContaining({ label: 'a rule outside your scope', ruleId: null, rule: null, exemption: null }),
    ]);
    expect(JSON.stringify(outside)).not.toMatch(/r-board|Board mandate|board secret|Engineering/);
    const inside = await h.query<{ sources: unknown[] }>(
      'ExplainAssignment',
      { userId: 'ada', courseId: 'security' },
      'grace',
    );
    expect(inside.sources).toEqual([
      expect.objectContaining({ ruleId: 'r-rita', rule: expect.objectContaining({ createdBy: 'rita' }) }),
    ]);
    // The user themself sees all of their own training.
    const own = await h.query<{ sources: unknown[] }>(
      'ExplainAssignment',
      { userId: 'ada', courseId: 'fire-safety' },
      'ada',
    );
    expect(own.sources).toEqual([expect.objectContaining({ ruleId: 'r-board' })]);
  });

  test('R17: UserExemptions lists only rows of rules created within the scope', async () => {
    const h = await portal();
    const rows = await h.query<{ ruleId: string }[]>('UserExemptions', { userId: 'ada' }, 'grace');
    expect(rows.map((row) => row.ruleId)).toEqual(['r-rita']);
    const all = await h.query<{ ruleId: string }[]>('UserExemptions', { userId: 'ada' });
    expect(all.map((row) => row.ruleId).sort()).toEqual(['r-board', 'r-rita']);
  });

  test('R17: a course outside the training side is FORBIDDEN in ExplainAssignment and VersionStatus, naming the constraint', async () => {
    const h = await portal();
    const explained = await h.engine.query({
      type: 'ExplainAssignment',
      actor: { userId: 'lee' },
      params: { userId: 'ada', courseId: 'fire-safety' },
    });
    expect(explained).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const version = await h.engine.query({
      type: 'VersionStatus',
      actor: { userId: 'lee' },
      params: { courseId: 'fire-safety' },
    });
    expect(version).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/providers/) },
    });
    expect(JSON.stringify(version)).not.toMatch(/Fire Safety/);
    const allowed = await h.engine.query({
      type: 'VersionStatus',
      actor: { userId: 'lee' },
      params: { courseId: 'security' },
    });
    expect(allowed.ok).toBe(true);
  });
});
