/** @type {import('jest').Config['projects'][number]} */
const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Transpile only (isolatedModules in tsconfig.json): `npm run typecheck` does the type checking.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // EventStoreDB stores opened by the harnesses are closed after each file, so jest exits by itself.
  setupFilesAfterEnv: ['<rootDir>/test/support/closeStoresAfterAll.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  projects: [
    { ...base, displayName: 'all', testMatch: ['**/*.test.ts'] },
    {
      // The engine, reactor, projection and rebuild suites again, on a store with only the port's required methods
      // (the EventStoreDB adapter's shape), so the fallback paths run in every CI run (test/support/minimalEventStore.ts).
      ...base,
      displayName: 'minimal port',
      testMatch: [
        '<rootDir>/test/handlers/**/*.test.ts',
        '<rootDir>/test/projections/**/*.test.ts',
        '<rootDir>/test/properties/assignmentInvariants.test.ts',
      ],
      setupFiles: ['<rootDir>/test/support/minimalPortSetup.ts'],
    },
    {
      // The store contract, engine, projection and NATS suites again on the EventStoreDB adapter, talking gRPC to the
      // protocol-level test server (test/support/esdbServer): the adapter and the real client at the wire in every
      // run. It proves the adapter's use of the client and the protocol, not the server (see README).
      ...base,
      displayName: 'eventstoredb wire',
      testMatch: [
        '<rootDir>/test/contract/eventStoreDbEventStore.test.ts',
        '<rootDir>/test/handlers/**/*.test.ts',
        '<rootDir>/test/projections/**/*.test.ts',
        '<rootDir>/test/nats/{durableIntake,healthAndMetrics,natsResilience,natsService,relayPoison,scheduledByItself}.test.ts',
      ],
      globalSetup: '<rootDir>/test/support/esdbWire/globalSetup.ts',
      globalTeardown: '<rootDir>/test/support/esdbWire/globalTeardown.ts',
      setupFiles: ['<rootDir>/test/support/esdbWire/setupFiles.ts'],
    },
  ],
};
