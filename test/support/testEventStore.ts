import { randomBytes } from 'node:crypto';
import type { EventStore } from '../../handlers/ports/eventStore';
import { EventStoreDbEventStore } from '../../infra/eventstore/eventStoreDbEventStore';
import { MemoryEventStore } from '../../infra/eventstore/memoryEventStore';
import { asConfiguredPort } from './minimalEventStore';

/**
 * The store engine and projection tests run on: in-memory by default (with only the port's required methods on the
 * "minimal port" project), or a live EventStoreDB (a fresh stream prefix per store) when
 * EVENTSTORE_CONNECTION_STRING is set, so the same tests prove the engine on the production store.
 */
export function testEventStore(): EventStore {
  const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
  if (!connectionString) return asConfiguredPort(new MemoryEventStore());
  const store = EventStoreDbEventStore.connect({
    connectionString,
    streamPrefix: `test_${randomBytes(8).toString('hex')}`,
  });
  opened.push(store);
  return store;
}

/** EventStoreDB clients hold gRPC channels open: closed after each test file, so jest exits by itself. */
const opened: EventStore[] = [];

export async function closeTestEventStores(): Promise<void> {
  const stores = opened.splice(0);
  await Promise.all(stores.map((store) => store.close().catch(() => undefined)));
}
