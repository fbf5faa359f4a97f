import { workerData } from 'node:worker_threads';
import { StoredParkedWorkLog } from '../../handlers/parkedWorkLog';
import { systemClock } from '../../handlers/ports/clock';
import { ProjectionRuntime } from '../../projections/projectionRuntime';
import { ReadModelDb } from '../../projections/readModelDb';
import { SqliteEventStore } from '../eventstore/sqliteEventStore';
import { openEventStore } from '../openEventStore';
import { serveThreadRequests } from '../threads/threadRequests';
import type { ProjectionThreadData, ProjectionThreadRequest } from './projectionThreadMessages';

/**
 * The projection thread: its own connections to the event store and the read models, projecting on request. The
 * engine's thread keeps deciding commands meanwhile, and queries read the read models through their own connection.
 */
const data = workerData as ProjectionThreadData;
/** How often the event store's WAL is checkpointed: often, so that each checkpoint has little to copy. */
const WAL_CHECKPOINT_INTERVAL_MS = 200;
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

// The embedded store's WAL is checkpointed here, off the commit path (the engine's writer leaves it to this thread:
// buildEngine.ts). A passive checkpoint waits for no lock; one that fails is tried again at the next tick.
const walCheckpoints =
  store instanceof SqliteEventStore
    ? setInterval(() => {
        try {
          store.checkpointWal();
        } catch {
          // The store unavailable for a moment: the next tick tries again, and the writer's backstop stays.
        }
      }, WAL_CHECKPOINT_INTERVAL_MS)
    : undefined;

serveThreadRequests<ProjectionThreadRequest, string>(
  (request) => runtime.catchUp(request.until === undefined ? {} : { until: request.until }),
  (error) => (error instanceof Error ? error.message : String(error)),
  async () => {
    // The catch-up in hand finishes first (the runtime runs one at a time), then the connections close.
    await runtime.catchUp({ until: 0 }).catch(() => 0);
    clearInterval(walCheckpoints);
    readModels.close();
    await store.close();
  },
);
