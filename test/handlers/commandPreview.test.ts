import { ulid } from 'ulid';
import { isVisible } from '../../domain/userTraining/trainingState';
import { engineHarness } from '../support/engineHarness';
import { wholeLog } from '../support/wholeLog';

const rule = (ruleId: string) => ({
  ruleId,
  name: 'Engineering fire safety',
  courseId: 'fire-safety',
  target: { kind: 'group', groupId: 'engineering' },
  mode: 'dynamic',
  due: { kind: 'relative', days: 28 },
});

/** Engineering holds ada, grace and two people of Sales; ada already has Fire Safety individually. */
async function portal() {
  const h = engineHarness();
  await h.seedPortal();
  for (const userId of ['sol', 'sue'])
    await h.ok('RegisterUser', {
      userId,
      name: userId,
      email: `${userId}@acme.test`,
      orgUnitId: 'sales',
      hireDate: '2020-01-01',
    });
  await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada', 'grace', 'sol', 'sue'] });
  await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'] });
  return h;
}

describe('R25: previews (dryRun) and the counts real replies carry', () => {
  test('R25: a rule previewed says who would gain it, stores nothing and keeps its command id free', async () => {
    const h = await portal();
    const before = (await wholeLog(h.store)).length;
    const commandId = ulid();
    const preview = await h.ok('CreateAssignmentRule', rule('r-fire'), { commandId, dryRun: true });
    expect(preview).toMatchObject({
      dryRun: true,
      events: [{ type: 'AssignmentRuleCreated', stream: 'rule-r-fire' }],
      message: expect.stringMatching(/^Preview, nothing stored; if sent: assignment rule r-fire created/),
      effects: {
        eventCounts: { AssignmentRuleCreated: 1 },
        gaining: { count: 3, first: ['grace', 'sol', 'sue'] },
        losing: { count: 0, first: [] },
        outsideScope: { count: 0, first: [] },
      },
    });
    expect((await wholeLog(h.store)).length).toBe(before);
    expect(await h.store.findCommand(commandId)).toBeUndefined();

    // The real command with the same id: stored, and its reply carries the same counts; the reactor does as counted.
    const real = await h.ok('CreateAssignmentRule', rule('r-fire'), { commandId });
    expect(real.dryRun).toBeUndefined();
    expect(real.effects).toEqual(preview.effects);
    await h.engine.reactor.runUntilIdle();
    for (const userId of ['ada', 'grace', 'sol', 'sue'])
      expect(isVisible((await h.training(userId)).assignments.get('fire-safety'))).toBe(true);
  });

  test("R25, R17: a constrained admin's rule preview counts the members outside their scope, who will not get it", async () => {
    const h = await portal();
    await h.ok('GrantPermission', {
      userId: 'grace',
      permission: 'assignment.dynamic',
      constraints: { orgUnitIds: ['eng'] },
    });
    const preview = await h.ok('CreateAssignmentRule', rule('r-eng'), { actor: 'grace', dryRun: true });
    expect(preview.effects).toMatchObject({
      gaining: { count: 1, first: ['grace'] },
      outsideScope: { count: 2, first: ['sol', 'sue'] },
    });
    const real = await h.ok('CreateAssignmentRule', rule('r-eng'), { actor: 'grace' });
    expect(real.effects).toEqual(preview.effects);
    await h.engine.reactor.runUntilIdle();
    expect((await h.training('sol')).assignments.get('fire-safety')).toBeUndefined();
  });

  test('R25: AssignCourse previewed gives the per-pair outcomes and who would gain; nothing is stored', async () => {
    const h = await portal();
    const before = (await wholeLog(h.store)).length;
    const preview = await h.ok(
      'AssignCourse',
      { userIds: ['ada', 'sam'], courseIds: ['fire-safety'] },
      { dryRun: true },
    );
    expect(preview.results?.map((pair) => [pair.userId, pair.outcome])).toEqual([
      ['ada', 'unchanged'],
      ['sam', 'assigned'],
    ]);
    expect(preview.effects?.gaining).toEqual({ count: 1, first: ['sam'] });
    expect((await wholeLog(h.store)).length).toBe(before);
  });

  test("R25: a refused preview is not the command's result: the same id then runs for real", async () => {
    const h = await portal();
    const commandId = ulid();
    const refused = await h.send(
      'UnassignCourse',
      { userId: 'grace', courseId: 'fire-safety' },
      { commandId, dryRun: true },
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await h.store.findCommand(commandId)).toBeUndefined();
    await h.ok('AssignCourse', { userIds: ['grace'], courseIds: ['security'] }, { commandId });
    expect(isVisible((await h.training('grace')).assignments.get('security'))).toBe(true);
  });
});

