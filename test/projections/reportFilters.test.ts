import { ADMIN, engineHarness } from '../support/engineHarness';

type Row = { userId: string; courseId: string };
type SummaryRow = { key: string | null; assigned: number };

/**
 * Issue #16: MI reports filtered by rule, group, a manager's whole line and due / assigned date ranges. Grace manages
 * Ada; Engineering holds Ada; Security reaches everyone through r-all (assigned 2 November, due 16 November); Fire
 * Safety is assigned to Sam individually on 10 November, due 30 November.
 */
async function portal() {
  const h = engineHarness({ now: '2026-11-02T09:00:00.000Z' });
  await h.seedPortal();
  await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada'] });
  await h.ok('CreateAssignmentRule', {
    ruleId: 'r-all',
    courseId: 'security',
    target: { kind: 'allUsers' },
    mode: 'dynamic',
    due: { kind: 'relative', days: 14 },
  });
  await h.engine.reactor.runUntilIdle();
  h.clock.set('2026-11-10T09:00:00.000Z');
  await h.ok('AssignCourse', { userIds: ['sam'], courseIds: ['fire-safety'], dueDate: '2026-11-30' });
  return h;
}

const pairs = async (h: Awaited<ReturnType<typeof portal>>, params: Record<string, unknown>) =>
  (await h.query<Row[]>('MiReport', params)).map((row) => `${row.userId}:${row.courseId}`).sort();

describe('issue #16: report filters by rule, group, manager and date ranges', () => {
  test('R10: by rule: only the assignments that rule gives (its holders), in MiReport and MiSummary', async () => {
    const h = await portal();
    expect(await pairs(h, { ruleId: 'r-all' })).toEqual(['ada:security', 'grace:security', 'sam:security']);
    expect(await h.query<SummaryRow[]>('MiSummary', { ruleId: 'r-all' })).toEqual([
      expect.objectContaining({ key: 'security', assigned: 3 }),
    ]);
  });

  test('by group, by manager (the whole reporting line), by due and assigned date ranges (inclusive)', async () => {
    const h = await portal();
    expect(await pairs(h, { groupId: 'engineering' })).toEqual(['ada:security']);
    expect(await pairs(h, { managerId: 'grace' })).toEqual(['ada:security']);
    expect(await pairs(h, { dueFrom: '2026-11-17' })).toEqual(['sam:fire-safety']);
    expect(await pairs(h, { dueTo: '2026-11-16' })).toEqual(['ada:security', 'grace:security', 'sam:security']);
    expect(await pairs(h, { assignedFrom: '2026-11-03', assignedTo: '2026-11-10' })).toEqual(['sam:fire-safety']);
    expect(await h.query<SummaryRow[]>('MiSummary', { groupBy: 'course', dueFrom: '2026-11-17' })).toEqual([
      expect.objectContaining({ key: 'fire-safety', assigned: 1 }),
    ]);
  });

  test('R28: a range that ends before it starts, or an impossible date, is VALIDATION_FAILED; unknown ids are NOT_FOUND', async () => {
    const h = await portal();
    const ask = (params: Record<string, unknown>) =>
      h.engine.queries.handle({ type: 'MiReport', actor: { userId: ADMIN }, params });
    expect(await ask({ dueFrom: '2026-12-01', dueTo: '2026-11-01' })).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/dueFrom 2026-12-01 is after dueTo 2026-11-01/),
      },
    });
    expect(await ask({ assignedFrom: '2026-02-30' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await ask({ groupId: 'nobody' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await ask({ ruleId: 'constructor' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await ask({ managerId: 'toString' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  test("R17: a rule created outside the actor's scope cannot be reported on: FORBIDDEN, not an empty report", async () => {
    const h = await portal();
    await h.ok('GrantPermission', {
      userId: 'grace',
      permission: 'reports.view',
      constraints: { orgUnitIds: ['eng'] },
    });
    const reply = await h.engine.queries.handle({
      type: 'MiReport',
      actor: { userId: 'grace' },
      params: { ruleId: 'r-all' },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Without the rule filter she sees her scope's rows.
    expect(await h.query<Row[]>('MiReport', { groupId: 'engineering' }, 'grace')).toHaveLength(1);
  });
});
