import path from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../../handlers/clock';
import { systemClock } from '../../handlers/clock';
import { EmbeddedEngine } from '../../handlers/embeddedEngine';
import { ReadModelDb } from '../../projections/readModelDb';
import type { Config } from '../config';
import type { EventStore } from '../eventstore/eventStore';
import { openEventStore } from '../openEventStore';

/** Everything the CLI drives, opened from configuration and closed once. */
export interface Runtime {
  config: Config;
  store: EventStore;
  readModels: ReadModelDb;
  engine: EmbeddedEngine;
  close(): Promise<void>;
}

export const readModelFile = (config: Config) =>
  config.EVENT_STORE === 'memory' ? ':memory:' : path.join(config.LMS_DATA, 'readmodels.db');

export function openRuntime(
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
  store: EventStore = openEventStore(config),
): Runtime {
  // Read models are derived: NORMAL (no fsync per batch) loses at most the last batches on power loss, rows and
  // checkpoint together, and the next catch-up projects them again.
  const readModels = ReadModelDb.open({ file: readModelFile(config), synchronous: 'NORMAL' });
  const engine = new EmbeddedEngine({
    store,
    readModels,
    clock,
    bootstrapAdminId: config.LMS_BOOTSTRAP_ADMIN ?? null,
    logger,
  });
  return {
    config,
    store,
    readModels,
    engine,
    close: async () => {
      readModels.close();
      await store.close();
    },
  };
}