describe('R25: membership changes previewed and counted in their real replies', () => {
  test('R10, R25: adding a member previews the dynamic rule reaching them; removing one previews the loss; replies agree', async () => {
    const h = await portal();
    await h.ok('CreateAssignmentRule', rule('r-fire'));
    await h.engine.reactor.runUntilIdle();
    await h.ok('RegisterUser', {
      userId: 'newbie',
      name: 'Newbie',
      email: 'newbie@acme.test',
      orgUnitId: 'eng',
      hireDate: '2026-01-05',
    });
    const before = (await wholeLog(h.store)).length;
    const join = await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['newbie'] }, { dryRun: true });
    expect(join.effects).toMatchObject({ gaining: { count: 1, first: ['newbie'] }, losing: { count: 0 } });
    expect((await wholeLog(h.store)).length).toBe(before);
    const joined = await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['newbie'] });
    expect(joined.effects).toEqual(join.effects);

    // sol holds Fire Safety through the rule only; ada also holds it individually, so only sol would lose it.
    const leave = await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'sol' }, { dryRun: true });
    expect(leave.effects).toMatchObject({ gaining: { count: 0 }, losing: { count: 1, first: ['sol'] } });
    const keeps = await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'ada' }, { dryRun: true });
    expect(keeps.effects?.losing.count).toBe(0);
    const left = await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'sol' });
    expect(left.effects).toEqual(leave.effects);
    await h.engine.reactor.runUntilIdle();
    expect((await h.training('sol')).assignments.get('fire-safety')?.active).toBe(false);
    expect(isVisible((await h.training('newbie')).assignments.get('fire-safety'))).toBe(true);
  });
});

