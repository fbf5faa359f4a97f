/**
 * The event-store contract against the EventStoreDB adapter talking gRPC to the protocol-level test server
 * (test/support/esdbServer: EventStoreDB v24.10's wire protocol over an in-memory log), so the adapter and the real
 * `@eventstore/db-client` are exercised at the wire on every run, with no EventStoreDB server.
 *
 * Twice: as a 24.10 node (ServerFeatures lists BatchAppend, so the client appends with BatchAppend, the production
 * path) and as a node without ServerFeatures (the client falls back to Append). Every store gets a fresh random
 * stream prefix on the shared server, as in eventStoreDbEventStore.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { EventStoreDbEventStore } from '../../infra/eventstore/eventStoreDbEventStore';
import { type EsdbTestServer, startEsdbTestServer } from '../support/esdbServer/esdbTestServer';
import { describeEventStoreContract, type StoreFixture } from './eventStoreContract';

/** Positions are log offsets (increasing, with gaps), and ids are unique per stream, not across the store. */
const eventStoreDbCapabilities = { densePositions: false, detectsIdsAcrossStreams: false };

for (const serverFeatures of [true, false]) {
  const variant = serverFeatures ? 'BatchAppend (as 24.10)' : 'Append (no ServerFeatures)';
  describe(`EventStoreDB protocol test server, ${variant}`, () => {
    let server: EsdbTestServer | undefined;

    beforeAll(async () => {
      server = await startEsdbTestServer({ serverFeatures });
    });

    afterAll(async () => {
      await server?.stop();
    });

    describeEventStoreContract(
      `eventstoredb protocol server, ${variant}`,
      async (): Promise<StoreFixture> => {
        if (server === undefined) throw new Error('the test server did not start');
        const store = EventStoreDbEventStore.connect({
          connectionString: server.connectionString,
          streamPrefix: `contract_${randomBytes(8).toString('hex')}`,
        });
        return { store, cleanup: () => store.close() };
      },
      eventStoreDbCapabilities,
    );
  });
}
