import type { Config } from '../config';

/** What the projection thread is started with: where the events and the read models are. */
export interface ProjectionThreadData {
  config: Config;
  readModelFile: string;
  batchSize?: number;
}

export type ProjectionThreadRequest = { type: 'catchUp'; id: number; until?: number } | { type: 'stop' };

export type ProjectionThreadReply = { type: 'caughtUp'; id: number; events: number } | { type: 'failed'; id: number; message: string };
