import type { NatsConnection } from 'nats';
import { connect, headers, StringCodec } from 'nats';
import { ulid } from 'ulid';
import { CommandHandler } from '../../handlers/commandHandler';
import type { EventStore } from '../../handlers/ports/eventStore';
import type { CommandReply } from '../../handlers/ports/reply';
import { createClient } from '../../infra/nats/client';
import { CommandIntake } from '../../infra/nats/commandIntake';
import { ensureJetStream } from '../../infra/nats/jetstreamSetup';
import { subjectsFor } from '../../infra/nats/subjects';
import type { EngineServer } from '../../infra/server/engineServer';
import { ADMIN, eventually, natsHarness, silent } from './natsHarness';

jest.setTimeout(60_000);
const actor = { userId: ADMIN };
const sc = StringCodec();
const subjects = subjectsFor('lms');
const limits = { maxPayload: 512 * 1024, maxDeliver: 3, ackWaitSeconds: 2 };

describe('durable command intake through JetStream (real nats-server)', () => {
  let h: Awaited<ReturnType<typeof natsHarness>>;
  beforeEach(async () => {
    h = await natsHarness();
  });
  afterEach(() => h.dispose());

  test('R21: the same durable command published twice is stored once and its result published', async () => {
    await h.startEngine();
    await h.seed();
    const commandId = ulid();
    const first = await h.client.durable.AssignCourse({
      commandId,
      actor,
      data: { userIds: ['ada'], courseIds: ['security'] },
    });
    const second = await h.client.durable.AssignCourse({
      commandId,
      actor,
      data: { userIds: ['ada'], courseIds: ['security'] },
    });
    expect([first.duplicate, second.duplicate]).toEqual([false, true]);
    const result = await h.client.awaitResult(commandId);
    expect(result).toMatchObject({
      ok: true,
      commandId,
      events: [{ type: 'TrainingAssigned', stream: 'training-ada' }],
    });
    const store = h.stores[0] as EventStore;
    expect((await store.readStream('training-ada')).map((event) => event.type)).toEqual(['TrainingAssigned']);
  });

  test("R21: published again after JetStream's duplicate window (a new message), the command id still stores nothing twice", async () => {
    await h.startEngine();
    await h.seed();
    const commandId = ulid();
    const body = JSON.stringify({ commandId, actor, data: { userIds: ['sam'], courseIds: ['security'] } });
    // Two different Nats-Msg-Ids stand in for a republish after the window: JetStream keeps both messages.
    for (const msgID of [commandId, `${commandId}-later`])
      await h.nc.jetstream().publish('lms.intake.AssignCourse', sc.encode(body), { msgID });
    const store = h.stores[0] as EventStore;
    await eventually(
      async () =>
        (await (await h.nc.jetstreamManager()).consumers.info('LMS_COMMANDS', 'lms-engine')).num_pending +
        (await (await h.nc.jetstreamManager()).consumers.info('LMS_COMMANDS', 'lms-engine')).num_ack_pending,
      (pending) => pending === 0,
    );
    expect((await store.readStream('training-sam')).map((event) => event.type)).toEqual(['TrainingAssigned']);
  });

  test('a command stored but not acked (the engine died before the ack) is redelivered and appends nothing more', async () => {
    const store = h.openStore();
    const engine = new CommandHandler({ store, clock: h.clock, bootstrapAdminId: ADMIN });
    for (const [type, data] of [
      ['DefineOrgUnit', { orgUnitId: 'acme', name: 'Acme' }],
      [
        'RegisterUser',
        { userId: 'ada', name: 'Ada', email: 'ada@acme.test', orgUnitId: 'acme', hireDate: '2024-01-01' },
      ],
      [
        'CreateCourse',
        {
          courseId: 'security',
          title: 'Security Awareness',
          kind: 'course',
          provider: 'SecureCo',
          trainingType: 'Compliance',
        },
      ],
    ] as const) {
      expect((await engine.handle({ commandId: ulid(), type, actor, data })).ok).toBe(true);
    }
    const dying: NatsConnection = await connect({ servers: h.nats.url });
    await ensureJetStream(await dying.jetstreamManager(), subjects, limits);
    let handled = 0;
    const first = new CommandIntake(
      dying.jetstream(),
      subjects,
      async (input) => {
        const reply = await engine.handle(input);
        handled++;
        await dying.close(); // the process dies here: events stored, no ack sent
        return reply;
      },
      { maxPayload: limits.maxPayload, maxDeliver: limits.maxDeliver, logger: silent },
    );
    await first.start();
    const commandId = ulid();
    await h.client.durable.AssignCourse({ commandId, actor, data: { userIds: ['ada'], courseIds: ['security'] } });
    await eventually(
      async () => handled,
      (count) => count === 1,
    );

    const survivor: NatsConnection = await connect({ servers: h.nats.url });
    const replies: CommandReply[] = [];
    const second = new CommandIntake(
      survivor.jetstream(),
      subjects,
      async (input) => {
        const reply = await engine.handle(input);
        replies.push(reply);
        return reply;
      },
      { maxPayload: limits.maxPayload, maxDeliver: limits.maxDeliver, logger: silent },
    );
    await second.start();
    const result = await h.client.awaitResult(commandId, 15_000);
    expect(result).toMatchObject({ ok: true, commandId });
    expect(replies).toHaveLength(1);
    expect((await store.readStream('training-ada')).map((event) => event.type)).toEqual(['TrainingAssigned']);
    // The survivor only saw the command because the first delivery was never acked; it replayed the first reply.
    expect(replies[0]).toMatchObject({ ok: true, events: [{ type: 'TrainingAssigned' }] });
    await first.stop();
    await second.stop();
    await survivor.close();
  });

  test('R27: a bulk command whose full reply would pass the NATS limit answers ok, bounded, by request and through the durable intake; nothing is dead-lettered', async () => {
    await h.startEngine();
    await h.seed();
    const c = h.client.commands;
    const userIds = Array.from({ length: 75 }, (_, i) => `u${i}`);
    const courseIds = Array.from({ length: 70 }, (_, i) => `c${i}`);
    for (const userId of userIds)
      await c.RegisterUser({
        actor,
        data: { userId, name: userId, email: `${userId}@acme.test`, orgUnitId: 'acme', hireDate: '2024-03-01' },
      });
    for (const courseId of courseIds)
      await c.CreateCourse({
        actor,
        data: { courseId, title: `Course ${courseId}`, kind: 'course', provider: 'Acme', trainingType: 'Skills' },
      });
    // 5,250 pairs: listed one by one, the reply would be well over NATS's 1 MB. On EventStoreDB such a command takes
    // more than the harness's 3 s (a stream read and an append per user), so this request waits longer.
    const patient = createClient(h.nc, { timeoutMs: 60_000 }).commands;
    const reply = await patient.AssignCourse({ actor, data: { userIds, courseIds } });
    expect(reply).toMatchObject({ ok: true, resultsTotal: 5250, resultCounts: { assigned: 5250 }, eventsTotal: 5250 });
    const { commandId } = await h.client.durable.AssignCourse({
      actor,
      data: { userIds, courseIds, dueDate: '2027-01-31' },
    });
    const result = await h.client.awaitResult(commandId, 30_000);
    expect(result).toMatchObject({ ok: true, resultsTotal: 5250, resultCounts: { unchanged: 5250 } });
    expect(JSON.stringify(result).length).toBeLessThan(100_000);
    const jsm = await h.nc.jetstreamManager();
    expect((await jsm.streams.info('LMS_DEADLETTER')).state.messages).toBe(0);
  });

  test('a poison message (invalid JSON) is terminated at once, recorded on the dead-letter stream, and answered', async () => {
    await h.startEngine();
    const commandId = ulid();
    const h1 = headers();
    h1.set('Nats-Msg-Id', commandId);
    await h.nc.jetstream().publish('lms.intake.AssignCourse', sc.encode('{"broken'), { headers: h1, msgID: commandId });
    const result = await h.client.awaitResult(commandId);
    expect(result).toMatchObject({
      ok: false,
      commandId,
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/not valid JSON/) },
    });
    const jsm = await h.nc.jetstreamManager();
    const dead = await eventually(
      () =>
        jsm.streams.getMessage('LMS_DEADLETTER', { last_by_subj: 'lms.deadletter.AssignCourse' }).then(
          (msg) => JSON.parse(sc.decode(msg.data)) as { why: string; deliveries: number },
          () => undefined,
        ),
      (value) => value !== undefined,
    );
    expect(dead).toMatchObject({ why: 'invalid', deliveries: 1 });
    // Past the ack wait (2 s here) nothing comes back: one record, and the message is gone from the work queue.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await jsm.streams.info('LMS_DEADLETTER')).state.messages).toBe(1);
    expect((await jsm.streams.info('LMS_COMMANDS')).state.messages).toBe(0);
  });

  test('a command that keeps failing is terminated after the bounded number of deliveries and recorded, never redelivered forever', async () => {
    const nc = await connect({ servers: h.nats.url });
    await ensureJetStream(await nc.jetstreamManager(), subjects, limits);
    let attempts = 0;
    const intake = new CommandIntake(
      nc.jetstream(),
      subjects,
      async () => {
        attempts++;
        throw new Error('event store unreachable');
      },
      { maxPayload: limits.maxPayload, maxDeliver: limits.maxDeliver, logger: silent },
    );
    await intake.start();
    const { commandId } = await h.client.durable.StartCourse({ actor, data: { userId: 'ada', courseId: 'security' } });
    const result = await h.client.awaitResult(commandId, 20_000);
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/gave up after 3 attempts: event store unreachable/),
      },
    });
    expect(attempts).toBe(3);
    const jsm = await h.nc.jetstreamManager();
    const dead = JSON.parse(
      sc.decode((await jsm.streams.getMessage('LMS_DEADLETTER', { last_by_subj: 'lms.deadletter.StartCourse' })).data),
    ) as { why: string };
    expect(dead.why).toBe('failing repeatedly');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(attempts).toBe(3);
    await intake.stop();
    await nc.close();
  });

  test('an event store outage does not dead-letter accepted commands: they wait in place and land when the store is back', async () => {
    await h.startEngine();
    await h.seed();
    // Take the engine's own intake away and consume with one whose store is "down" for its first 4 calls (more than LMS_MAX_DELIVER).
    await (h.servers[0] as EngineServer).stop();
    const store = h.openStore();
    const engine = new CommandHandler({ store, clock: h.clock, bootstrapAdminId: ADMIN });
    const nc = await connect({ servers: h.nats.url });
    let calls = 0;
    const down: CommandReply = {
      ok: false,
      commandId: null,
      error: { code: 'UNAVAILABLE', message: 'disk gone', details: {} },
    };
    const intake = new CommandIntake(
      nc.jetstream(),
      subjects,
      async (input) => (++calls <= 4 ? down : engine.handle(input)),
      { maxPayload: limits.maxPayload, maxDeliver: limits.maxDeliver, logger: silent },
    );
    try {
      await intake.start();
      const { commandId } = await h.client.durable.AssignCourse({
        actor,
        data: { userIds: ['sam'], courseIds: ['security'] },
      });
      expect(await h.client.awaitResult(commandId, 30_000)).toMatchObject({ ok: true, commandId });
      expect(calls).toBe(5);
      const jsm = await h.nc.jetstreamManager();
      expect((await jsm.streams.info('LMS_DEADLETTER')).state.messages).toBe(0);
    } finally {
      await intake.stop();
      await nc.close();
    }
  });
});