describe('R25: rule, profile and course commands previewed and counted in their real replies', () => {
  test('R25, R10: retiring a rule previews who loses it (not those who also hold it individually); the reply agrees', async () => {
    const h = await portal();
    await h.ok('CreateAssignmentRule', rule('r-fire'));
    await h.engine.reactor.runUntilIdle();
    const before = (await wholeLog(h.store)).length;
    const preview = await h.ok('RetireAssignmentRule', { ruleId: 'r-fire' }, { dryRun: true });
    expect(preview.effects).toMatchObject({
      eventCounts: { AssignmentRuleRetired: 1 },
      gaining: { count: 0 },
      losing: { count: 3, first: ['grace', 'sol', 'sue'] },
    });
    expect((await wholeLog(h.store)).length).toBe(before);
    const real = await h.ok('RetireAssignmentRule', { ruleId: 'r-fire' });
    expect(real.effects).toEqual(preview.effects);
    await h.engine.reactor.runUntilIdle();
    expect((await h.training('sol')).assignments.get('fire-safety')?.active).toBe(false);
    expect(isVisible((await h.training('ada')).assignments.get('fire-safety'))).toBe(true);
  });

  test('R25: updating a rule previews that nobody gains or loses training (its settings reach those assigned from now on)', async () => {
    const h = await portal();
    await h.ok('CreateAssignmentRule', rule('r-fire'));
    await h.engine.reactor.runUntilIdle();
    const change = { ruleId: 'r-fire', due: { kind: 'relative', days: 14 } };
    const preview = await h.ok('UpdateAssignmentRule', change, { dryRun: true });
    expect(preview.effects).toMatchObject({
      eventCounts: { AssignmentRuleUpdated: 1 },
      gaining: { count: 0 },
      losing: { count: 0 },
    });
    const real = await h.ok('UpdateAssignmentRule', change);
    expect(real.effects).toEqual(preview.effects);
  });

  test('R25, R10: a profile change that moves a user into and out of a dynamic group previews the gain and the loss', async () => {
    const h = await portal();
    await h.ok('CreateGroup', {
      groupId: 'sellers',
      name: 'Sellers',
      kind: 'dynamic',
      criteria: { kind: 'attribute', attribute: 'department', in: ['Sales'] },
    });
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-sales',
      courseId: 'security',
      target: { kind: 'group', groupId: 'sellers' },
      mode: 'dynamic',
    });
    await h.engine.reactor.runUntilIdle();
    expect(isVisible((await h.training('sam')).assignments.get('security'))).toBe(true);

    const before = (await wholeLog(h.store)).length;
    const join = await h.ok('UpdateUserProfile', { userId: 'ada', department: 'Sales' }, { dryRun: true });
    expect(join.effects).toMatchObject({ gaining: { count: 1, first: ['ada'] }, losing: { count: 0 } });
    const leave = await h.ok('UpdateUserProfile', { userId: 'sam', department: 'Engineering' }, { dryRun: true });
    expect(leave.effects).toMatchObject({ gaining: { count: 0 }, losing: { count: 1, first: ['sam'] } });
    expect((await wholeLog(h.store)).length).toBe(before);

    expect((await h.ok('UpdateUserProfile', { userId: 'ada', department: 'Sales' })).effects).toEqual(join.effects);
    expect((await h.ok('UpdateUserProfile', { userId: 'sam', department: 'Engineering' })).effects).toEqual(
      leave.effects,
    );
    await h.engine.reactor.runUntilIdle();
    expect(isVisible((await h.training('ada')).assignments.get('security'))).toBe(true);
    expect((await h.training('sam')).assignments.get('security')?.active).toBe(false);
  });

  test('R25, R10: deactivating a user previews the dynamic training they lose', async () => {
    const h = await portal();
    await h.ok('CreateAssignmentRule', rule('r-fire'));
    await h.engine.reactor.runUntilIdle();
    const preview = await h.ok('DeactivateUser', { userId: 'sol' }, { dryRun: true });
    expect(preview.effects).toMatchObject({ losing: { count: 1, first: ['sol'] } });
    const real = await h.ok('DeactivateUser', { userId: 'sol' });
    expect(real.effects).toEqual(preview.effects);
  });

  test('R25, R13: publishing a version previews that nobody is moved now, and says who moves when', async () => {
    const h = await portal();
    const preview = await h.ok('UpgradeVersion', { courseId: 'fire-safety' }, { dryRun: true });
    expect(preview.effects).toMatchObject({
      eventCounts: { CourseVersionUpgraded: 1 },
      gaining: { count: 0 },
      losing: { count: 0 },
      upgraded: { count: 0 },
    });
    expect(preview.message).toMatch(
      /users not started move to it when they start; those in progress or completed keep/,
    );
  });

  test('R25: a preview leaves the reference data every other decision reads untouched', async () => {
    const h = await portal();
    await h.ok('CreateAssignmentRule', rule('r-fire'));
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['sam'] }, { dryRun: true });
    await h.ok('UpdateUserProfile', { userId: 'ada', managerId: null, department: 'Sales' }, { dryRun: true });
    await h.ok('RetireAssignmentRule', { ruleId: 'r-fire' }, { dryRun: true });
    const present = h.commands.referenceData;
    expect(present.groups.get('engineering')?.members.has('sam')).toBe(false);
    expect(present.groupsOf('sam').has('engineering')).toBe(false);
    expect(present.users.get('ada')?.department).toBe('Engineering');
    expect(present.directReports('grace')).toEqual(['ada']);
    expect(present.rules.get('r-fire')?.retired).toBe(false);
  });
});
