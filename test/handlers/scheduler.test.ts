/**
 * Time moves by itself (R5, R22, R23): the scheduler applies each zone's day at its local midnight, once per zone and
 * day, catches up after downtime, and a second instance (or a restart) doubles nothing. The clock is the test's:
 * nothing sleeps for a day.
 */
import { Scheduler } from '../../handlers/scheduler/scheduler';
import type { Harness } from '../support/engineHarness';
import { engineHarness } from '../support/engineHarness';

async function portal(): Promise<Harness> {
  const h = engineHarness({ now: '2026-01-05T09:00:00.000Z' });
  await h.seedPortal();
  await h.ok('SetAssignmentPreferences', { reminderDays: [7, 1], escalateOverdueToManager: true });
  // sam works in New York; everyone else on the portal's UTC.
  await h.ok('UpdateUserProfile', { userId: 'sam', timeZone: 'America/New_York' });
  await h.ok('AssignCourse', { userIds: ['ada', 'sam'], courseIds: ['security'], dueDate: '2026-01-20' });
  return h;
}

async function typesOf(h: Harness, userId: string): Promise<string[]> {
  return (await h.eventTypes(`training-${userId}`)).filter((type) => type !== 'TrainingAssigned');
}

/** grace completes First Aid (valid 30 days) on 2026-01-05. */
async function completeFirstAid(h: Harness, course: Record<string, unknown> = {}): Promise<void> {
  await h.ok('CreateCourse', {
    courseId: 'first-aid',
    title: 'First Aid',
    kind: 'course',
    provider: 'Acme',
    trainingType: 'Safety',
    validityDays: 30,
    ...course,
  });
  await h.ok('AssignCourse', { userIds: ['grace'], courseIds: ['first-aid'] });
  await h.ok('CompleteCourse', { userId: 'grace', courseId: 'first-aid' }, { actor: 'grace' });
}

describe('the scheduler: time moves by itself', () => {
  test("R5, R23: each zone's day is applied at its local midnight, once", async () => {
    const h = await portal();
    h.clock.set('2026-01-13T00:30:00.000Z'); // past midnight in UTC, still 12 January in New York
    await h.engine.scheduler.runDue();
    await h.engine.settle();
    expect(await typesOf(h, 'ada')).toEqual(['AssignmentDueSoon']);
    expect(await typesOf(h, 'sam')).toEqual([]);
    await h.engine.scheduler.runDue();
    expect(await typesOf(h, 'ada')).toEqual(['AssignmentDueSoon']);

    h.clock.set('2026-01-13T05:30:00.000Z'); // past midnight in New York
    await h.engine.scheduler.runDue();
    expect(await typesOf(h, 'sam')).toEqual(['AssignmentDueSoon']);
    const [reminder] = (await h.store.readStream('training-sam')).filter((event) => event.type === 'AssignmentDueSoon');
    expect(reminder?.data).toMatchObject({ dueDate: '2026-01-20', daysBefore: 7, daysLeft: 7 });
    expect(reminder?.metadata).toMatchObject({ actorId: 'system:scheduler' });
  });

  test('R5, R22: after downtime the next run catches up: the overdue notice goes out once, escalated to the manager', async () => {
    const h = await portal();
    h.clock.set('2026-02-10T09:00:00.000Z'); // the engine was down for weeks
    await h.engine.scheduler.runDue();
    const notices = (await h.store.readStream('training-ada')).filter((event) => event.type !== 'TrainingAssigned');
    // The reminders would only say that time is left: past the due date, the overdue notice alone goes out.
    expect(notices.map((event) => [event.type, event.data])).toEqual([
      ['AssignmentOverdue', { userId: 'ada', courseId: 'security', dueDate: '2026-01-20', escalateTo: 'grace' }],
    ]);
    const status = await h.engine.scheduler.days();
    expect(status).toEqual(
      expect.arrayContaining([
        { zone: 'UTC', appliedThrough: '2026-02-10', today: '2026-02-10' },
        { zone: 'America/New_York', appliedThrough: '2026-02-10', today: '2026-02-10' },
      ]),
    );
  });

  test('R23: a second instance on the same store, and a restart, double nothing', async () => {
    const h = await portal();
    h.clock.set('2026-01-19T09:00:00.000Z');
    const other = new Scheduler(h.commands);
    await Promise.all([h.engine.scheduler.runDue(), other.runDue(), h.engine.scheduler.runDue()]);
    // A restart that lost nothing but its memory: the checkpoint says the day is done.
    await new Scheduler(h.commands).runDue();
    expect(await typesOf(h, 'ada')).toEqual(['AssignmentDueSoon']);
    const [reminder] = (await h.store.readStream('training-ada')).filter((event) => event.type === 'AssignmentDueSoon');
    expect(reminder?.data).toMatchObject({ daysBefore: 1, daysLeft: 1 });
  });

  test('R5: expiry happens by itself at the expiry date', async () => {
    const h = await portal();
    await completeFirstAid(h);
    h.clock.set('2026-02-04T09:00:00.000Z');
    await h.engine.scheduler.runDue();
    await h.engine.settle();
    expect(await h.query('UserDashboard', { userId: 'grace' })).toEqual(
      expect.arrayContaining([expect.objectContaining({ courseId: 'first-aid', status: 'expired' })]),
    );
  });

  test('R24: the retake is assigned when the recertification window opens and the dashboard shows it beside the valid completion', async () => {
    const h = await portal();
    await completeFirstAid(h, { recertificationWindowDays: 10 });
    h.clock.set('2026-01-25T09:00:00.000Z'); // the window opens on 2026-01-25, ten days before 2026-02-04
    await h.engine.scheduler.runDue();
    await h.engine.settle();
    expect(await h.query('UserDashboard', { userId: 'grace' })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          courseId: 'first-aid',
          status: 'completed',
          dueDate: '2026-02-04',
          expiresOn: '2026-02-04',
          retake: { dueOn: '2026-02-04', startedOn: null, progress: 0 },
        }),
      ]),
    );
    await h.ok('RecordProgress', { userId: 'grace', courseId: 'first-aid', progress: 50 }, { actor: 'grace' });
    h.clock.set('2026-02-04T09:00:00.000Z');
    await h.engine.scheduler.runDue();
    await h.engine.settle();
    expect(await h.query('UserDashboard', { userId: 'grace' })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ courseId: 'first-aid', status: 'inProgress', progress: 50, retake: null }),
      ]),
    );
  });
});
