import { eventIdFor } from './eventIds';
import type { Clock } from './ports/clock';
import type { EventStore, NewEvent, StoredEvent } from './ports/eventStore';
import type { ParkedWork, ParkedWorkLog } from './ports/parkedWork';
import { ParkedWorkResolvedSchema, ParkedWorkRetrySchema, ParkedWorkSchema } from './ports/parkedWork';

/**
 * The stream parked work is recorded in. Its events are the engine's own records, not domain events: projections,
 * reactions and the integration-event relay pass them by.
 */
export const PARKED_WORK_STREAM = 'parked-work';

type Listed = ParkedWork & { lastRetry?: { retriedAt: string; error: string } };

/**
 * Parked work kept in the event store itself (one stream), so every adapter keeps it durably and every instance sees
 * the same list. Appends are idempotent by event id: two instances parking the same work record it once. The stream
 * is folded incrementally, from the revision read last.
 */
export class StoredParkedWorkLog implements ParkedWorkLog {
  private readonly parked = new Map<string, Listed>();
  /** How many times each key was parked: a key parked, resolved and parked again is a new record. */
  private readonly generations = new Map<string, number>();
  private revision = -1;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async park(works: readonly ParkedWork[]): Promise<void> {
    await this.refresh();
    const fresh = new Map(works.filter((work) => !this.parked.has(work.key)).map((work) => [work.key, work]));
    const events = [...fresh.values()].map((work) =>
      this.event(`park:${work.key}:${this.generations.get(work.key) ?? 0}`, 'WorkParked', work),
    );
    await this.append(events);
  }

  async list(): Promise<Listed[]> {
    await this.refresh();
    return [...this.parked.values()].map((work) => ({ ...work }));
  }

  async retried(key: string, error: string): Promise<void> {
    const retriedAt = this.clock.now();
    await this.append([this.event(`retry:${key}:${retriedAt}`, 'ParkedWorkRetried', { key, retriedAt, error })]);
  }

  async resolve(key: string, how: string): Promise<void> {
    await this.refresh();
    if (!this.parked.has(key)) return;
    const resolvedAt = this.clock.now();
    const generation = this.generations.get(key) ?? 0;
    await this.append([this.event(`resolve:${key}:${generation}`, 'ParkedWorkResolved', { key, resolvedAt, how })]);
  }

  /** Folds what was recorded since the last read (by this instance or another). */
  private async refresh(): Promise<void> {
    for (const event of await this.store.readStream(PARKED_WORK_STREAM, this.revision + 1)) {
      this.apply(event);
      this.revision = event.revision;
    }
  }

  /** Records that do not parse are passed by: the list shows what can be acted on. */
  private apply(event: StoredEvent): void {
    if (event.type === 'WorkParked') {
      const work = ParkedWorkSchema.safeParse(event.data);
      if (!work.success) return;
      this.parked.set(work.data.key, work.data);
      this.generations.set(work.data.key, (this.generations.get(work.data.key) ?? 0) + 1);
    } else if (event.type === 'ParkedWorkRetried') {
      const retry = ParkedWorkRetrySchema.safeParse(event.data);
      const work = retry.success ? this.parked.get(retry.data.key) : undefined;
      if (retry.success && work) work.lastRetry = { retriedAt: retry.data.retriedAt, error: retry.data.error };
    } else if (event.type === 'ParkedWorkResolved') {
      const resolved = ParkedWorkResolvedSchema.safeParse(event.data);
      if (resolved.success) this.parked.delete(resolved.data.key);
    }
  }

  private event(commandId: string, type: string, data: unknown): NewEvent {
    const metadata = {
      actorId: 'system:background',
      commandId,
      correlationId: commandId,
      occurredAt: this.clock.now(),
    };
    return { id: eventIdFor(commandId, 0), type, data, metadata };
  }

  private async append(events: NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.store.append([{ stream: PARKED_WORK_STREAM, expectedRevision: 'any', events }]);
    await this.refresh();
  }
}
