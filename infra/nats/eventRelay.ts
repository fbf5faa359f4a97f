import type { JetStreamClient } from 'nats';
import type { Logger } from 'pino';
import { LazyCheckpoint } from '../../handlers/lazyCheckpoint';
import type { EventStore, StoredEvent } from '../../handlers/ports/eventStore';
import { encodeJson } from './payloads';
import type { Subjects } from './subjects';

export const RELAY_CHECKPOINT = 'integration-event-relay';

/** What downstream consumers receive on `{prefix}.events.{EventType}`. */
export function integrationEvent(event: StoredEvent) {
  return {
    id: event.id,
    type: event.type,
    stream: event.stream,
    position: event.position,
    occurredAt: event.metadata.occurredAt,
    actorId: event.metadata.actorId,
    commandId: event.metadata.commandId,
    correlationId: event.metadata.correlationId,
    ...(event.metadata.causationId ? { causationId: event.metadata.causationId } : {}),
    data: event.data,
  };
}

/**
 * Publishes stored events as integration events (R22), at least once and in log order, with Nats-Msg-Id = event
 * id so JetStream drops a republish within its duplicate window. The checkpoint moves only after JetStream acked
 * a page, so a restart resumes without gaps.
 */
export class EventRelay {
  private readonly pageSize: number;

  constructor(
    private readonly store: EventStore,
    private readonly js: JetStreamClient,
    private readonly subjects: Subjects,
    private readonly options: { logger: Logger; pageSize?: number; checkpointIntervalMs?: number },
  ) {
    this.pageSize = options.pageSize ?? 500;
    // Republishing after a crash is dropped by JetStream's duplicate window: the checkpoint may lag by an interval.
    this.checkpoint = new LazyCheckpoint(store, RELAY_CHECKPOINT, options.checkpointIntervalMs ?? 0);
  }

  private readonly checkpoint: LazyCheckpoint;

  /** Writes the checkpoint if it lags behind what was published (on a graceful stop). */
  flushCheckpoint(): Promise<void> {
    return this.checkpoint.flush();
  }

  /** Publishes everything stored since the checkpoint; returns how many events went out. */
  async relay(): Promise<number> {
    let published = 0;
    let position = await this.checkpoint.read();
    for (;;) {
      const page = await this.store.readAll(position, this.pageSize);
      if (page.length === 0) return published;
      // One connection sends in order and JetStream stores in arrival order. If one publish fails, the checkpoint
      // moves only to the event before it; the retry republishes from there (duplicates dropped by Nats-Msg-Id).
      const outcomes = await Promise.allSettled(
        page.map((event) =>
          this.js.publish(this.subjects.event(event.type), encodeJson(integrationEvent(event)), { msgID: event.id }),
        ),
      );
      const failed = outcomes.findIndex((outcome) => outcome.status === 'rejected');
      const delivered = failed === -1 ? page : page.slice(0, failed);
      if (delivered.length > 0) {
        position = (delivered[delivered.length - 1] as StoredEvent).position;
        await this.checkpoint.advance(position);
        published += delivered.length;
      }
      if (failed !== -1) {
        const reason = (outcomes[failed] as PromiseRejectedResult).reason as Error;
        throw new Error(
          `integration event at position ${(page[failed] as StoredEvent).position} not published: ${reason.message}`,
        );
      }
    }
  }
}
