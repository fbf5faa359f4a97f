import type { Config } from '../config';

/** What the projection thread is started with: where the events and the read models are. */
export interface ProjectionThreadData {
  config: Config;
  readModelFile: string;
  batchSize?: number;
}

/** A catch-up up to `until` (default: the head). */
export interface ProjectionThreadRequest {
  until?: number;
}
