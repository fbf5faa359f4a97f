import type { Projections } from '../../projections/projectionRuntime';
import type { ReadModelDb } from '../../projections/readModelDb';
import { scriptBeside, ThreadRequests } from '../threads/threadRequests';
import type { ProjectionThreadData, ProjectionThreadRequest } from './projectionThreadMessages';

/**
 * Projections on a second core: a worker thread reads the events and writes the read models through its own
 * connections, while this thread decides commands. Queries read through `readModels`, this thread's connection, and
 * see each projected batch once it commits (WAL). A thread that dies fails the catch-ups in hand and is started again
 * by the next one; what it had committed stays (rows and checkpoint commit together).
 */
export class ProjectionThread implements Projections {
  private readonly thread: ThreadRequests<ProjectionThreadRequest, string>;

  constructor(
    data: ProjectionThreadData,
    readonly readModels: ReadModelDb,
  ) {
    this.thread = new ThreadRequests(scriptBeside(__filename, 'projectionThreadMain'), data, {
      failure: (message) => new Error(message),
      ended: (reason) => new Error(`the projection thread failed: ${reason}`),
    });
  }

  get position(): number {
    return this.readModels.position();
  }

  async catchUp(options: { until?: number } = {}): Promise<number> {
    return (await this.thread.request(options.until === undefined ? {} : { until: options.until })) as number;
  }

  /** Lets the catch-up in hand finish, closes the thread's connections and ends it. */
  stop(): Promise<void> {
    return this.thread.stop();
  }
}
