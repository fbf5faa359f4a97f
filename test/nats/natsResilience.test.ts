import { ulid } from 'ulid';
import { CommandHandler } from '../../handlers/commandHandler';
import type { EventStore } from '../../handlers/ports/eventStore';
import { wholeLog } from '../support/wholeLog';
import { ADMIN, eventually, natsHarness } from './natsHarness';

jest.setTimeout(90_000);
const actor = { userId: ADMIN };

describe('NATS service under load sharing and outages (real nats-server)', () => {
  let h: Awaited<ReturnType<typeof natsHarness>>;
  beforeEach(async () => {
    h = await natsHarness();
  });
  afterEach(() => h.dispose());

  test('two engine instances in one queue group both serve, and no command is handled twice', async () => {
    const one = await h.startEngine('engine-1');
    const two = await h.startEngine('engine-2');
    await h.seed();
    const userIds = Array.from({ length: 30 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    const replies = await Promise.all(
      userIds.map((userId) =>
        h.client.commands.RegisterUser({
          actor,
          data: { userId, name: userId, email: `${userId}@acme.test`, orgUnitId: 'acme', hireDate: '2025-01-01' },
        }),
      ),
    );
    expect(replies.every((reply) => reply.ok)).toBe(true);
    const assigned = await Promise.all(
      userIds.map((userId) =>
        h.client.commands.AssignCourse({ actor, data: { userIds: [userId], courseIds: ['security'] } }),
      ),
    );
    expect(assigned.every((reply) => reply.ok)).toBe(true);
    const store = h.stores[0] as EventStore;
    for (const userId of userIds)
      expect([userId, (await store.readStream(`training-${userId}`)).map((event) => event.type)]).toEqual([
        userId,
        ['TrainingAssigned'],
      ]);
    const monitor = h.nc.services.client();
    const served: number[] = [];
    for await (const stats of await monitor.stats('lms-engine'))
      served.push(stats.endpoints?.find((endpoint) => endpoint.name === 'commands')?.num_requests ?? 0);
    expect(served).toHaveLength(2);
    expect(served.every((count) => count > 0)).toBe(true);
    expect(served.reduce((sum, count) => sum + count, 0)).toBe(4 + 60);
    // Both instances' read models reach the head of the shared log.
    const head = await store.headPosition();
    await eventually(
      async () => [one.engine.projections.position, two.engine.projections.position],
      (positions) => positions.every((position) => position >= head),
    );
  });

  test('the NATS server stopped and restarted mid-test: requests fail fast with UNAVAILABLE, the engine reconnects, later commands succeed', async () => {
    await h.startEngine();
    await h.seed();
    expect(
      (await h.client.commands.AssignCourse({ actor, data: { userIds: ['ada'], courseIds: ['security'] } })).ok,
    ).toBe(true);
    await h.nats.stop();
    // The request does not hang: the client's timeout answers UNAVAILABLE.
    const during = await h.client.commands.StartCourse({ actor, data: { userId: 'ada', courseId: 'security' } });
    expect(during).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', message: expect.stringMatching(/the engine is unavailable/) },
    });
    await h.nats.launch();
    const after = await eventually(
      () => h.client.commands.StartCourse({ commandId: ulid(), actor, data: { userId: 'ada', courseId: 'security' } }),
      (reply) => reply.ok,
      30_000,
    );
    expect(after.ok).toBe(true);
    const store = h.stores[0] as EventStore;
    expect((await store.readStream('training-ada')).map((event) => event.type)).toEqual([
      'TrainingAssigned',
      'CourseStarted',
    ]);
  });

  test('R22: the event relay resumes from its checkpoint after a restart, publishing what was stored while it was down, without gaps', async () => {
    const first = await h.startEngine('engine-1');
    await h.seed();
    const store = h.stores[0] as EventStore;
    const jsm = await h.nc.jetstreamManager();
    const seeded = (await wholeLog(store)).length;
    await eventually(
      async () => (await jsm.streams.info('LMS_EVENTS')).state.messages,
      (count) => count === seeded,
    );
    await first.stop();
    // While no engine serves, another process (the CLI) stores more events in the same log.
    const offline = new CommandHandler({ store: h.openStore(), clock: h.clock, bootstrapAdminId: ADMIN });
    expect(
      (
        await offline.handle({
          commandId: ulid(),
          type: 'AssignCourse',
          actor,
          data: { userIds: ['ada', 'sam'], courseIds: ['security'] },
        })
      ).ok,
    ).toBe(true);
    await h.startEngine('engine-2');
    const reader = h.stores[1] as EventStore;
    const head = await reader.headPosition();
    const events = (await wholeLog(reader)).length;
    await eventually(
      async () => (await jsm.streams.info('LMS_EVENTS')).state.messages,
      (count) => count === events,
    );
    const last = await jsm.streams.getMessage('LMS_EVENTS', { last_by_subj: 'lms.events.TrainingAssigned' });
    expect(JSON.parse(new TextDecoder().decode(last.data))).toMatchObject({ position: head, type: 'TrainingAssigned' });
    await offline.store.close();
  });
});
