import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import { ADMIN, eventually, natsHarness } from './natsHarness';

jest.setTimeout(60_000);

/**
 * R29 for the integration-event relay (real nats-server): an event NATS refuses (here larger than the server's
 * max_payload of 256 KiB, as a foreign writer could store; small enough for EventStoreDB's 1 MiB append limit) is
 * retried, parked and passed over; the events behind it go out.
 */
describe('event relay: poison isolation', () => {
  let h: Awaited<ReturnType<typeof natsHarness>>;
  beforeAll(async () => {
    h = await natsHarness({ natsServer: { maxPayload: 256 * 1024 } });
    await h.startEngine();
    await h.seed();
  });
  afterAll(() => h.dispose());

  test('R29: an event NATS refuses is parked; the events stored after it are published', async () => {
    const [server] = h.servers;
    const store = h.stores[0];
    if (!server || !store) throw new Error('no engine');
    const commandId = ulid();
    const metadata = { actorId: 'legacy-import', commandId, correlationId: commandId, occurredAt: h.clock.now() };
    const huge = {
      id: randomUUID(),
      type: 'CourseActivated',
      data: { courseId: 'huge', note: 'x'.repeat(400_000) },
      metadata,
    };
    const { position } = await store.append([{ stream: 'course-huge', expectedRevision: 'any', events: [huge] }]);
    const reply = await h.client.commands.RegisterUser({
      actor: { userId: ADMIN },
      data: { userId: 'late', name: 'Late', email: 'late@acme.test', orgUnitId: 'acme', hireDate: '2024-03-01' },
    });
    if (!reply.ok) throw new Error(reply.error.message);
    const jsm = await h.nc.jetstreamManager();
    const last = await eventually(
      async () =>
        jsm.streams
          .getMessage('LMS_EVENTS', { last_by_subj: 'lms.events.UserRegistered' })
          .then((m) => m.json<{ data: { userId: string } }>()),
      (event) => event.data.userId === 'late',
    );
    expect(last.data.userId).toBe('late');
    // The events after it may go out while it is still being retried: parking follows.
    const parked = await eventually(
      () => server.engine.parked.list(),
      (list) => list.length > 0,
    );
    expect(parked).toEqual([
      expect.objectContaining({
        key: `relay:${huge.id}`,
        loop: 'relay',
        position,
        error: expect.stringMatching(/MAX_PAYLOAD_EXCEEDED/),
      }),
    ]);
  });
});
