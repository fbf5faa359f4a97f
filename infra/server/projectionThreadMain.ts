import { parentPort, workerData } from 'node:worker_threads';
import { ProjectionRuntime } from '../../projections/projectionRuntime';
import { ReadModelDb } from '../../projections/readModelDb';
import { openEventStore } from '../openEventStore';
import type { ProjectionThreadData, ProjectionThreadReply, ProjectionThreadRequest } from './projectionThreadMessages';

/**
 * The projection thread: its own connections to the event store and the read models, projecting on request. The
 * engine's thread keeps deciding commands meanwhile, and queries read the read models through their own connection.
 */
const port = parentPort;
if (!port) throw new Error('projectionThreadMain runs as a worker thread');
const data = workerData as ProjectionThreadData;
const store = openEventStore(data.config);
const readModels = ReadModelDb.open({ file: data.readModelFile, synchronous: 'NORMAL' });
const runtime = new ProjectionRuntime(store, readModels, data.batchSize === undefined ? {} : { batchSize: data.batchSize });
const reply = (message: ProjectionThreadReply) => port.postMessage(message);

port.on('message', (request: ProjectionThreadRequest) => {
  if (request.type === 'stop') {
    // Catch-ups in hand finish first (the runtime runs one at a time), then the connections close.
    void runtime
      .catchUp({ until: 0 })
      .catch(() => 0)
      .then(async () => {
        readModels.close();
        await store.close();
        port.close();
      });
    return;
  }
  runtime.catchUp(request.until === undefined ? {} : { until: request.until }).then(
    (events) => reply({ type: 'caughtUp', id: request.id, events }),
    (error: unknown) => reply({ type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) }),
  );
});
