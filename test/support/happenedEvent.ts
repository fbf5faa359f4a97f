import { randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent } from '../../handlers/ports/eventStore';

const metadata: EventMetadata = {
  actorId: 'admin',
  commandId: 'c1',
  correlationId: 'c1',
  occurredAt: '2026-01-01T00:00:00.000Z',
};

/** A new event of a made-up type with a fresh id, for tests of the store itself (it knows no domain types). */
export function happenedEvent(data: unknown = { n: 1 }): NewEvent {
  return { id: randomUUID(), type: 'Happened', data, metadata };
}
