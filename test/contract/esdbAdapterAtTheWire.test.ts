/**
 * Issue #15: what the EventStoreDB adapter costs and refuses at the wire, on the protocol-level test server
 * (test/support/esdbServer), counted in the calls the server receives.
 */

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ulid } from 'ulid';
import { ManualClock } from '../../handlers/ports/clock';
import { AppendTooLargeError, EventStoreAccessDeniedError, type NewEvent } from '../../handlers/ports/eventStore';
import { loadConfig } from '../../infra/config';
import { EventStoreDbEventStore } from '../../infra/eventstore/eventStoreDbEventStore';
import { loadNatsConfig } from '../../infra/nats/natsConfig';
import { EngineServer } from '../../infra/server/engineServer';
import { silent } from '../nats/natsHarness';
import { type EsdbTestServer, startEsdbTestServer } from '../support/esdbServer/esdbTestServer';

function event(data: unknown = { n: 1 }): NewEvent {
  const commandId = ulid();
  return {
    id: randomUUID(),
    type: 'Noted',
    data,
    metadata: { actorId: 'test', commandId, correlationId: commandId, occurredAt: '2026-12-03T09:00:00.000Z' },
  };
}

describe('the EventStoreDB adapter at the wire (protocol test server)', () => {
  let server: EsdbTestServer;
  const stores: EventStoreDbEventStore[] = [];
  const open = (prefix: string, options: { maxAppendSize?: number } = {}) => {
    const store = EventStoreDbEventStore.connect({
      connectionString: server.connectionString,
      streamPrefix: prefix,
      ...options,
    });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    server = await startEsdbTestServer({ maxAppendSize: 4096 });
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await server.stop();
  });

  test('head() is one small read when the last record is its own, two on a shared server, however long the log', async () => {
    const own = open('own');
    const other = open('other');
    const { position } = await own.append([{ stream: 's', expectedRevision: 'any', events: [event(), event()] }]);
    let reads = server.calls.read;
    expect(await own.headPosition()).toBe(position);
    expect(server.calls.read - reads).toBe(1);

    // 2,000 events of another prefix after ours: head() neither pages through them nor ships them.
    for (let i = 0; i < 20; i++) {
      await other.append([
        { stream: `t${i}`, expectedRevision: 'any', events: Array.from({ length: 100 }, () => event()) },
      ]);
    }
    reads = server.calls.read;
    expect(await own.headPosition()).toBe(position);
    expect(server.calls.read - reads).toBe(2);
  });

  test('readAll filters on the server: one call for this prefix’s events among thousands of others', async () => {
    const mine = open('mine');
    const noise = open('noise');
    for (let i = 0; i < 10; i++) {
      await noise.append([
        { stream: `n${i}`, expectedRevision: 'any', events: Array.from({ length: 200 }, () => event()) },
      ]);
    }
    const { position } = await mine.append([
      { stream: 'x', expectedRevision: 'any', events: [event(), event(), event()] },
    ]);
    const reads = server.calls.read;
    const read = await mine.readAll(0, 1000);
    expect(server.calls.read - reads).toBe(1);
    expect(read.map((stored) => stored.stream)).toEqual(['x', 'x', 'x']);
    expect(read[2]?.position).toBe(position);
    expect(await mine.readAll(position, 1000)).toEqual([]);
  });

  test('a write over the server’s append limit is refused before the first write of the call: nothing stored', async () => {
    const store = open('big', { maxAppendSize: 4096 });
    const appends = server.calls.append + server.calls.batchAppend;
    const big = event({ note: 'x'.repeat(5000) });
    await expect(
      store.append([
        { stream: 'small', expectedRevision: 'no_stream', events: [event()] },
        { stream: 'large', expectedRevision: 'no_stream', events: [big] },
      ]),
    ).rejects.toThrow(AppendTooLargeError);
    expect(server.calls.append + server.calls.batchAppend).toBe(appends);
    expect(await store.readStream('small')).toEqual([]);
  });

  test('the server’s own refusal of an oversized write (limit not configured here) is AppendTooLargeError too', async () => {
    const store = open('unset');
    await expect(
      store.append([{ stream: 'large', expectedRevision: 'no_stream', events: [event({ note: 'x'.repeat(5000) })] }]),
    ).rejects.toThrow(AppendTooLargeError);
    expect(await store.readStream('large')).toEqual([]);
  });
});

describe('refused credentials (protocol test server answering as to a wrong password)', () => {
  let server: EsdbTestServer;
  beforeAll(async () => {
    server = await startEsdbTestServer({ rejectCredentials: true });
  });
  afterAll(() => server.stop());

  test('ping says access was refused and what to check, not that the server is down', async () => {
    const store = EventStoreDbEventStore.connect({ connectionString: server.connectionString });
    await expect(store.ping()).rejects.toThrow(EventStoreAccessDeniedError);
    await expect(store.ping()).rejects.toThrow(/check the user and password/);
    await store.close();
  });

  test('lms serve stops at start on it, after one ping, instead of waiting for an outage to end', async () => {
    const store = EventStoreDbEventStore.connect({ connectionString: server.connectionString });
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-denied-'));
    const engine = new EngineServer({
      config: loadConfig({}, { LMS_DATA: data, LMS_BOOTSTRAP_ADMIN: 'admin' }),
      nats: loadNatsConfig({ NATS_URL: 'nats://127.0.0.1:1' }),
      clock: new ManualClock('2026-12-03T09:00:00.000Z'),
      logger: silent,
      store,
    });
    const reads = server.calls.read;
    await expect(engine.start()).rejects.toThrow(EventStoreAccessDeniedError);
    expect(server.calls.read - reads).toBe(1);
  });
});
