import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { describeEventStoreContract } from './eventStoreContract';

describeEventStoreContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventstore-contract-'));
  const store = SqliteEventStore.open({ file: path.join(dir, 'events.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

// The same contract when appends and checkpoints go through the writer thread (as `lms serve` and the CLI open it).
describeEventStoreContract('sqlite, writing through its writer thread', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventstore-contract-'));
  const store = SqliteEventStore.open({ file: path.join(dir, 'events.db'), writerThread: true });
  return {
    store,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
