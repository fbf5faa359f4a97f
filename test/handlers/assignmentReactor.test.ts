import { isVisible } from '../../domain/userTraining/trainingState';
import type { AppendOptions, AppendResult, StreamWrite } from '../../handlers/ports/eventStore';
import { EventStoreUnavailableError } from '../../handlers/ports/eventStore';
import { AssignmentReactor } from '../../handlers/reactors/assignmentReactor';
import { MemoryEventStore } from '../../infra/eventstore/memoryEventStore';
import { engineHarness } from '../support/engineHarness';

const rule = (ruleId: string, extra: Record<string, unknown> = {}) => ({
  ruleId,
  courseId: 'fire-safety',
  target: { kind: 'group', groupId: 'engineering' },
  mode: 'dynamic',
  due: { kind: 'relative', days: 28 },
  ...extra,
});

describe('assignment reactor: rules reach users (R10, R11, R14, R17, R18, R19)', () => {
  test('R10: a standard rule assigns once, to the members at creation; a later member does not get it', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada'] });
    await h.ok('CreateAssignmentRule', rule('r-std', { mode: 'standard' }));
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'grace' });
    expect((await h.training('ada')).assignments.get('fire-safety')?.sources.map((source) => source.ruleId)).toEqual([
      'r-std',
    ]);
    expect((await h.training('grace')).assignments.get('fire-safety')).toBeUndefined();
  });

  test("R4: under a standard rule, one person's training goes by taking them out of the group and removing the course", async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada', 'grace'] });
    await h.ok('CreateAssignmentRule', rule('r-std', { mode: 'standard' }));
    const refused = await h.send('UnassignCourse', { userId: 'ada', courseId: 'fire-safety' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'RULE_VIOLATION' } });
    expect(refused.ok ? '' : refused.error.message).toMatch(
      /remove ada from the group and then remove the course again/,
    );

    await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'ada' });
    const removed = await h.ok('UnassignCourse', { userId: 'ada', courseId: 'fire-safety' });
    expect(JSON.stringify(removed)).toMatch(/Fire Safety is no longer assigned to ada/);
    expect((await h.training('ada')).assignments.get('fire-safety')).toMatchObject({ active: false });
    // Everyone else keeps it: the rule still stands.
    expect(isVisible((await h.training('grace')).assignments.get('fire-safety'))).toBe(true);
  });

  test('R10/R11: a dynamic rule follows membership: join → assigned, leave → removed, rejoin → back In Progress with its progress', async () => {
    const h = engineHarness({ now: '2016-01-11T09:00:00.000Z' });
    await h.seedPortal();
    await h.ok('CreateAssignmentRule', rule('r-dyn'));
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    expect((await h.training('ada')).assignments.get('fire-safety')).toMatchObject({
      active: true,
      dueDate: '2016-02-08',
    });
    await h.ok('RecordProgress', { userId: 'ada', courseId: 'fire-safety', progress: 55 });
    await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'ada' });
    expect((await h.training('ada')).assignments.get('fire-safety')).toMatchObject({
      active: false,
      lastRemoval: { cause: 'dynamic', status: 'inProgress' },
    });
    h.clock.set('2017-01-16T09:00:00.000Z');
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    expect((await h.training('ada')).assignments.get('fire-safety')).toMatchObject({
      active: true,
      status: 'inProgress',
      progress: 55,
      dueDate: '2017-02-13',
    });
    expect(await h.eventTypes('training-ada')).toEqual([
      'TrainingAssigned',
      'CourseStarted',
      'ProgressRecorded',
      'AssignmentSourceRemoved',
      'TrainingUnassigned',
      'TrainingReassigned',
    ]);
  });

  test('R14: upgrade to latest on reassignment: v1 in January 2016, two upgrades, reassigned January 2017 → v3', async () => {
    const h = engineHarness({ now: '2016-01-11T09:00:00.000Z' });
    await h.seedPortal();
    await h.ok('SetAssignmentPreferences', { upgradeToLatestVersion: true });
    await h.ok('CreateAssignmentRule', rule('r-dyn'));
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.ok('UpgradeVersion', { courseId: 'fire-safety' });
    await h.ok('UpgradeVersion', { courseId: 'fire-safety' });
    h.clock.set('2017-01-16T09:00:00.000Z');
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    expect((await h.training('ada')).assignments.get('fire-safety')).toMatchObject({ active: true, version: 3 });
  });

  test('R19: a mandatory rule reaches every active user, present and future', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-all',
      courseId: 'security',
      target: { kind: 'allUsers' },
      mode: 'dynamic',
    });
    await h.ok('RegisterUser', {
      userId: 'newbie',
      name: 'New Bie',
      email: 'newbie@acme.test',
      orgUnitId: 'sales',
      hireDate: '2026-01-05',
    });
    for (const userId of ['grace', 'ada', 'sam', 'newbie']) {
      expect([userId, (await h.training(userId)).assignments.get('security')?.sources[0]?.kind]).toEqual([
        userId,
        'mandatory',
      ]);
    }
    await h.ok('DeactivateUser', { userId: 'sam' });
    expect((await h.training('sam')).assignments.get('security')?.active).toBe(false);
  });

  test('R18: a new-starter rule reaches only users registered after it, due from the hire date', async () => {
    const h = engineHarness({ now: '2026-03-02T09:00:00.000Z' });
    await h.seedPortal();
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-ns',
      courseId: 'security',
      target: { kind: 'newStarters' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 14 },
    });
    await h.ok('RegisterUser', {
      userId: 'newbie',
      name: 'New Bie',
      email: 'newbie@acme.test',
      orgUnitId: 'sales',
      hireDate: '2026-02-23',
    });
    expect((await h.training('ada')).assignments.get('security')).toBeUndefined();
    expect((await h.training('newbie')).assignments.get('security')).toMatchObject({
      dueDate: '2026-03-09',
      sources: [expect.objectContaining({ kind: 'newStarter' })],
    });
  });

  test('R10: a dynamic group follows profile changes into and out of its criteria', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('CreateGroup', {
      groupId: 'londoners',
      name: 'London',
      kind: 'dynamic',
      criteria: { kind: 'attribute', attribute: 'location', in: ['London'] },
    });
    await h.ok('CreateAssignmentRule', rule('r-london', { target: { kind: 'group', groupId: 'londoners' } }));
    expect(isVisible((await h.training('ada')).assignments.get('fire-safety'))).toBe(true);
    expect((await h.training('sam')).assignments.get('fire-safety')).toBeUndefined();
    await h.ok('UpdateUserProfile', { userId: 'sam', location: 'London' });
    await h.ok('UpdateUserProfile', { userId: 'ada', location: 'Paris' });
    expect(isVisible((await h.training('sam')).assignments.get('fire-safety'))).toBe(true);
    expect((await h.training('ada')).assignments.get('fire-safety')?.active).toBe(false);
  });

  test('R10: retiring a rule withdraws its source from every holder; other sources keep the assignment', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada', 'grace'] });
    await h.ok('CreateAssignmentRule', rule('r-dyn'));
    await h.ok('AssignCourse', { userIds: ['grace'], courseIds: ['fire-safety'] });
    await h.ok('RetireAssignmentRule', { ruleId: 'r-dyn' });
    expect((await h.training('ada')).assignments.get('fire-safety')).toMatchObject({
      active: false,
      lastRemoval: { cause: 'retired' },
    });
    expect((await h.training('grace')).assignments.get('fire-safety')).toMatchObject({
      active: true,
      sources: [expect.objectContaining({ kind: 'individual' })],
    });
  });

  test('R17: a rule created by an admin constrained to an org unit reaches only users within it', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('GrantPermission', {
      userId: 'grace',
      permission: 'assignment.dynamic',
      constraints: { orgUnitIds: ['eng'] },
    });
    await h.ok(
      'CreateAssignmentRule',
      { ruleId: 'r-grace', courseId: 'security', target: { kind: 'allUsers' }, mode: 'dynamic' },
      { actor: 'grace' },
    );
    expect(isVisible((await h.training('ada')).assignments.get('security'))).toBe(true);
    expect((await h.training('sam')).assignments.get('security')).toBeUndefined();
  });

  test.each([
    ['reassignment-off rule first', ['r-off', 'r-on']],
    ['reassignment-on rule first', ['r-on', 'r-off']],
  ])(
    'R1/R11: two dynamic rules on one course, one without reassignment: on rejoining, both hold the training whichever was made first (%s)',
    async (_order, ruleIds) => {
      const h = engineHarness();
      await h.seedPortal();
      for (const ruleId of ruleIds)
        await h.ok('CreateAssignmentRule', rule(ruleId, { dynamicReassignment: ruleId === 'r-on' }));
      await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
      await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'ada' });
      expect((await h.training('ada')).assignments.get('fire-safety')?.active).toBe(false);
      await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
      expect(
        (await h.training('ada')).assignments
          .get('fire-safety')
          ?.sources.map((source) => source.ruleId)
          .sort(),
      ).toEqual(['r-off', 'r-on']);
    },
  );

  test('R1/R11: training brought back by an admin takes in the dynamic rule that did not reassign it, as if assigned before the user rejoined', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('CreateAssignmentRule', rule('r-off', { dynamicReassignment: false }));
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    expect((await h.training('ada')).assignments.get('fire-safety')?.active).toBe(false);
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'] });
    expect(
      (await h.training('ada')).assignments
        .get('fire-safety')
        ?.sources.map((source) => source.kind)
        .sort(),
    ).toEqual(['group', 'individual']);
  });

  test('R11: reassignment after an admin removal does not bring the training back', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('CreateAssignmentRule', rule('r-dyn'));
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'] });
    await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.ok('UnassignCourse', { userId: 'ada', courseId: 'fire-safety' });
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    expect((await h.training('ada')).assignments.get('fire-safety')).toMatchObject({
      active: false,
      lastRemoval: { cause: 'admin' },
    });
  });

  test("a crash mid-way through a rule's audience resumes in a new process without losing or doubling an assignment", async () => {
    const store = new FailingAfter();
    const h = engineHarness({ store, reactorChunkSize: 7 });
    await h.seedPortal();
    const userIds = Array.from({ length: 50 }, (_, i) => `m-${String(i).padStart(2, '0')}`);
    for (const userId of userIds)
      await h.ok('RegisterUser', {
        userId,
        name: userId,
        email: `${userId}@acme.test`,
        orgUnitId: 'eng',
        hireDate: '2025-01-01',
      });
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds });
    store.failAfter(3);
    const created = await h.ok('CreateAssignmentRule', rule('r-big'));
    expect(created.warnings.join()).toMatch(/reactions at position \d+ wait: UNAVAILABLE .*simulated crash/);
    const partly = (await Promise.all(userIds.map((userId) => h.training(userId)))).filter((training) =>
      training.assignments.get('fire-safety'),
    ).length;
    expect(partly).toBeGreaterThan(0);
    expect(partly).toBeLessThan(50);

    store.failAfter(Number.POSITIVE_INFINITY);
    const restarted = new AssignmentReactor(h.commands, { chunkSize: 7 });
    await restarted.runUntilIdle();
    for (const userId of userIds) {
      expect([userId, await h.eventTypes(`training-${userId}`)]).toEqual([userId, ['TrainingAssigned']]);
    }
  });
});

