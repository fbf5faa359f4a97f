import type { Logger } from 'pino';
import type { Clock } from '../../handlers/clock';
import { systemClock } from '../../handlers/clock';
import { EmbeddedEngine } from '../../handlers/embeddedEngine';
import { LiveQueryEngine } from '../../projections/liveQueryEngine';
import type { Config } from '../config';
import type { EventStore } from '../eventstore/eventStore';
import { openEventStore } from '../openEventStore';

/** Everything the CLI drives, opened from configuration and closed once. */
export interface Runtime {
  store: EventStore;
  engine: EmbeddedEngine;
  queries: LiveQueryEngine;
  close(): Promise<void>;
}

export function openRuntime(config: Config, logger: Logger, clock: Clock = systemClock, store: EventStore = openEventStore(config)): Runtime {
  const engine = new EmbeddedEngine({ store, clock, bootstrapAdminId: config.LMS_BOOTSTRAP_ADMIN ?? null, logger });
  return {
    store,
    engine,
    queries: new LiveQueryEngine(engine.engine, clock),
    close: () => store.close(),
  };
}
