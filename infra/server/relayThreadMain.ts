import { workerData } from 'node:worker_threads';
import { connect } from 'nats';
import { StoredParkedWorkLog } from '../../handlers/parkedWorkLog';
import { systemClock } from '../../handlers/ports/clock';
import { createLogger } from '../logger';
import { EventRelay } from '../nats/eventRelay';
import { connectionOptions } from '../nats/natsConfig';
import { subjectsFor } from '../nats/subjects';
import { openEventStore } from '../openEventStore';
import { serveThreadRequests } from '../threads/threadRequests';
import type { RelayThreadData, RelayThreadRequest } from './relayThreadMessages';

/**
 * The event relay's thread: its own store connection and NATS connection, publishing stored events to JetStream on
 * request. Two Error objects per JetStream publish, the page reads and the socket writes no longer share the thread
 * that decides commands.
 */
const data = workerData as RelayThreadData;
const logger = createLogger(data.logLevel);
const store = openEventStore(data.config, { writerThread: false });
const connection = connect(connectionOptions(data.nats, data.connectionName));
const relay = connection.then(
  (nc) =>
    new EventRelay(store, nc.jetstream(), subjectsFor(data.config.LMS_PREFIX), {
      logger,
      checkpointIntervalMs: data.checkpointIntervalMs,
      // Events NATS refuses are parked in the store (R29), through this thread's own connection.
      parked: new StoredParkedWorkLog(store, systemClock),
    }),
);
// One run at a time: runs requested meanwhile follow it (a publish page and its checkpoint are never interleaved).
let queue: Promise<unknown> = Promise.resolve();
const serially = <T>(work: () => Promise<T>): Promise<T> => {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
};

serveThreadRequests<RelayThreadRequest, string>(
  (request) =>
    serially(async () => {
      const relayed = await (await relay).relay();
      if (request.flush) await (await relay).flushCheckpoint();
      return relayed;
    }),
  (error) => (error instanceof Error ? error.message : String(error)),
  async () => {
    await serially(async () => undefined);
    const nc = await connection;
    // While NATS is down a drain never completes: give it a bound, then close.
    await Promise.race([nc.drain(), new Promise((resolve) => setTimeout(resolve, 5_000))]).catch(() => undefined);
    if (!nc.isClosed()) await nc.close().catch(() => undefined);
    await store.close();
  },
);
