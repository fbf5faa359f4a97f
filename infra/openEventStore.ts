import path from 'node:path';
import type { Config } from './config';
import { ConfigError } from './config';
import type { EventStore } from './eventstore/eventStore';
import { MemoryEventStore } from './eventstore/memoryEventStore';
import { SqliteEventStore } from './eventstore/sqliteEventStore';

/** The event store the configuration names; the embedded default is one SQLite file in the data folder. */
export function openEventStore(config: Config): EventStore {
  switch (config.EVENT_STORE) {
    case 'sqlite':
      return SqliteEventStore.open({ file: path.join(config.LMS_DATA, 'events.db'), synchronous: config.LMS_SQLITE_SYNCHRONOUS });
    case 'memory':
      return new MemoryEventStore();
    case 'eventstoredb':
      throw new ConfigError('EVENT_STORE=eventstoredb: the EventStoreDB adapter is not part of this build yet; use sqlite (the default) or memory');
  }
}
