import { MemoryEventStore } from '../../infra/eventstore/memoryEventStore';
import { describeEventStoreContract } from './eventStoreContract';

describeEventStoreContract(
  'memory',
  async () => {
    const store = new MemoryEventStore();
    return { store, cleanup: () => store.close() };
  },
  { readsReferenceData: true, keepsSnapshots: true },
);
