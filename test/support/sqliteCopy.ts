import type { EventStore, StoredEvent } from '../../handlers/ports/eventStore';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { asConfiguredPort } from './minimalEventStore';

/**
 * The same log in an in-memory SQLite store, event for event in the same order, numbered 1, 2, 3… (the original's
 * positions may have gaps: EventStoreDB's do): lets tests exercise what only SQLite offers (reads by stream prefix).
 * On the "minimal port" project the copy offers only the port's required methods, so the rebuild takes its fallback.
 */
export async function sqliteCopyOf(store: EventStore): Promise<EventStore> {
  return asConfiguredPort(await fullSqliteCopyOf(store));
}

/** The same copy in a file, whole (every SQLite read), for what opens the file again (the rebuild's second thread). */
export async function fullSqliteCopyOf(store: EventStore, file = ':memory:'): Promise<SqliteEventStore> {
  const copy = SqliteEventStore.open({ file });
  for (let position = 0; ; ) {
    const page = await store.readAll(position, 1000);
    if (page.length === 0) return copy;
    await copy.append(
      page.map((event) => ({
        stream: event.stream,
        expectedRevision: event.revision - 1,
        events: [{ id: event.id, type: event.type, data: event.data, metadata: event.metadata }],
      })),
    );
    position = (page[page.length - 1] as StoredEvent).position;
  }
}
