/**
 * R6's exemption lifecycle on the engine (issue #17): the end date lapses by itself through the scheduler and `lms tick`
 * (RunScheduledTransitions) with the R9 reset; many users exempted in one command, each on their own (R16, R17, R27);
 * an exemption that stays with the user and the rule across dynamic removal and reassignment (R11). The clock is the
 * test's: nothing sleeps.
 */
import { Scheduler } from '../../handlers/scheduler/scheduler';
import type { Harness } from '../support/engineHarness';
import { engineHarness } from '../support/engineHarness';

const dynamicRule = {
  ruleId: 'r-eng',
  name: 'Engineering fire safety',
  courseId: 'fire-safety',
  target: { kind: 'group', groupId: 'engineering' },
  mode: 'dynamic',
  due: { kind: 'relative', days: 28 },
};

interface ExemptionRow {
  courseId: string;
  ruleId: string;
  exempted: boolean;
  reason: string | null;
  appliedBy: string | null;
  appliedAt: string | null;
  until: string | null;
}

/** ada (Engineering, London) holds Fire Safety through the dynamic group rule, 28 days. */
async function portal(now = '2026-03-02T09:00:00.000Z'): Promise<Harness> {
  const h = engineHarness({ now });
  await h.seedPortal();
  await h.ok('UpdateUserProfile', { userId: 'ada', timeZone: 'Europe/London' });
  await h.ok('CreateAssignmentRule', dynamicRule);
  await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada'] });
  return h;
}

async function eventsOf(h: Harness, userId: string, type: string) {
  return (await h.store.readStream(`training-${userId}`)).filter((event) => event.type === type);
}

const dashboardOf = async (h: Harness, userId: string) =>
  h.query<{ courseId: string; dueDate: string | null }[]>('UserDashboard', { userId });

