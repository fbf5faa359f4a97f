import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Projections } from '../../projections/projectionRuntime';
import type { ReadModelDb } from '../../projections/readModelDb';
import type { ProjectionThreadData, ProjectionThreadReply } from './projectionThreadMessages';

/** The compiled worker script (under ts-jest this module is the TypeScript source; the build is beside it in dist/). */
function threadScript(): string {
  return __filename.endsWith('.ts') ? path.resolve(__dirname, '../../dist/infra/server/projectionThreadMain.js') : path.join(__dirname, 'projectionThreadMain.js');
}

/**
 * Projections on a second core: a worker thread reads the events and writes the read models through its own
 * connections, while this thread decides commands. Queries read through `readModels`, this thread's connection, and
 * see each projected batch once it commits (WAL). A thread that dies fails the catch-ups in hand and is started again
 * by the next one; what it had committed stays (rows and checkpoint commit together).
 */
export class ProjectionThread implements Projections {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(events: number): void; reject(error: Error): void }>();
  private nextId = 1;

  constructor(
    private readonly data: ProjectionThreadData,
    readonly readModels: ReadModelDb,
  ) {}

  get position(): number {
    return this.readModels.position();
  }

  catchUp(options: { until?: number } = {}): Promise<number> {
    const worker = this.worker ?? this.spawn();
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ type: 'catchUp', id, ...(options.until === undefined ? {} : { until: options.until }) });
    });
  }

  /** Lets the catch-up in hand finish, closes the thread's connections and ends it. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ type: 'stop' });
    await exited;
  }

  private spawn(): Worker {
    const worker = new Worker(threadScript(), { workerData: this.data });
    worker.on('message', (reply: ProjectionThreadReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.type === 'caughtUp') waiting?.resolve(reply.events);
      else waiting?.reject(new Error(reply.message));
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error(`the projection thread ended (exit code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of waiting) reject(error);
  }
}
