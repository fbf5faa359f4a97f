import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, StringCodec } from 'nats';
import pino from 'pino';
import { ManualClock } from '../../handlers/ports/clock';
import { loadConfig } from '../../infra/config';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { createClient } from '../../infra/nats/client';
import { RELAY_CHECKPOINT } from '../../infra/nats/eventRelay';
import { loadNatsConfig } from '../../infra/nats/natsConfig';
import { EngineServer } from '../../infra/server/engineServer';
import { NatsServerProcess } from '../support/natsServer';
import { eventually } from './natsHarness';

const actor = { userId: 'root' };
const sc = StringCodec();

/**
 * `lms serve` as configured (a SQLite data folder, no store handed in): appends through the writer thread, read
 * models from the projection thread, integration events from the relay thread.
 */
describe('engine server on its threads (writer, projections, relay)', () => {
  test('R22 and R20: commands over NATS are stored, visible to queries, published in log order; a stop flushes the relay checkpoint', async () => {
    const nats = await NatsServerProcess.start();
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-threads-'));
    const server = new EngineServer({
      config: loadConfig({}, { LMS_DATA: data, LMS_BOOTSTRAP_ADMIN: 'root' }),
      nats: loadNatsConfig({ NATS_URL: nats.url }),
      clock: new ManualClock('2026-11-02T09:00:00.000Z'),
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 20,
    });
    const nc = await connect({ servers: nats.url });
    try {
      await server.start();
      const client = createClient(nc, { timeoutMs: 5000 });
      const c = client.commands;
      for (const reply of [
        await c.DefineOrgUnit({ actor, data: { orgUnitId: 'acme', name: 'Acme' } }),
        await c.RegisterUser({
          actor,
          data: {
            userId: 'ada',
            name: 'Ada Lovelace',
            email: 'ada@acme.test',
            orgUnitId: 'acme',
            hireDate: '2024-03-01',
          },
        }),
        await c.CreateCourse({
          actor,
          data: {
            courseId: 'security',
            title: 'Security Awareness',
            kind: 'course',
            provider: 'SecureCo',
            trainingType: 'Compliance',
          },
        }),
      ])
        expect(reply.ok).toBe(true);
      const rule = await c.CreateAssignmentRule({
        actor,
        data: { ruleId: 'r-all', courseId: 'security', target: { kind: 'allUsers' }, mode: 'dynamic' },
      });
      if (!rule.ok) throw new Error(rule.error.message);
      // The reactor assigns, the projection thread projects: the dashboard shows it.
      await eventually(
        async () => client.queries.UserDashboard({ actor, params: { userId: 'ada' } }),
        (answer) => answer.ok && (answer.result as unknown[]).length === 1,
      );
      const store = SqliteEventStore.open({ file: path.join(data, 'events.db') });
      const head = await store.headPosition();
      const jsm = await nc.jetstreamManager();
      await eventually(
        async () => (await jsm.streams.info('LMS_EVENTS')).state.messages,
        (count) => count === head,
      );
      const consumer = await nc.jetstream().consumers.get('LMS_EVENTS');
      const received: string[] = [];
      for await (const msg of await consumer.fetch({ max_messages: head, expires: 5000 }))
        received.push((JSON.parse(sc.decode(msg.data)) as { id: string }).id);
      expect(received).toEqual((await store.readAll(0, head)).map((event) => event.id));
      await server.stop();
      expect(await store.readCheckpoint(RELAY_CHECKPOINT)).toBe(head);
      await store.close();
    } finally {
      await server.stop().catch(() => undefined);
      await nc.close();
      await nats.dispose();
      fs.rmSync(data, { recursive: true, force: true });
    }
  });
});
