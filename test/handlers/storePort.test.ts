import { onMinimalPort } from '../support/minimalEventStore';
import { testEventStore } from '../support/testEventStore';

const OPTIONAL = ['readReferenceData', 'readStreams', 'readStreamsByPrefix'] as const;

describe('the store the engine suites run on', () => {
  test('the minimal-port project offers only the required methods (the EventStoreDB shape); the default project the memory store with its reference-data reads', async () => {
    const store = testEventStore();
    const offered = OPTIONAL.filter((method) => typeof store[method] === 'function');
    if (onMinimalPort() || process.env.EVENTSTORE_CONNECTION_STRING) expect(offered).toEqual([]);
    else expect(offered).toEqual(['readReferenceData']);
    await store.close();
  });
});
