import { workerData } from 'node:worker_threads';
import {
  DuplicateCommandError,
  EventStoreCorruptError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
} from '../../handlers/ports/eventStore';
import { serveThreadRequests } from '../threads/threadRequests';
import { SqliteEventStore } from './sqliteEventStore';
import type { SqliteWriterData, SqliteWriterError, SqliteWriterRequest } from './sqliteWriterMessages';

/**
 * The SQLite writer thread: every append and checkpoint of its owner goes through this thread's connection, with
 * the same group commit (appends arriving together share one transaction and one fsync). The owner's thread keeps
 * deciding while this one waits for the disk.
 */
const data = workerData as SqliteWriterData;
const store = SqliteEventStore.open({
  file: data.file,
  synchronous: data.synchronous,
  busyTimeoutMs: data.busyTimeoutMs,
  walCheckpointsElsewhere: data.walCheckpointsElsewhere,
});

function describe(error: unknown): SqliteWriterError {
  if (error instanceof WrongExpectedRevisionError)
    return { kind: 'wrongExpectedRevision', stream: error.stream, expected: error.expected, actual: error.actual };
  if (error instanceof DuplicateCommandError) return { kind: 'duplicateCommand', commandId: error.commandId };
  if (error instanceof EventStoreUnavailableError) return { kind: 'unavailable', message: error.message };
  if (error instanceof EventStoreCorruptError) return { kind: 'corrupt', message: error.message };
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

serveThreadRequests<SqliteWriterRequest, SqliteWriterError>(
  (request) => {
    switch (request.type) {
      case 'append':
        return store.append(request.writes, request.command ? { command: request.command } : {});
      case 'checkpoint':
        return store.writeCheckpoint(request.name, request.position);
      case 'snapshot':
        return store.writeSnapshot(request.stream, request.snapshot);
    }
  },
  describe,
  () => store.close(),
);
