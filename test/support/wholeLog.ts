import type { EventStore, StoredEvent } from '../../handlers/ports/eventStore';

/**
 * Every event of a store in log order. Tests count events with this, never by position: EventStoreDB's positions
 * are log offsets with gaps, so "head position = number of events" holds only on the SQLite and memory stores.
 */
export async function wholeLog(store: EventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let from = 0; ; ) {
    const page = await store.readAll(from, 1000);
    if (page.length === 0) return events;
    events.push(...page);
    from = (page[page.length - 1] as StoredEvent).position;
  }
}
