import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventStore } from '../../handlers/ports/eventStore';
import { SqliteEventStore, type SqliteEventStoreOptions } from '../../infra/eventstore/sqliteEventStore';
import { withOverrides } from '../support/storeOverrides';
import { describeEventStoreContract, type StoreFixture } from './eventStoreContract';

/** A store on a fresh file, opened with `options` and handed to the contract as `wrap` makes it. */
function sqliteFixture(
  options: Omit<SqliteEventStoreOptions, 'file'> = {},
  wrap: (store: SqliteEventStore) => EventStore = (store) => store,
): () => Promise<StoreFixture> {
  return async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventstore-contract-'));
    const store = SqliteEventStore.open({ file: path.join(dir, 'events.db'), ...options });
    return {
      store: wrap(store),
      cleanup: async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

const SQLITE = { readsReferenceData: true, keepsSnapshots: true };

describeEventStoreContract('sqlite', sqliteFixture(), SQLITE);

// The same contract when appends and checkpoints go through the writer thread (as `lms serve` and the CLI open it).
describeEventStoreContract('sqlite, writing through its writer thread', sqliteFixture({ writerThread: true }), SQLITE);

// The same contract again when every append says it is alone (AppendOptions.alone): committed in place, on this
// thread's connection, while the writer thread has nothing in hand.
describeEventStoreContract(
  'sqlite, each append alone and committed in place',
  sqliteFixture({ writerThread: true }, (store) =>
    withOverrides(store, { append: (writes, options = {}) => store.append(writes, { ...options, alone: true }) }),
  ),
  SQLITE,
);
