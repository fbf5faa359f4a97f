import { ManualClock } from '../handlers/ports/clock';
import { loadConfig } from '../infra/config';
import { buildEngine } from '../infra/engine/buildEngine';
import type { Engine } from '../infra/engine/engine';
import { ADMIN } from './adminCommands';

/**
 * The engine as `lms serve` builds it, on a data folder of the bench: appends through the writer thread, projections
 * in a worker thread with their own connections (batches of 5,000), the clock at the bench's date; background work is
 * driven by the caller instead of by loops. `env` adds configuration (the memory child passes its environment).
 */
export function benchEngine(dir: string, env: NodeJS.ProcessEnv = {}): Engine {
  return buildEngine({
    config: loadConfig(env, { LMS_DATA: dir, LMS_BOOTSTRAP_ADMIN: ADMIN }),
    clock: new ManualClock('2026-03-02T09:00:00.000Z'),
    mode: 'served',
    projectionThread: { batchSize: 5000 },
  });
}
