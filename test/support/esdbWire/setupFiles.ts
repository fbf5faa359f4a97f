// The "eventstoredb wire" jest project: the suites' stores are EventStoreDB adapters talking to the protocol-level
// test server that globalSetup.ts started (test/support/testEventStore.ts and the NATS harness read this variable).
const wire = process.env.LMS_TEST_ESDB_WIRE;
if (!wire) throw new Error('the EventStoreDB protocol test server was not started (globalSetup)');
process.env.EVENTSTORE_CONNECTION_STRING = wire;
