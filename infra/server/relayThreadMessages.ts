import type { Config } from '../config';
import type { NatsConfig } from '../nats/natsConfig';

/** What the relay thread is started with: the store and NATS to connect to, and how to log. */
export interface RelayThreadData {
  config: Config;
  nats: NatsConfig;
  /** The NATS connection's name: the engine instance's, with `-relay`. */
  connectionName: string;
  logLevel: string;
  checkpointIntervalMs: number;
}

/** Publish what was stored since the last run; `flush` also writes the checkpoint if it lags. */
export interface RelayThreadRequest {
  flush?: boolean;
}
