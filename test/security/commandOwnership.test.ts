import { ulid } from 'ulid';
import type { CommandOutcomeView } from '../../domain/queryResults/commandOutcomeResult';
import type { CommandReply, CommandSuccess } from '../../handlers/ports/reply';
import { MAX_REPLY_DETAILS } from '../../handlers/replyBounds';
import { ADMIN, engineHarness } from '../support/engineHarness';

/** R27 bounded replies and the CommandOutcome query; R17/R21: a command's outcome belongs to its sender. */
async function portalWithUsers(count: number) {
  const h = engineHarness();
  await h.seedPortal();
  const userIds = Array.from({ length: count }, (_, i) => `bulk${String(i).padStart(3, '0')}`);
  for (const userId of userIds)
    await h.ok('RegisterUser', {
      userId,
      name: userId,
      email: `${userId}@acme.test`,
      orgUnitId: 'eng',
      hireDate: '2025-01-01',
    });
  return { h, userIds };
}

describe('R27: bounded replies, the whole outcome with CommandOutcome', () => {
  test('R27: a bulk reply carries counts per outcome and at most the fixed number of pairs and events; a replay is the same', async () => {
    const { h, userIds } = await portalWithUsers(80);
    const commandId = ulid();
    const reply = await h.ok('AssignCourse', { userIds, courseIds: ['security', 'fire-safety'] }, { commandId });
    expect(reply.results).toHaveLength(MAX_REPLY_DETAILS);
    expect(reply.events).toHaveLength(MAX_REPLY_DETAILS);
    expect(reply).toMatchObject({
      resultCounts: { assigned: 160 },
      resultsTotal: 160,
      eventCounts: { TrainingAssigned: 160 },
      eventsTotal: 160,
      message: '160 pairs: 160 assigned',
    });
    expect(await h.send('AssignCourse', { userIds, courseIds: ['security', 'fire-safety'] }, { commandId })).toEqual(
      reply,
    );
    // Everything was stored, whatever the reply lists.
    expect(await h.eventTypes('training-bulk079')).toEqual(['TrainingAssigned', 'TrainingAssigned']);
  });

  test('R27: the sender reads every pair with CommandOutcome, page by page and by outcome', async () => {
    const { h, userIds } = await portalWithUsers(60);
    const commandId = ulid();
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['security'] });
    await h.ok(
      'AssignCourse',
      { userIds: [...userIds, 'ada', 'ghost'], courseIds: ['security', 'fire-safety'] },
      { commandId },
    );
    const page = (params: Record<string, unknown>) =>
      h.query<CommandOutcomeView>('CommandOutcome', { commandId: commandId.toLowerCase(), ...params });
    const first = await page({});
    expect(first).toMatchObject({
      commandId,
      type: 'AssignCourse',
      ok: true,
      code: null,
      resultCounts: { assigned: 121, unchanged: 1, failed: 2 },
      total: 124,
      offset: 0,
    });
    expect(first.results).toHaveLength(100);
    const rest = await page({ offset: 100 });
    expect(rest.results).toHaveLength(24);
    const all = [...first.results, ...rest.results].map((pair) => `${pair.userId}/${pair.courseId}`);
    expect(new Set(all).size).toBe(124);
    const failed = await page({ outcome: 'failed' });
    expect(failed.total).toBe(2);
    expect(failed.results.map((pair) => [pair.userId, pair.code])).toEqual([
      ['ghost', 'NOT_FOUND'],
      ['ghost', 'NOT_FOUND'],
    ]);
  });

  test('R27: a refusal of many pairs is bounded too, with its real code; the details are read with CommandOutcome', async () => {
    const { h } = await portalWithUsers(0);
    const commandId = ulid();
    const ghosts = Array.from({ length: 300 }, (_, i) => `ghost${i}`);
    const reply = (await h.send(
      'AssignCourse',
      { userIds: ghosts, courseIds: ['security'] },
      { commandId },
    )) as Extract<CommandReply, { ok: false }>;
    expect(reply.error.code).toBe('NOT_FOUND');
    expect(reply.error.details).toMatchObject({ resultsTotal: 300, resultCounts: { failed: 300 } });
    expect(reply.error.details.results).toHaveLength(MAX_REPLY_DETAILS);
    expect(JSON.stringify(reply).length).toBeLessThan(40_000);
    const outcome = await h.query<CommandOutcomeView>('CommandOutcome', { commandId, limit: 1000 });
    expect(outcome).toMatchObject({ ok: false, code: 'NOT_FOUND', total: 300 });
    expect(outcome.results).toHaveLength(300);
  });
});

describe('R17, R21: a command outcome belongs to its sender', () => {
  test('R17: another actor, whatever their grants, is told no such command of theirs exists; the sender and the bootstrap administrator read it', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('GrantPermission', { userId: 'grace', permission: 'assignment.standard', constraints: {} });
    await h.ok('GrantPermission', { userId: 'sam', permission: 'reports.view', constraints: {} });
    const commandId = ulid();
    const sent = (await h.ok(
      'AssignCourse',
      { userIds: ['ada'], courseIds: ['security'] },
      { actor: 'grace', commandId },
    )) as CommandSuccess;
    for (const outsider of ['sam', 'ada']) {
      const asked = await h.engine.query({
        type: 'CommandOutcome',
        actor: { userId: outsider },
        params: { commandId },
      });
      expect(asked).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(JSON.stringify(asked)).not.toMatch(/AssignCourse|security|grace/);
    }
    const own = await h.query<CommandOutcomeView>('CommandOutcome', { commandId }, 'grace');
    expect(own).toMatchObject({ commandId, type: 'AssignCourse', ok: true, position: sent.position, total: 1 });
    expect((await h.query<CommandOutcomeView>('CommandOutcome', { commandId }, ADMIN)).total).toBe(1);
  });
});
