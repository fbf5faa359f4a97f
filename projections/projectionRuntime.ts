import type { EventStore } from '../handlers/ports/eventStore';
import type { BeforeEventHook } from './projector';
import { Projector } from './projector';
import type { ReadModelDb } from './readModelDb';

export interface ProjectionProgress {
  position: number;
  head: number;
  events: number;
  elapsedMs: number;
}

export interface ProjectionRuntimeOptions {
  /** Events per batch (one transaction each). */
  batchSize?: number;
  beforeEvent?: BeforeEventHook;
}

/** What queries and background loops need of the projections, wherever they run (this thread or a worker thread). */
export interface Projections {
  /** The read models queries read (this thread's connection). */
  readonly readModels: ReadModelDb;
  /** The position every read model has reached. */
  readonly position: number;
  /** Applies every stored event up to `until` (default: all); resolves with the number applied. */
  catchUp(options?: { until?: number; onProgress?: (progress: ProjectionProgress) => void }): Promise<number>;
}

/**
 * Feeds the read models from the event store's global order, in batches, from the position their checkpoints
 * hold. One catch-up at a time; a caller arriving during one waits, then catches up on what came since.
 */
export class ProjectionRuntime implements Projections {
  private readonly projector: Projector;
  private readonly batchSize: number;
  private running: Promise<number> | undefined;

  constructor(
    private readonly store: EventStore,
    readonly readModels: ReadModelDb,
    options: ProjectionRuntimeOptions = {},
  ) {
    this.projector = new Projector(readModels, options.beforeEvent);
    this.batchSize = options.batchSize ?? 1000;
  }

  get position(): number {
    return this.readModels.position();
  }

  /** Applies every stored event up to `until` (default: all), reporting progress after each batch. */
  async catchUp(
    options: { until?: number; onProgress?: (progress: ProjectionProgress) => void } = {},
  ): Promise<number> {
    while (this.running) await this.running.catch(() => 0);
    this.running = this.drain(options.until ?? Number.MAX_SAFE_INTEGER, options.onProgress);
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async drain(until: number, onProgress?: (progress: ProjectionProgress) => void): Promise<number> {
    const started = Date.now();
    const head = Math.min(until, await this.store.headPosition());
    let position = this.readModels.position();
    let events = 0;
    while (position < until) {
      const page = (await this.store.readAll(position, this.batchSize)).filter((event) => event.position <= until);
      if (page.length === 0) break;
      this.projector.apply(page);
      position = (page[page.length - 1] as (typeof page)[number]).position;
      events += page.length;
      onProgress?.({ position, head: Math.max(head, position), events, elapsedMs: Date.now() - started });
    }
    return events;
  }
}
