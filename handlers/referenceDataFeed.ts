import { asDomainEvent } from '../domain/events';
import { ReferenceData } from '../domain/referenceData/referenceData';
import { isTrainingEventType } from '../domain/userTraining/trainingEvents';
import type { EventStore } from './ports/eventStore';
import type { ReferenceDataSource } from './ports/referenceDataSource';

/** Keeps a ReferenceData current with the store: before each decision it folds whatever was appended since. */
export class ReferenceDataFeed implements ReferenceDataSource {
  readonly referenceData: ReferenceData;
  private position = 0;

  constructor(
    private readonly store: EventStore,
    bootstrapAdminId: string | null,
  ) {
    this.referenceData = new ReferenceData(bootstrapAdminId);
  }

  get at(): number {
    return this.position;
  }

  /**
   * Folds what was stored since the last catch-up. One at a time: a caller arriving during a catch-up waits for it
   * and then reads what came after, so concurrent commands never fold the same page twice.
   */
  async catchUp(until = Number.MAX_SAFE_INTEGER): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.drain(until);
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private running: Promise<void> | undefined;

  private async drain(until: number): Promise<void> {
    const readReferenceData = this.store.readReferenceData?.bind(this.store);
    if (readReferenceData) return this.drainReferenceData(readReferenceData, until);
    while (this.position < until) {
      const page = await this.store.readAll(this.position, 5000);
      for (const stored of page) {
        if (stored.position > until) return;
        // Training events are most of the log and change no reference data: skip them without reading their data.
        if (!isTrainingEventType(stored.type)) {
          const event = asDomainEvent(stored);
          if (event) this.referenceData.apply(event);
        }
        this.position = stored.position;
      }
      if (page.length < 5000) return;
    }
  }

  /**
   * Reads only reference data up to the head seen first, then stands at that head (the training events between change
   * nothing here).
   */
  private async drainReferenceData(read: NonNullable<EventStore['readReferenceData']>, until: number): Promise<void> {
    const to = Math.min(until, await this.store.headPosition());
    while (this.position < to) {
      const page = await read(this.position, to, 5000);
      for (const stored of page) {
        const event = asDomainEvent(stored);
        if (event) this.referenceData.apply(event);
        this.position = stored.position;
      }
      if (page.length < 5000) this.position = to;
    }
  }
}
