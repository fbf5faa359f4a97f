/**
 * The event-store contract against a live EventStoreDB (or KurrentDB) server, run only when
 * EVENTSTORE_CONNECTION_STRING is set (e.g. `esdb://localhost:2113?tls=false`). Every store gets a fresh random
 * stream prefix, so runs and tests never see each other's streams; nothing is deleted afterwards.
 * Without the variable the suite is registered with describe.skip (jest counts its tests as skipped) and one line
 * on stderr says why.
 */
import { randomBytes } from 'node:crypto';
import { EventStoreDbEventStore } from '../../infra/eventstore/eventStoreDbEventStore';
import { describeEventStoreContract, type StoreFixture } from './eventStoreContract';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

/** Positions are log offsets (increasing, with gaps), and ids are unique per stream, not across the store. */
const eventStoreDbCapabilities = { densePositions: false, detectsIdsAcrossStreams: false };

if (connectionString !== undefined && connectionString !== '') {
  describeEventStoreContract(
    'eventstoredb',
    async (): Promise<StoreFixture> => {
      const store = EventStoreDbEventStore.connect({
        connectionString,
        streamPrefix: `contract_${randomBytes(8).toString('hex')}`,
      });
      return { store, cleanup: () => store.close() };
    },
    eventStoreDbCapabilities,
  );
} else {
  process.stderr.write('EventStoreDB contract tests skipped: EVENTSTORE_CONNECTION_STRING is not set\n');
  describe.skip('EventStoreDB (EVENTSTORE_CONNECTION_STRING is not set)', () => {
    describeEventStoreContract(
      'eventstoredb',
      async (): Promise<StoreFixture> => {
        throw new Error('EVENTSTORE_CONNECTION_STRING is not set');
      },
      eventStoreDbCapabilities,
    );
  });
}