describe('R6: the exemption lifecycle on the engine', () => {
  test("R6, R9: an exemption with an end date lapses at the user's midnight and resets a 28-day deadline to that day + 28", async () => {
    const h = await portal();
    await h.ok('ExemptUser', {
      userId: 'ada',
      courseId: 'fire-safety',
      reason: 'on long-term leave',
      until: '2026-06-01',
    });
    const [row] = await h.query<ExemptionRow[]>('UserExemptions', { userId: 'ada' });
    expect(row).toMatchObject({ exempted: true, reason: 'on long-term leave', until: '2026-06-01' });
    expect(await dashboardOf(h, 'ada')).toEqual([]);

    // 23:00 UTC on 31 May is still 31 May in London.
    h.clock.set('2026-05-31T22:00:00.000Z');
    await h.engine.scheduler.runDue();
    expect(await eventsOf(h, 'ada', 'ExemptionRemoved')).toEqual([]);

    // 00:30 on 1 June in London (summer time).
    h.clock.set('2026-05-31T23:30:00.000Z');
    await h.engine.scheduler.runDue();
    await h.engine.settle();
    const [lapse] = await eventsOf(h, 'ada', 'ExemptionRemoved');
    expect(lapse?.data).toMatchObject({
      lapsed: true,
      removedBy: 'system:scheduler',
      renewed: { anchorDate: '2026-06-01' },
      dueDate: '2026-06-29',
      visible: true,
    });
    expect(lapse?.metadata).toMatchObject({ actorId: 'system:scheduler' });
    expect(await dashboardOf(h, 'ada')).toMatchObject([{ courseId: 'fire-safety', dueDate: '2026-06-29' }]);
    expect(await h.query<ExemptionRow[]>('UserExemptions', { userId: 'ada' })).toMatchObject([
      { exempted: false, reason: null, until: null },
    ]);
    const history = await h.query<{ events: { summary: string }[] }>('AssignmentHistory', { userId: 'ada' });
    expect(history.events.map((event) => event.summary)).toEqual(
      expect.arrayContaining([
        'Fire Safety exempted from rule r-eng: on long-term leave; exempt until 2026-06-01',
        'Fire Safety exemption from rule r-eng ended on its end date, due 2026-06-29',
      ]),
    );
  });

  test('R6: a lapse is applied once however many ticks', async () => {
    const h = await portal();
    await h.ok('ExemptUser', { userId: 'ada', courseId: 'fire-safety', reason: 'on leave', until: '2026-04-01' });
    h.clock.set('2026-04-01T09:00:00.000Z');
    // The running service's scheduler, a second instance on the same store, `lms tick`, and RunScheduledTransitions.
    const other = new Scheduler(h.commands);
    await Promise.all([h.engine.scheduler.runDue(), other.runDue(), h.engine.scheduler.runDue()]);
    await h.ok('RunScheduledTransitions', {});
    await h.ok('RunScheduledTransitions', { userIds: ['ada'] });
    h.clock.set('2026-04-02T09:00:00.000Z');
    await h.engine.scheduler.runDue();
    await h.ok('RunScheduledTransitions', {});
    expect(await eventsOf(h, 'ada', 'ExemptionRemoved')).toHaveLength(1);
    expect((await h.training('ada')).assignments.get('fire-safety')?.dueDate).toBe('2026-04-29');
  });

  test('R6, R5: the RunScheduledTransitions command ends an exemption whose day has come, as the scheduler does', async () => {
    const h = await portal();
    await h.ok('ExemptUser', { userId: 'ada', courseId: 'fire-safety', reason: 'on leave', until: '2026-04-01' });
    h.clock.set('2026-04-01T09:00:00.000Z');
    const reply = await h.ok('RunScheduledTransitions', { userIds: ['ada'] });
    expect(reply.message).toMatch(/1 exemptions ended on their end date/);
    const [lapse] = await eventsOf(h, 'ada', 'ExemptionRemoved');
    expect(lapse?.data).toMatchObject({ lapsed: true, removedBy: 'system:scheduler', dueDate: '2026-04-29' });
  });

  test('R6: an end date in the past is refused, nothing appended', async () => {
    const h = await portal();
    const before = await h.eventTypes('training-ada');
    const refused = await h.send('ExemptUser', {
      userId: 'ada',
      courseId: 'fire-safety',
      reason: 'on leave',
      until: '2026-03-01',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'RULE_VIOLATION', rule: 'R6' } });
    expect(refused.ok ? '' : refused.error.message).toMatch(/end date 2026-03-01 must be after today \(2026-03-02/);
    const bulk = await h.send('ExemptUser', {
      userIds: ['ada', 'grace'],
      courseId: 'fire-safety',
      reason: 'on leave',
      until: '2026-03-02',
    });
    expect(bulk).toMatchObject({ ok: false, error: { code: 'RULE_VIOLATION' } });
    expect(await h.eventTypes('training-ada')).toEqual(before);
    // Out of the R28 range, or not a date: invalid input.
    const invalid = await h.send('ExemptUser', {
      userId: 'ada',
      courseId: 'fire-safety',
      reason: 'x',
      until: '2201-01-01',
    });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  test('R6: one of userId and userIds, exactly', async () => {
    const h = await portal();
    for (const data of [
      { courseId: 'fire-safety', reason: 'x' },
      { userId: 'ada', userIds: ['ada'], courseId: 'fire-safety', reason: 'x' },
    ]) {
      const reply = await h.send('ExemptUser', data);
      expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(JSON.stringify(reply)).toMatch(/exactly one of the two/);
    }
  });

  test("R6, R16: exempting 3 users from a rule in one command; one outside the actor's scope is FORBIDDEN, the others exempted", async () => {
    const h = await portal();
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['grace', 'sam'] });
    await h.ok('RegisterUser', {
      userId: 'lee',
      name: 'Lee Admin',
      email: 'lee@acme.test',
      orgUnitId: 'eng',
      hireDate: '2020-01-06',
    });
    await h.ok('GrantPermission', {
      userId: 'lee',
      permission: 'exemptions.manage',
      constraints: { orgUnitIds: ['eng'] },
    });
    const data = {
      userIds: ['ada', 'grace', 'sam'],
      courseId: 'fire-safety',
      ruleId: 'r-eng',
      reason: 'certified elsewhere',
    };

    // R25: the preview counts who would be exempted and stores nothing.
    const preview = await h.ok('ExemptUser', data, { actor: 'lee', dryRun: true });
    expect(preview).toMatchObject({ dryRun: true, effects: { exempted: { count: 2, first: ['ada', 'grace'] } } });
    expect(await eventsOf(h, 'ada', 'ExemptionApplied')).toEqual([]);

    const reply = await h.ok('ExemptUser', data, { actor: 'lee' });
    expect(reply.results).toEqual([
      expect.objectContaining({ userId: 'ada', outcome: 'changed' }),
      expect.objectContaining({ userId: 'grace', outcome: 'changed' }),
      expect.objectContaining({ userId: 'sam', outcome: 'failed', code: 'FORBIDDEN', rule: 'R17' }),
    ]);
    expect(reply.message).toBe('Fire Safety, 3 users: 2 exempted, 1 refused');
    expect(reply.warnings).toEqual([expect.stringMatching(/^sam × fire-safety: user lee may not exempt users/)]);
    for (const userId of ['ada', 'grace'])
      expect(await h.query<ExemptionRow[]>('UserExemptions', { userId })).toMatchObject([
        { ruleId: 'r-eng', exempted: true, reason: 'certified elsewhere', appliedBy: 'lee' },
      ]);
    expect(await eventsOf(h, 'sam', 'ExemptionApplied')).toEqual([]);

    // Again: those exempted already are unchanged, nothing stored twice.
    const again = await h.ok('ExemptUser', { ...data, userIds: ['ada', 'grace'] }, { actor: 'lee' });
    expect(again.message).toBe('Fire Safety, 2 users: 2 already exempt');
    expect(await eventsOf(h, 'ada', 'ExemptionApplied')).toHaveLength(1);
  });

  test('R6, R16: users who do not hold the rule source get an outcome saying so; a refusal of every user refuses the command', async () => {
    const h = await portal();
    const reply = await h.ok('ExemptUser', {
      userIds: ['ada', 'sam', 'nobody'],
      courseId: 'fire-safety',
      ruleId: 'r-eng',
      reason: 'certified elsewhere',
    });
    expect(reply.results).toEqual([
      expect.objectContaining({ userId: 'ada', outcome: 'changed' }),
      expect.objectContaining({
        userId: 'sam',
        outcome: 'skipped',
        message: 'sam does not hold Fire Safety: nothing to exempt',
      }),
      expect.objectContaining({ userId: 'nobody', outcome: 'failed', code: 'NOT_FOUND' }),
    ]);
    const refused = await h.send('ExemptUser', { userIds: ['nobody'], courseId: 'fire-safety', reason: 'x' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const noCourse = await h.send('ExemptUser', { userIds: ['ada'], courseId: 'no-such-course', reason: 'x' });
    expect(noCourse).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  test('R6, R27: a bulk exemption over many users replies with counts and at most 100 details', async () => {
    const h = await portal();
    const userIds = Array.from({ length: 150 }, (_, i) => `u${String(i).padStart(3, '0')}`);
    const reply = await h.ok('ExemptUser', { userIds: ['ada', ...userIds], courseId: 'fire-safety', reason: 'x' });
    expect(reply).toMatchObject({ resultsTotal: 151, resultCounts: { changed: 1, failed: 150 } });
    expect(reply.results).toHaveLength(100);
  });

  test('R6, R11: an exemption stays with the user across dynamic removal and reassignment', async () => {
    const h = await portal();
    await h.ok('ExemptUser', {
      userId: 'ada',
      courseId: 'fire-safety',
      reason: 'on long-term leave',
      until: '2026-09-01',
    });
    const applied = (await eventsOf(h, 'ada', 'ExemptionApplied'))[0]?.data as { appliedBy: string; appliedAt: string };
    h.clock.set('2026-04-01T09:00:00.000Z');
    await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'ada' });
    expect((await h.training('ada')).assignments.get('fire-safety')).toMatchObject({ active: false });
    const explained = await h.query<{ keptExemptions?: unknown[] }>('ExplainAssignment', {
      userId: 'ada',
      courseId: 'fire-safety',
    });
    expect(explained.keptExemptions).toEqual([
      { ruleId: 'r-eng', exemption: expect.objectContaining({ reason: 'on long-term leave', until: '2026-09-01' }) },
    ]);

    h.clock.set('2026-05-01T09:00:00.000Z');
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada'] });
    expect(await h.eventTypes('training-ada')).toEqual([
      'TrainingAssigned',
      'ExemptionApplied',
      'AssignmentSourceRemoved',
      'TrainingUnassigned',
      'TrainingReassigned',
      'ExemptionApplied',
    ]);
    // The same exemption: its reason, who applied it and when, its end date.
    expect(await h.query<ExemptionRow[]>('UserExemptions', { userId: 'ada' })).toEqual([
      expect.objectContaining({
        ruleId: 'r-eng',
        exempted: true,
        reason: 'on long-term leave',
        appliedBy: applied?.appliedBy,
        appliedAt: applied?.appliedAt,
        until: '2026-09-01',
      }),
    ]);
    // Hidden as R6 says: not on the dashboard, not in MI, not in My Team.
    expect(await dashboardOf(h, 'ada')).toEqual([]);
    expect(await h.query<unknown[]>('MiReport', { courseId: 'fire-safety' })).toEqual([]);
    const team = await h.query<{ members: { userId: string; assignments: unknown[] }[] }>('MyTeam', {
      managerId: 'grace',
    });
    expect(team.members.find((member) => member.userId === 'ada')?.assignments).toEqual([]);

    // Its end date still holds: on 1 September it ends by itself, due 28 days on.
    h.clock.set('2026-09-01T09:00:00.000Z');
    await h.engine.scheduler.runDue();
    expect(await dashboardOf(h, 'ada')).toMatchObject([{ courseId: 'fire-safety', dueDate: '2026-09-29' }]);
  });

  test('R6: an exemption removed while the user is out of the audience does not come back', async () => {
    const h = await portal();
    await h.ok('ExemptUser', { userId: 'ada', courseId: 'fire-safety', reason: 'on leave' });
    await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'ada' });
    const removed = await h.ok('RemoveExemption', { userId: 'ada', courseId: 'fire-safety', ruleId: 'r-eng' });
    expect(removed.message).toMatch(/ada's exemption from Fire Safety via rule r-eng is removed/);
    h.clock.set('2026-03-10T09:00:00.000Z');
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada'] });
    expect(await dashboardOf(h, 'ada')).toMatchObject([{ courseId: 'fire-safety', dueDate: '2026-04-07' }]);
  });
});
