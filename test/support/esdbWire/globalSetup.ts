import { startEsdbTestServer } from '../esdbServer/esdbTestServer';

/**
 * The "eventstoredb wire" jest project: one protocol-level EventStoreDB test server for the whole run, shared by
 * every test file of the project as a long-lived development server would be (each store on its own prefix).
 * Workers are started after this runs, so they inherit the variable; setupFiles.ts hands it to the suites.
 */
export default async function globalSetup(): Promise<void> {
  // Appends take the Append path (no ServerFeatures). The BatchAppend path keeps one long-lived call per client, and
  // the server recycles connections (Node's HTTP/2 reset limit, see esdbTestServer.ts): the 6.2.1 client then fails
  // in-flight batch appends of every client in the process (its pending appends sit in one module-level map), which
  // these suites, running several engines per process, would meet. The store contract runs both paths
  // (test/contract/esdbProtocolServer.test.ts).
  const server = await startEsdbTestServer({ serverFeatures: false });
  process.env.LMS_TEST_ESDB_WIRE = server.connectionString;
  (globalThis as { esdbWireServer?: { stop(): Promise<void> } }).esdbWireServer = server;
}
