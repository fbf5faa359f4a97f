import { StringCodec } from 'nats';
import { ulid } from 'ulid';
import type { EventStore } from '../../handlers/ports/eventStore';
import { EventRelay } from '../../infra/nats/eventRelay';
import { subjectsFor } from '../../infra/nats/subjects';
import { wholeLog } from '../support/wholeLog';
import { ADMIN, eventually, natsHarness, silent } from './natsHarness';

jest.setTimeout(60_000);
const actor = { userId: ADMIN };
const sc = StringCodec();

describe('NATS service: commands and queries by request-reply (real nats-server)', () => {
  let h: Awaited<ReturnType<typeof natsHarness>>;
  beforeAll(async () => {
    h = await natsHarness({ natsEnv: { LMS_MAX_PAYLOAD: '4096' } });
    await h.startEngine();
    await h.seed();
  });
  afterAll(() => h.dispose());

  test('a command round trip returns the reply envelope of DESIGN.md section 4', async () => {
    const reply = await h.client.commands.AssignCourse({
      actor,
      data: { userIds: ['ada'], courseIds: ['security'], dueDate: '2026-11-30' },
    });
    expect(reply).toMatchObject({
      ok: true,
      events: [{ type: 'TrainingAssigned', stream: 'training-ada' }],
      message: 'Security Awareness v1 assigned to ada via Individual, due 2026-11-30',
      warnings: [],
    });
  });

  test('a query with minPosition sees the effect of the command whose reply gave the position', async () => {
    const reply = await h.client.commands.AssignCourse({ actor, data: { userIds: ['sam'], courseIds: ['security'] } });
    if (!reply.ok) throw new Error(reply.error.message);
    const answer = await h.client.queries.UserDashboard({
      actor,
      params: { userId: 'sam' },
      minPosition: reply.position,
    });
    expect(answer).toMatchObject({
      ok: true,
      result: [expect.objectContaining({ courseId: 'security', status: 'notStarted' })],
    });
    expect(answer.ok && answer.position).toBeGreaterThanOrEqual(reply.position);
  });

  test.each([
    ['malformed JSON', 'lms.cmd.AssignCourse', '{"not json', /the payload is not valid JSON/],
    [
      'an unknown command subject',
      'lms.cmd.Teleport',
      JSON.stringify({ commandId: ulid(), actor, data: {} }),
      /unknown command type "Teleport"/,
    ],
    [
      'an oversized payload',
      'lms.cmd.AssignCourse',
      JSON.stringify({
        commandId: ulid(),
        actor,
        data: { userIds: Array.from({ length: 500 }, (_, i) => `user-${i}`), courseIds: ['security'] },
      }),
      /over the limit of 4096 bytes/,
    ],
    [
      'a missing actor',
      'lms.cmd.AssignCourse',
      JSON.stringify({ commandId: ulid(), data: { userIds: ['ada'], courseIds: ['security'] } }),
      /actor/,
    ],
    [
      'a type contradicting the subject',
      'lms.cmd.StartCourse',
      JSON.stringify({ commandId: ulid(), type: 'AssignCourse', actor, data: {} }),
      /contradicts the subject's StartCourse/,
    ],
    [
      'an unknown query subject',
      'lms.query.Everything',
      JSON.stringify({ actor, params: {} }),
      /unknown query "Everything"/,
    ],
  ])(
    'bad input: %s gets VALIDATION_FAILED with a clear message, and the engine keeps serving',
    async (_name, subject, payload, message) => {
      const response = await h.nc.request(subject, sc.encode(payload), { timeout: 3000 });
      const reply = JSON.parse(sc.decode(response.data)) as { ok: boolean; error: { code: string; message: string } };
      expect(reply.ok).toBe(false);
      expect(reply.error.code).toBe('VALIDATION_FAILED');
      expect(reply.error.message).toMatch(message);
      const next = await h.client.queries.SearchUsers({ actor, params: { text: 'Ada' } });
      expect(next.ok).toBe(true);
    },
  );

  test('R28: invalid UTF-8 (C3 28 FF, overlong C0 AF) and duplicate keys are VALIDATION_FAILED over NATS, nothing stored', async () => {
    const store = h.stores[0] as EventStore;
    const head = await store.headPosition();
    const command = (name: string) =>
      `{"commandId":"${ulid()}","actor":{"userId":"${ADMIN}"},"data":{"orgUnitId":"x","name":"${name}"}}`;
    const withBytes = (bytes: number[]) => {
      const [before, after] = command('@').split('@') as [string, string];
      return new Uint8Array([...sc.encode(before), ...bytes, ...sc.encode(after)]);
    };
    const duplicateActor = `{"commandId":"${ulid()}","actor":{"userId":"bob"},"actor":{"userId":"${ADMIN}"},"data":{"orgUnitId":"x","name":"X"}}`;
    for (const [payload, message] of [
      [withBytes([0xc3, 0x28, 0xff]), /the payload is not valid UTF-8/],
      [withBytes([0xc0, 0xaf]), /the payload is not valid UTF-8/],
      [sc.encode(duplicateActor), /the payload names the key "actor" twice in the top-level object/],
    ] as const) {
      const response = await h.nc.request('lms.cmd.DefineOrgUnit', payload, { timeout: 3000 });
      const reply = JSON.parse(sc.decode(response.data)) as { ok: boolean; error: { code: string; message: string } };
      expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(reply.error.message).toMatch(message);
    }
    expect(await store.headPosition()).toBe(head);
  });

  test('the engine shows up in $SRV discovery with its endpoints and stats', async () => {
    const monitor = h.nc.services.client();
    const found: { name: string; endpoints?: { name: string; subject: string; num_requests: number }[] }[] = [];
    for await (const stats of await monitor.stats('lms-engine')) found.push(stats);
    expect(found).toHaveLength(1);
    expect(found[0]?.endpoints?.map((endpoint) => [endpoint.name, endpoint.subject])).toEqual([
      ['commands', 'lms.cmd.*'],
      ['queries', 'lms.query.*'],
      ['health', 'lms.health'],
    ]);
    // Each endpoint's stats carry the instance's health.
    expect((found[0]?.endpoints?.[0] as { data?: unknown } | undefined)?.data).toMatchObject({
      ok: expect.any(Boolean),
      head: expect.any(Number),
    });
    expect(found[0]?.endpoints?.[0]?.num_requests).toBeGreaterThan(0);
  });

  test('R22: integration events arrive on lms.events.{EventType} in log order, without duplicates, even when relayed again', async () => {
    const js = h.nc.jetstream();
    const store = h.stores[0];
    if (!store) throw new Error('no store');
    const head = await store.headPosition();
    const log = await wholeLog(store);
    await eventually(
      async () => (await (await h.nc.jetstreamManager()).streams.info('LMS_EVENTS')).state.messages,
      (count) => count === log.length,
    );
    const consumer = await js.consumers.get('LMS_EVENTS');
    const received: { id: string; position: number; type: string }[] = [];
    const messages = await consumer.fetch({ max_messages: log.length, expires: 5000 });
    for await (const msg of messages) {
      received.push(JSON.parse(sc.decode(msg.data)) as { id: string; position: number; type: string });
      expect(msg.subject).toBe(`lms.events.${received[received.length - 1]?.type}`);
    }
    expect(received.map((event) => event.id)).toEqual(log.map((event) => event.id));
    expect(new Set(received.map((event) => event.id)).size).toBe(received.length);
    expect(received.length).toBeGreaterThanOrEqual(6);
    // A relay that lost its checkpoint resumes after the last event already in the events stream: nothing goes
    // out twice, whatever the downtime (JetStream's duplicate window would drop a republish only within 2 minutes).
    await store.writeCheckpoint('integration-event-relay', 0);
    const restarted = new EventRelay(store, js, subjectsFor('lms'), { logger: silent });
    expect(await restarted.relay()).toBe(0);
    expect(await store.readCheckpoint('integration-event-relay')).toBe(head);
    expect((await (await h.nc.jetstreamManager()).streams.info('LMS_EVENTS')).state.messages).toBe(log.length);
  });

  test("R22: a new assignment's integration event carries the portal's notifyOnAssign", async () => {
    await h.client.commands.SetAssignmentPreferences({ actor, data: { notifyOnAssign: false } });
    const reply = await h.client.commands.CreateCourse({
      actor,
      data: { courseId: 'quiet', title: 'Quiet', kind: 'course', provider: 'Acme', trainingType: 'Skills' },
    });
    expect(reply.ok).toBe(true);
    const assigned = await h.client.commands.AssignCourse({ actor, data: { userIds: ['ada'], courseIds: ['quiet'] } });
    if (!assigned.ok) throw new Error(assigned.error.message);
    const jsm = await h.nc.jetstreamManager();
    const notified = await eventually(
      () =>
        jsm.streams.getMessage('LMS_EVENTS', { last_by_subj: 'lms.events.TrainingAssigned' }).then(
          (msg) => JSON.parse(sc.decode(msg.data)) as { data: { courseId: string; notify: boolean } },
          () => undefined,
        ),
      (event) => event?.data.courseId === 'quiet',
    );
    expect(notified?.data.notify).toBe(false);
  });
});
