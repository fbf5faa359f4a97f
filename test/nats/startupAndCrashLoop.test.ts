import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NatsConnection } from 'nats';
import { connect } from 'nats';
import { ulid } from 'ulid';
import { createClient } from '../../infra/nats/client';
import { eventsByCommand, expectReadModelsEqualRebuild, readLog, waitFor } from '../support/dataFolderChecks';
import { EngineProcess } from '../support/engineProcess';
import { NatsServerProcess } from '../support/natsServer';

jest.setTimeout(120_000);

/**
 * Issue #13 item 5 on real processes: `lms serve` waits for a NATS whose JetStream is not ready yet instead of dying
 * with TIMEOUT, and a crash loop (processes killed before they reach the decider) never turns commands JetStream
 * accepted into poison. Real nats-server, real `lms serve` from dist/.
 */
const ACTOR = { userId: 'root' };

describe('lms serve at start and in a crash loop (real processes)', () => {
  let nats: NatsServerProcess;
  let data: string;
  afterEach(async () => {
    await nats.dispose();
    fs.rmSync(data, { recursive: true, force: true });
  });

  test('R29 (outages wait in place): the JetStream set-up is retried with a log line naming NATS until JetStream is there, then the engine serves', async () => {
    nats = await NatsServerProcess.start({ jetStream: false });
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-startup-'));
    const engine = EngineProcess.spawn(data, { NATS_URL: nats.url });
    try {
      await waitFor(
        async () => engine.output,
        (log) => log.includes('NATS JetStream set-up failed; waiting for NATS'),
        20_000,
        'the set-up retry log line',
      );
      expect(engine.running).toBe(true);
      expect(engine.output).toMatch(/JetStream is not enabled on the NATS server/);
      // NATS restarts, now with JetStream: the engine's connection comes back and the next attempt succeeds.
      await nats.stop();
      await nats.launch();
      await engine.ready(40_000);
      const nc = await connect({ servers: nats.url });
      const reply = await createClient(nc).commands.DefineOrgUnit({
        actor: ACTOR,
        data: { orgUnitId: 'acme', name: 'Acme' },
      });
      expect(reply.ok).toBe(true);
      await nc.close();
      expect(await engine.stop('SIGTERM')).toBe(0);
    } finally {
      if (engine.running) await engine.stop('SIGKILL');
    }
  });

  test('R21: in a crash loop, commands delivered more often than LMS_MAX_DELIVER without reaching the decider are still carried out once, none dead-lettered', async () => {
    nats = await NatsServerProcess.start();
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-crashloop-'));
    const env = { NATS_URL: nats.url, LMS_MAX_DELIVER: '3', LMS_ACK_WAIT_SECONDS: '1' };
    let engine = EngineProcess.spawn(data, env);
    await engine.ready();
    const nc: NatsConnection = await connect({ servers: nats.url, maxReconnectAttempts: -1 });
    const client = createClient(nc, { timeoutMs: 5000 });
    const users = Array.from({ length: 12 }, (_, i) => `u${i + 1}`);
    try {
      for (const [type, payload] of [
        ['DefineOrgUnit', { orgUnitId: 'acme', name: 'Acme' }],
        [
          'CreateCourse',
          { courseId: 'security', title: 'Security', kind: 'course', provider: 'Acme', trainingType: 'IT' },
        ],
        ...users.map((userId) => [
          'RegisterUser',
          { userId, name: userId, email: `${userId}@acme.test`, orgUnitId: 'acme', hireDate: '2024-01-01' },
        ]),
      ] as const) {
        const command = client.commands[type as 'DefineOrgUnit'] as (input: unknown) => Promise<{ ok: boolean }>;
        expect((await command({ actor: ACTOR, data: payload })).ok).toBe(true);
      }
      expect(await engine.stop('SIGTERM')).toBe(0);

      // While no engine runs, twelve durable commands are accepted by JetStream.
      const commandIds: string[] = [];
      for (const userId of users) {
        const commandId = ulid();
        commandIds.push(commandId);
        await client.durable.AssignCourse({
          commandId,
          actor: ACTOR,
          data: { userIds: [userId], courseIds: ['security'] },
        });
      }
      // Engines that die before deciding anything: each takes the messages and is gone (four deliveries each, more
      // than LMS_MAX_DELIVER = 3), then six lives of 300 ms.
      const consumer = await nc.jetstream().consumers.get('LMS_COMMANDS', 'lms-engine');
      for (let round = 0; round < 4; round++) {
        const batch = await consumer.fetch({ max_messages: users.length, expires: 3000 });
        for await (const msg of batch) msg.nak();
      }
      for (let life = 0; life < 6; life++) {
        const short = EngineProcess.spawn(data, env);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await short.stop('SIGKILL');
      }

      engine = EngineProcess.spawn(data, env);
      await engine.ready();
      for (const commandId of commandIds)
        expect(await client.awaitResult(commandId, 30_000)).toMatchObject({ ok: true, commandId });
      const jsm = await nc.jetstreamManager();
      expect((await jsm.streams.info('LMS_DEADLETTER')).state.messages).toBe(0);
      expect(await engine.stop('SIGTERM')).toBe(0);

      const byCommand = eventsByCommand(await readLog(data));
      for (const commandId of commandIds)
        expect((byCommand.get(commandId) ?? []).map((event) => event.type)).toEqual(['TrainingAssigned']);
      expectReadModelsEqualRebuild(data);
    } finally {
      await nc.close();
      if (engine.running) await engine.stop('SIGKILL');
    }
  });
});
