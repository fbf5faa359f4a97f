import { workerData } from 'node:worker_threads';
import { ReadModelDb } from '../../projections/readModelDb';
import { rebuildTrainingFrom } from '../../projections/streamRebuild';
import { SqliteEventStore } from '../eventstore/sqliteEventStore';
import { serveThreadRequests } from '../threads/threadRequests';
import type { RebuildHelperData, RebuildHelperRequest } from './rebuildHelperMessages';

/**
 * The rebuild's second thread: reads the event store through its own connection and rebuilds its half of the users
 * into a read-model file of its own, in bulk mode (no journal on disk, no fsync: a scratch file the rebuild copies).
 */
const data = workerData as RebuildHelperData;
const store = SqliteEventStore.open({ file: data.eventsFile, writerThread: false });

serveThreadRequests<RebuildHelperRequest, string>(
  async (request) => {
    const readModels = ReadModelDb.open({ file: request.file, bulk: true });
    try {
      return await rebuildTrainingFrom(store, readModels, request);
    } finally {
      readModels.close();
    }
  },
  (error) => (error instanceof Error ? error.message : String(error)),
  () => store.close(),
);
