import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppendOptions, StreamWrite } from '../../handlers/ports/eventStore';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { withOverrides } from '../support/storeOverrides';
import { describeEventStoreContract } from './eventStoreContract';

describeEventStoreContract(
  'sqlite',
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventstore-contract-'));
    const store = SqliteEventStore.open({ file: path.join(dir, 'events.db') });
    return {
      store,
      cleanup: async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { readsReferenceData: true },
);

// The same contract when appends and checkpoints go through the writer thread (as `lms serve` and the CLI open it).
describeEventStoreContract(
  'sqlite, writing through its writer thread',
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventstore-contract-'));
    const store = SqliteEventStore.open({ file: path.join(dir, 'events.db'), writerThread: true });
    return {
      store,
      cleanup: async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { readsReferenceData: true },
);

// The same contract again when every append says it is alone (AppendOptions.alone): committed in place, on this
// thread's connection, while the writer thread has nothing in hand.
describeEventStoreContract(
  'sqlite, each append alone and committed in place',
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventstore-contract-'));
    const store = SqliteEventStore.open({ file: path.join(dir, 'events.db'), writerThread: true });
    const alone = withOverrides(store, {
      append: (writes: StreamWrite[], options: AppendOptions = {}) => store.append(writes, { ...options, alone: true }),
    });
    return {
      store: alone,
      cleanup: async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { readsReferenceData: true },
);
