import path from 'node:path';
import type { Logger } from 'pino';
import { CommandHandler } from '../../handlers/commandHandler';
import { StoredParkedWorkLog } from '../../handlers/parkedWorkLog';
import type { Clock } from '../../handlers/ports/clock';
import { systemClock } from '../../handlers/ports/clock';
import type { EventStore } from '../../handlers/ports/eventStore';
import type { AssignmentReactorOptions } from '../../handlers/reactors/assignmentReactor';
import { AssignmentReactor } from '../../handlers/reactors/assignmentReactor';
import { Scheduler } from '../../handlers/scheduler/scheduler';
import type { ProjectionRuntimeOptions, Projections } from '../../projections/projectionRuntime';
import { ProjectionRuntime } from '../../projections/projectionRuntime';
import { QueryHandler } from '../../projections/queryHandler';
import { ReadModelDb } from '../../projections/readModelDb';
import type { Config } from '../config';
import { openEventStore } from '../openEventStore';
import { ProjectionThread } from '../server/projectionThread';
import { domainFingerprint } from './domainFingerprint';
import { Engine } from './engine';

export interface BuildEngineOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /**
   * `embedded` (CLI, demo, tests): queries bring the read models up to the store before answering, and `send`
   * settles reactions. `served` (`lms serve`, the bench): background loops keep them current.
   */
  mode?: 'embedded' | 'served';
  /**
   * A store handed in (tests, several instances on one store) stays the caller's to close. Default: the configured
   * store.
   */
  store?: EventStore;
  /**
   * Read models handed in stay the caller's to close. Default: `readmodels.db` in the data folder (memory for the
   * memory store).
   */
  readModels?: ReadModelDb;
  /**
   * Project in a worker thread with its own connections (the second core), when the store is one the configuration
   * opens and can be opened again there; otherwise projections run on this thread.
   */
  projectionThread?: boolean | { batchSize?: number };
  reactor?: AssignmentReactorOptions;
  projection?: ProjectionRuntimeOptions;
  /** Attempts on an expected-revision conflict before answering CONFLICT (R21). */
  maxAttempts?: number;
  /** Check the log's file at open (R30): a long-running server does; a one-shot CLI command does not pay for it. */
  integrityCheck?: boolean;
}

/** Where the read models of a configuration live. */
export const readModelFileOf = (config: Config): string =>
  config.EVENT_STORE === 'memory' ? ':memory:' : path.join(config.LMS_DATA, 'readmodels.db');

/**
 * The composition root: the one place that wires an engine. The CLI, the server, the bench and the tests build
 * their engine here, so they run the same parts in the same arrangement.
 */
export function buildEngine(options: BuildEngineOptions): Engine {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const threadable = options.store === undefined && options.readModels === undefined && config.EVENT_STORE !== 'memory';
  const thread = options.projectionThread && threadable ? options.projectionThread : undefined;
  const store =
    options.store ??
    openEventStore(config, {
      integrityCheck: options.integrityCheck ?? false,
      // The projection thread checkpoints the WAL: commits do not stop to copy it into the file.
      walCheckpointsElsewhere: thread !== undefined,
    });
  const readModelFile = readModelFileOf(config);
  // Read models are derived: NORMAL (no fsync per batch) loses at most the last batches on power loss, rows and
  // checkpoint together, and the next catch-up projects them again.
  const readModels =
    options.readModels ??
    ReadModelDb.open({ file: readModelFile, synchronous: 'NORMAL', cacheMb: config.LMS_READ_MODEL_CACHE_MB });
  if (readModels.setAside) {
    logger?.warn(
      { file: readModelFile, setAside: readModels.setAside },
      'the read models were damaged: set aside and rebuilt from the events',
    );
  }
  const commands = new CommandHandler({
    store,
    clock,
    bootstrapAdminId: config.LMS_BOOTSTRAP_ADMIN ?? null,
    stateCacheBytes: config.LMS_STATE_CACHE_MB * 1024 * 1024,
    ...(config.LMS_SNAPSHOT_AFTER_EVENTS > 0
      ? { snapshots: { snapshotDomain: domainFingerprint, snapshotAfterEvents: config.LMS_SNAPSHOT_AFTER_EVENTS } }
      : {}),
    ...(logger ? { logger } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
  // Work that keeps failing is parked in the store itself (R29): every instance and the CLI see one list.
  const parked = new StoredParkedWorkLog(store, clock);
  const reactor = new AssignmentReactor(commands, { ...(logger ? { logger } : {}), parked, ...options.reactor });
  const batchSize = typeof thread === 'object' ? thread.batchSize : undefined;
  const projections: Projections = thread
    ? new ProjectionThread({ config, readModelFile, ...(batchSize ? { batchSize } : {}) }, readModels)
    : new ProjectionRuntime(store, readModels, { parked, now: () => clock.now(), ...options.projection });
  const queries = new QueryHandler({
    store,
    projections,
    feed: commands.feed,
    clock,
    catchUpBeforeQuery: (options.mode ?? 'embedded') === 'embedded',
  });
  const scheduler = new Scheduler(commands, { parked, ...(logger ? { logger } : {}) });
  return new Engine({
    store,
    readModels,
    commands,
    reactor,
    projections,
    queries,
    scheduler,
    parked,
    logger,
    release: async () => {
      if (projections instanceof ProjectionThread) await projections.stop();
      if (!options.readModels) readModels.close();
      if (!options.store) await store.close();
    },
  });
}
