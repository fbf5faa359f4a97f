import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NatsConnection } from 'nats';
import { connect } from 'nats';
import pino from 'pino';
import { ManualClock } from '../../handlers/ports/clock';
import type { EventStore } from '../../handlers/ports/eventStore';
import type { Config } from '../../infra/config';
import { loadConfig } from '../../infra/config';
import { EventStoreDbEventStore } from '../../infra/eventstore/eventStoreDbEventStore';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { createClient } from '../../infra/nats/client';
import type { NatsConfig } from '../../infra/nats/natsConfig';
import { loadNatsConfig } from '../../infra/nats/natsConfig';
import { EngineServer } from '../../infra/server/engineServer';
import { type LaunchOptions, NatsServerProcess } from '../support/natsServer';

export const ADMIN = 'root';
export const silent = pino({ level: 'silent' });

/** A real nats-server, engine instances on a shared SQLite event store, and a client connection. */
export async function natsHarness(
  options: { natsEnv?: Record<string, string>; natsServer?: LaunchOptions; schedulerIntervalMs?: number } = {},
) {
  const nats = await NatsServerProcess.start(options.natsServer);
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-nats-data-'));
  const storeFile = path.join(dataRoot, 'events.db');
  const clock = new ManualClock('2026-11-02T09:00:00.000Z');
  const servers: EngineServer[] = [];
  const stores: EventStore[] = [];
  const natsConfig = (): NatsConfig =>
    loadNatsConfig({ NATS_URL: nats.url, LMS_ACK_WAIT_SECONDS: '2', LMS_MAX_DELIVER: '3', ...options.natsEnv });

  // One log shared by every engine of the harness: a SQLite file, or a live EventStoreDB when configured.
  const sharedPrefix = `nats_${randomBytes(6).toString('hex')}`;
  function openStore(): EventStore {
    const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
    const store = connectionString
      ? EventStoreDbEventStore.connect({ connectionString, streamPrefix: sharedPrefix })
      : SqliteEventStore.open({ file: storeFile, pollIntervalMs: 20 });
    stores.push(store);
    return store;
  }

  async function startEngine(
    name = `engine-${servers.length + 1}`,
    overrides: Partial<Config> = {},
  ): Promise<EngineServer> {
    const store = openStore();
    const config = loadConfig({}, { LMS_DATA: path.join(dataRoot, name), LMS_BOOTSTRAP_ADMIN: ADMIN, ...overrides });
    const server = new EngineServer({
      config,
      nats: natsConfig(),
      clock,
      logger: silent,
      store,
      instance: name,
      pollIntervalMs: 20,
      schedulerIntervalMs: options.schedulerIntervalMs ?? 50,
    });
    await server.start();
    servers.push(server);
    return server;
  }

  const nc: NatsConnection = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  const client = createClient(nc, { timeoutMs: 3000 });

  async function dispose(): Promise<void> {
    await nc.close().catch(() => undefined);
    for (const server of servers) await server.stop().catch(() => undefined);
    await nats.dispose();
    fs.rmSync(dataRoot, { recursive: true, force: true });
  }

  /** Sets up a small portal over NATS. */
  async function seed(): Promise<void> {
    const c = client.commands;
    const actor = { userId: ADMIN };
    const replies = [
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
      await c.RegisterUser({
        actor,
        data: { userId: 'sam', name: 'Sam Seller', email: 'sam@acme.test', orgUnitId: 'acme', hireDate: '2024-03-01' },
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
    ];
    for (const reply of replies) if (!reply.ok) throw new Error(`seed refused: ${reply.error.message}`);
  }

  return { nats, nc, client, clock, storeFile, openStore, startEngine, servers, stores, dispose, seed };
}

/** Polls until a condition holds (bounded), for effects that arrive asynchronously. */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline)
      throw new Error(`condition not reached within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    last = await probe();
  }
  return last;
}
