import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../domain/events';
import { eventSchemas } from '../domain/events';
import type { EventStore, NewEvent, StreamWrite } from '../handlers/ports/eventStore';

/** Streams written per append: large batches make generation fast without holding a whole portal in memory. */
const BATCH = 5000;

/**
 * Writes the generated portal's streams straight into the event store, each event checked against its schema, as
 * if one command (`bench-N`) had created each stream.
 */
export class PortalEventWriter {
  /** Events emitted so far. */
  events = 0;
  private sequence = 0;
  private readonly writes: StreamWrite[] = [];

  constructor(private readonly store: EventStore) {}

  async emit(stream: string, domainEvents: DomainEvent[]): Promise<void> {
    for (const event of domainEvents) eventSchemas[event.type].parse(event.data);
    this.writes.push({
      stream,
      expectedRevision: 'no_stream',
      events: domainEvents.map(
        (event): NewEvent => ({ id: randomUUID(), type: event.type, data: event.data, metadata: this.metadata() }),
      ),
    });
    this.events += domainEvents.length;
    this.sequence++;
    if (this.writes.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    for (let i = 0; i < this.writes.length; i += BATCH) await this.store.append(this.writes.slice(i, i + BATCH));
    this.writes.length = 0;
  }

  private metadata() {
    return {
      actorId: 'bench',
      commandId: `bench-${this.sequence}`,
      correlationId: 'bench-generator',
      occurredAt: '2026-01-05T09:00:00.000Z',
    };
  }
}
