import { workerData } from 'node:worker_threads';
import { StoredParkedWorkLog } from '../../handlers/parkedWorkLog';
import { systemClock } from '../../handlers/ports/clock';
import { ProjectionRuntime } from '../../projections/projectionRuntime';
import { ReadModelDb } from '../../projections/readModelDb';
import { openEventStore } from '../openEventStore';
import { serveThreadRequests } from '../threads/threadRequests';
import type { ProjectionThreadData, ProjectionThreadRequest } from './projectionThreadMessages';

/**
 * The projection thread: its own connections to the event store and the read models, projecting on request. The
 * engine's thread keeps deciding commands meanwhile, and queries read the read models through their own connection.
 */
const data = workerData as ProjectionThreadData;
const store = openEventStore(data.config, { writerThread: false });
const readModels = ReadModelDb.open({
  file: data.readModelFile,
  synchronous: 'NORMAL',
  cacheMb: data.config.LMS_READ_MODEL_CACHE_MB,
});
// Events the read models cannot take are parked in the store (R29), through this thread's own connection.
const parked = new StoredParkedWorkLog(store, systemClock);
const runtime = new ProjectionRuntime(store, readModels, {
  parked,
  ...(data.batchSize === undefined ? {} : { batchSize: data.batchSize }),
});

serveThreadRequests<ProjectionThreadRequest, string>(
  (request) => runtime.catchUp(request.until === undefined ? {} : { until: request.until }),
  (error) => (error instanceof Error ? error.message : String(error)),
  async () => {
    // The catch-up in hand finishes first (the runtime runs one at a time), then the connections close.
    await runtime.catchUp({ until: 0 }).catch(() => 0);
    readModels.close();
    await store.close();
  },
);
