import type { RetryPolicy } from '../handlers/ports/backgroundWork';
import { attemptWithRetries, DEFAULT_RETRY_POLICY, isolateFailures } from '../handlers/ports/backgroundWork';
import type { EventStore, StoredEvent } from '../handlers/ports/eventStore';
import type { ParkedWorkLog } from '../handlers/ports/parkedWork';
import type { BeforeEventHook } from './projector';
import { Projector } from './projector';
import type { ReadModelDb } from './readModelDb';
import { streamsReaderOf } from './unfoldedUsers';

export interface ProjectionProgress {
  position: number;
  head: number;
  events: number;
  elapsedMs: number;
}

export interface ProjectionRuntimeOptions {
  /** Events per batch (one transaction each). */
  batchSize?: number;
  /** Bound of the projector's cache of folded assignments, in estimated bytes (default 16 MB). */
  cacheBytes?: number;
  beforeEvent?: BeforeEventHook;
  /**
   * Where an event the read models cannot take is parked (R29), so the events behind it are projected. Without one
   * (tests of the projector itself) such a failure is thrown to the caller.
   */
  parked?: ParkedWorkLog;
  retry?: RetryPolicy;
  /** The time parked work is recorded at. */
  now?: () => string;
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
  readonly projector: Projector;
  private readonly batchSize: number;
  private running: Promise<number> | undefined;
  private readonly parked: ParkedWorkLog | undefined;
  private readonly retry: RetryPolicy;
  private readonly now: () => string;

  constructor(
    private readonly store: EventStore,
    readonly readModels: ReadModelDb,
    options: ProjectionRuntimeOptions = {},
  ) {
    this.projector = new Projector(readModels, streamsReaderOf(store), options.beforeEvent, options.cacheBytes);
    this.batchSize = options.batchSize ?? 1000;
    this.parked = options.parked;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.now = options.now ?? (() => new Date().toISOString());
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
      await this.applyIsolating(page);
      position = (page[page.length - 1] as (typeof page)[number]).position;
      events += page.length;
      onProgress?.({ position, head: Math.max(head, position), events, elapsedMs: Date.now() - started });
    }
    return events;
  }

  /**
   * R29: a batch that keeps failing (not for an outage) is split until the events that fail on their own are found;
   * those are parked and passed over (the checkpoint moves past them), the others applied in order.
   */
  private async applyIsolating(page: readonly StoredEvent[]): Promise<void> {
    const parked = this.parked;
    if (!parked) return this.projector.apply(page);
    const failure = await attemptWithRetries(async () => this.projector.apply(page), this.retry);
    if (!failure) return;
    const failed = await isolateFailures(page, failure, async (part) => this.projector.apply(part));
    this.projector.passOver((page[page.length - 1] as StoredEvent).position);
    const parkedAt = this.now();
    await parked.park(
      failed.map(({ item, error }) => ({
        key: `projections:${item.id}`,
        loop: 'projections' as const,
        position: item.position,
        eventId: item.id,
        stream: item.stream,
        eventType: item.type,
        userId: null,
        description: `${item.type} at position ${item.position} (stream ${item.stream}) in the read models`,
        error: error.message,
        attempts: this.retry.attempts,
        parkedAt,
      })),
    );
  }
}
