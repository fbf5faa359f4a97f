import { ADMIN, eventually, natsHarness } from './natsHarness';

jest.setTimeout(60_000);

/** R5, R23 on the running service: lms serve's scheduler applies the day by itself; nobody sends a command. */
describe('lms serve: time moves by itself', () => {
  let h: Awaited<ReturnType<typeof natsHarness>>;
  beforeAll(async () => {
    h = await natsHarness();
    await h.startEngine();
    await h.seed();
  });
  afterAll(() => h.dispose());

  test('R23: when the day comes, the reminder is published as an integration event without any command', async () => {
    const actor = { userId: ADMIN };
    const set = await h.client.commands.SetAssignmentPreferences({ actor, data: { reminderDays: [3] } });
    const assigned = await h.client.commands.AssignCourse({
      actor,
      data: { userIds: ['ada'], courseIds: ['security'], dueDate: '2026-11-20' },
    });
    expect([set.ok, assigned.ok]).toEqual([true, true]);
    h.clock.set('2026-11-17T00:05:00.000Z');
    const jsm = await h.nc.jetstreamManager();
    const reminder = await eventually(
      () =>
        jsm.streams
          .getMessage('LMS_EVENTS', { last_by_subj: 'lms.events.AssignmentDueSoon' })
          .then((message) => message.json<{ actorId: string; data: Record<string, unknown> }>())
          .catch(() => undefined),
      (event) => event !== undefined,
    );
    expect(reminder).toMatchObject({
      actorId: 'system:scheduler',
      data: { userId: 'ada', courseId: 'security', dueDate: '2026-11-20', daysBefore: 3, daysLeft: 3 },
    });
  });
});
