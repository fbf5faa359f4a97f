import type { Config } from '../../infra/config';
import { loadConfig } from '../../infra/config';

export const ADMIN = 'root';

/** The configuration tests build engines with: a memory store named, the bootstrap administrator set. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig({}, { EVENT_STORE: 'memory', LMS_BOOTSTRAP_ADMIN: ADMIN, ...overrides });
}
