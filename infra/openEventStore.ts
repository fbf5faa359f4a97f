import path from 'node:path';
import type { EventStore } from '../handlers/ports/eventStore';
import type { Config } from './config';
import { ConfigError } from './config';
import { EventStoreDbEventStore } from './eventstore/eventStoreDbEventStore';
import { MemoryEventStore } from './eventstore/memoryEventStore';
import { SqliteEventStore } from './eventstore/sqliteEventStore';

/** The embedded store's file in the data folder. */
export function eventsFileOf(config: Config): string {
  return path.join(config.LMS_DATA, 'events.db');
}

/**
 * The event store the configuration names; the embedded default is one SQLite file in the data folder, written
 * through its writer thread. A worker thread that reads (projections) or writes only checkpoints (the relay) opens
 * it with `writerThread: false`: its own connection writes, without a thread of its own. With a projection thread,
 * `walCheckpointsElsewhere`: that thread checkpoints the WAL (projectionThreadMain.ts), not the commits.
 */
export function openEventStore(
  config: Config,
  options: { writerThread?: boolean; integrityCheck?: boolean; walCheckpointsElsewhere?: boolean } = {},
): EventStore {
  switch (config.EVENT_STORE) {
    case 'sqlite':
      return SqliteEventStore.open({
        file: eventsFileOf(config),
        synchronous: config.LMS_SQLITE_SYNCHRONOUS,
        writerThread: options.writerThread ?? true,
        integrityCheck: options.integrityCheck ?? false,
        walCheckpointsElsewhere: options.walCheckpointsElsewhere ?? false,
      });
    case 'memory':
      return new MemoryEventStore();
    case 'eventstoredb': {
      const connectionString = config.EVENTSTORE_CONNECTION_STRING;
      if (connectionString === undefined || connectionString === '') {
        throw new ConfigError(
          'EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING (esdb://host:2113?tls=false)',
        );
      }
      try {
        // Stream names take the subject prefix, with "-" (a stream-name separator) written as "_".
        return EventStoreDbEventStore.connect({ connectionString, streamPrefix: config.LMS_PREFIX.replace(/-/g, '_') });
      } catch (error) {
        if (error instanceof RangeError) throw new ConfigError(`EVENTSTORE_CONNECTION_STRING: ${error.message}`);
        throw error;
      }
    }
  }
}
