import { z } from 'zod';
import { IdSchema } from '../domain/shared/primitives';
import { DEFAULT_SNAPSHOT_AFTER_EVENTS, DEFAULT_STATE_CACHE_BYTES } from '../handlers/aggregateStore';
import type { Clock } from '../handlers/ports/clock';
import { AcceleratedClock, systemClock } from '../handlers/ports/clock';

/** Configuration from the environment (DESIGN.md section 4); CLI flags override. Validated once, at start. */
export const ConfigSchema = z.object({
  LMS_DATA: z.string().min(1).default('./data'),
  EVENT_STORE: z.enum(['sqlite', 'eventstoredb', 'memory']).default('sqlite'),
  EVENTSTORE_CONNECTION_STRING: z.string().optional(),
  LMS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only (it becomes part of NATS subjects)')
    .default('lms'),
  LMS_BOOTSTRAP_ADMIN: IdSchema.optional(),
  /** Bound of the engine's cache of folded aggregate states, in MiB (issue #19: memory bounded whatever the size). */
  LMS_STATE_CACHE_MB: z.coerce
    .number()
    .int()
    .min(1)
    .max(65_536)
    .default(DEFAULT_STATE_CACHE_BYTES / 1024 / 1024),
  /** SQLite's page cache of each read-model connection (queries, projections), in MiB. */
  LMS_READ_MODEL_CACHE_MB: z.coerce.number().int().min(1).max(65_536).default(64),
  /**
   * A load that folds this many events of a stream leaves a snapshot of it beside the log (SQLite), so the next load
   * of that stream reads the snapshot and what came after; 0: no snapshots.
   */
  LMS_SNAPSHOT_AFTER_EVENTS: z.coerce.number().int().min(0).max(1_000_000).default(DEFAULT_SNAPSHOT_AFTER_EVENTS),
  /** FULL (default): every commit is fsynced; NORMAL trades the last commits on power loss for speed. */
  LMS_SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  LMS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** Prometheus metrics on this port under `lms serve` (opt-in: unset, no port is opened). */
  LMS_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** The address the metrics port binds to: loopback unless configured. */
  LMS_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Testing aid (soak): the engine's clock starts here and runs LMS_CLOCK_RATE times faster from LMS_CLOCK_ORIGIN_MS. */
  LMS_CLOCK_START: z.iso.datetime({ offset: true }).optional(),
  LMS_CLOCK_RATE: z.coerce.number().positive().max(1_000_000).default(1),
  LMS_CLOCK_ORIGIN_MS: z.coerce.number().int().min(0).optional(),
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv, overrides: Partial<Config> = {}): Config {
  const parsed = ConfigSchema.safeParse({ ...pickDefined(env), ...pickDefined(overrides) });
  if (!parsed.success) {
    throw new ConfigError(
      `invalid configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  if (parsed.data.EVENT_STORE === 'eventstoredb' && !parsed.data.EVENTSTORE_CONNECTION_STRING) {
    throw new ConfigError('EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING (esdb://host:2113?tls=false)');
  }
  return parsed.data;
}

function pickDefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== ''));
}

/** The engine's clock: the system's, or the soak's accelerated one when LMS_CLOCK_START is set. */
export function clockFrom(config: Config): Clock {
  if (!config.LMS_CLOCK_START) return systemClock;
  return new AcceleratedClock(config.LMS_CLOCK_START, config.LMS_CLOCK_RATE, config.LMS_CLOCK_ORIGIN_MS ?? Date.now());
}