/** Fault injection: a real store that refuses appends after a number of them, as a crash or full disk would. */
class FailingAfter extends MemoryEventStore {
  private remaining = Number.POSITIVE_INFINITY;

  failAfter(count: number): void {
    this.remaining = count;
  }

  override async append(writes: StreamWrite[], options?: AppendOptions): Promise<AppendResult> {
    if (writes.length > 0 && this.remaining-- <= 0) throw new EventStoreUnavailableError('simulated crash');
    return super.append(writes, options);
  }
}

describe('assignment reactor: the log changes between a trigger and its reaction', () => {
  test('R10/R11: a user who leaves and rejoins before the reactor runs still holds the training', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('CreateAssignmentRule', rule('r-dyn'));
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.commands.handle(h.envelope('RemoveGroupMember', { groupId: 'engineering', userId: 'ada' }));
    await h.commands.handle(h.envelope('AddGroupMember', { groupId: 'engineering', userId: 'ada' }));
    await h.reactor.runUntilIdle();
    expect((await h.training('ada')).assignments.get('fire-safety')).toMatchObject({
      active: true,
      sources: [expect.objectContaining({ ruleId: 'r-dyn' })],
    });
  });

  test('R10/R22: a rule created and retired before the reactor runs assigns nothing and notifies no one', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.commands.handle(h.envelope('CreateAssignmentRule', rule('r-dyn')));
    await h.commands.handle(h.envelope('RetireAssignmentRule', { ruleId: 'r-dyn' }));
    await h.reactor.runUntilIdle();
    expect(await h.eventTypes('training-ada')).toEqual([]);
  });

  test('R15/R10: users who came to match while the course was inactive get it when it is activated again', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('CreateAssignmentRule', rule('r-dyn'));
    await h.ok('DeactivateCourse', { courseId: 'fire-safety' });
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    expect((await h.training('ada')).assignments.get('fire-safety')).toBeUndefined();
    await h.ok('ActivateCourse', { courseId: 'fire-safety' });
    expect((await h.training('ada')).assignments.get('fire-safety')?.active).toBe(true);
  });

  test("R17: a rule's audience counts only the creator's grants that admit its course", async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('GrantPermission', {
      userId: 'grace',
      permission: 'assignment.dynamic',
      constraints: { providers: ['Acme Learning'], orgUnitIds: ['eng'] },
    });
    await h.ok('GrantPermission', {
      userId: 'grace',
      permission: 'assignment.dynamic',
      constraints: { providers: ['SecureCo'] },
    });
    await h.ok(
      'CreateAssignmentRule',
      { ruleId: 'r-fire', courseId: 'fire-safety', target: { kind: 'allUsers' }, mode: 'dynamic' },
      { actor: 'grace' },
    );
    expect((await h.training('ada')).assignments.get('fire-safety')?.active).toBe(true);
    expect((await h.training('sam')).assignments.get('fire-safety')).toBeUndefined();
  });

  test('R17: a new manager brings the whole reporting line into a rule scoped to "self and subordinates"', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('RegisterUser', {
      userId: 'tom',
      name: 'Tom',
      email: 'tom@acme.test',
      orgUnitId: 'sales',
      managerId: 'sam',
      hireDate: '2025-01-01',
    });
    await h.ok('GrantPermission', {
      userId: 'grace',
      permission: 'assignment.dynamic',
      constraints: { selfAndSubordinates: true },
    });
    await h.ok(
      'CreateAssignmentRule',
      { ruleId: 'r-team', courseId: 'security', target: { kind: 'allUsers' }, mode: 'dynamic' },
      { actor: 'grace' },
    );
    expect((await h.training('sam')).assignments.get('security')).toBeUndefined();
    await h.ok('UpdateUserProfile', { userId: 'sam', managerId: 'grace' });
    expect((await h.training('sam')).assignments.get('security')?.active).toBe(true);
    expect((await h.training('tom')).assignments.get('security')?.active).toBe(true);
  });

  test("R9: reinstatement takes the rule's current due window after UpdateAssignmentRule", async () => {
    const h = engineHarness({ now: '2026-03-02T10:00:00.000Z' });
    await h.seedPortal();
    await h.ok('AddGroupMember', { groupId: 'engineering', userId: 'ada' });
    await h.ok('CreateAssignmentRule', rule('r-dyn'));
    await h.ok('ExemptUser', { userId: 'ada', courseId: 'fire-safety', reason: 'on leave' });
    await h.ok('UpdateAssignmentRule', { ruleId: 'r-dyn', due: { kind: 'relative', days: 7 } });
    await h.ok('RemoveExemption', { userId: 'ada', courseId: 'fire-safety' });
    expect((await h.training('ada')).assignments.get('fire-safety')?.dueDate).toBe('2026-03-09');
  });
});
