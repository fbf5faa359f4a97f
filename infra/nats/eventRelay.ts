import type { JetStreamClient } from 'nats';
import type { Logger } from 'pino';
import { isEventType } from '../../domain/events';
import { LazyCheckpoint } from '../../handlers/lazyCheckpoint';
import type { RetryPolicy } from '../../handlers/ports/backgroundWork';
import { DEFAULT_RETRY_POLICY } from '../../handlers/ports/backgroundWork';
import type { EventStore, StoredEvent } from '../../handlers/ports/eventStore';
import type { ParkedWorkLog } from '../../handlers/ports/parkedWork';
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

/** NATS refuses the message itself (too large, a subject it cannot take): publishing it again will not help. */
const UNPUBLISHABLE_CODES = new Set(['MAX_PAYLOAD_EXCEEDED', 'BAD_PAYLOAD', 'INVALID_PAYLOAD', 'BAD_SUBJECT']);
const unpublishable = (error: unknown): boolean =>
  UNPUBLISHABLE_CODES.has(String((error as { code?: unknown } | null)?.code)) ||
  /message size exceeds maxbytes/.test(String((error as Error | null)?.message));

export interface EventRelayOptions {
  logger: Logger;
  pageSize?: number;
  checkpointIntervalMs?: number;
  /** Where an event NATS refuses is parked (R29); without one such an event stops the relay until it is published. */
  parked?: ParkedWorkLog;
  retry?: RetryPolicy;
  now?: () => string;
}

/**
 * Publishes stored domain events as integration events (R22), at least once and in log order, with Nats-Msg-Id =
 * event id so JetStream drops a republish within its duplicate window. The checkpoint moves only after JetStream
 * acked a page, so a restart resumes without gaps; and it starts no earlier than the last event already in the
 * events stream, so downtime of any length republishes nothing. The engine's own records (parked work) are not
 * integration events and are passed by.
 */
export class EventRelay {
  private readonly pageSize: number;
  private readonly checkpoint: LazyCheckpoint;
  private resumed = false;

  constructor(
    private readonly store: EventStore,
    private readonly js: JetStreamClient,
    private readonly subjects: Subjects,
    private readonly options: EventRelayOptions,
  ) {
    this.pageSize = options.pageSize ?? 500;
    // Republishing after a crash is dropped by JetStream's duplicate window: the checkpoint may lag by an interval.
    this.checkpoint = new LazyCheckpoint(store, RELAY_CHECKPOINT, options.checkpointIntervalMs ?? 0);
  }

  /** Writes the checkpoint if it lags behind what was published (on a graceful stop). */
  flushCheckpoint(): Promise<void> {
    return this.checkpoint.flush();
  }

  /** Publishes everything stored since the checkpoint; returns how many events went out. */
  async relay(): Promise<number> {
    let published = 0;
    let position = await this.start();
    for (;;) {
      const page = await this.store.readAll(position, this.pageSize);
      if (page.length === 0) return published;
      // One connection sends in order and JetStream stores in arrival order. If one publish fails, the checkpoint
      // moves only to the event before it; the retry republishes from there (duplicates dropped by Nats-Msg-Id).
      const outcomes = await Promise.allSettled(page.map((event) => this.publish(event)));
      const failed = outcomes.findIndex((outcome) => outcome.status === 'rejected');
      const delivered = failed === -1 ? page : page.slice(0, failed);
      published += delivered.filter((event) => isEventType(event.type)).length;
      if (delivered.length > 0) {
        position = (delivered[delivered.length - 1] as StoredEvent).position;
        await this.checkpoint.advance(position);
      }
      if (failed === -1) continue;
      const event = page[failed] as StoredEvent;
      const reason = (outcomes[failed] as PromiseRejectedResult).reason as Error;
      if (!(await this.publishOrPark(event, reason))) {
        throw new Error(`integration event at position ${event.position} not published: ${reason.message}`);
      }
      published++;
      position = event.position;
      await this.checkpoint.advance(position);
    }
  }

  private publish(event: StoredEvent): Promise<unknown> {
    if (!isEventType(event.type)) return Promise.resolve();
    const subject = this.subjects.event(event.type);
    return this.js.publish(subject, encodeJson(integrationEvent(event)), { msgID: event.id });
  }

  /**
   * R29: an event NATS refuses is tried again with backoff, then parked and passed over; true when it is out of the
   * way (published or parked), false for an outage (the caller waits in place).
   */
  private async publishOrPark(event: StoredEvent, first: Error): Promise<boolean> {
    const { parked } = this.options;
    if (!parked || !unpublishable(first)) return false;
    const retry = this.options.retry ?? DEFAULT_RETRY_POLICY;
    let error = first;
    for (let attempt = 2; attempt <= retry.attempts; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, retry.backoffMs * 2 ** (attempt - 2)));
      try {
        await this.publish(event);
        return true;
      } catch (again) {
        if (!unpublishable(again)) return false;
        error = again as Error;
      }
    }
    const parkedAt = this.options.now?.() ?? new Date().toISOString();
    await parked.park([
      {
        key: `relay:${event.id}`,
        loop: 'relay',
        position: event.position,
        eventId: event.id,
        stream: event.stream,
        eventType: event.type,
        userId: null,
        description: `the integration event ${event.type} at position ${event.position}`,
        error: error.message,
        attempts: retry.attempts,
        parkedAt,
      },
    ]);
    this.options.logger.error({ loop: 'relay', position: event.position, err: error.message }, 'work parked');
    return true;
  }

  /**
   * Where to resume: the checkpoint, or the last event already in the events stream if that is further on (the
   * checkpoint lags by up to an interval, and after a crash those events would go out again once JetStream's
   * duplicate window has passed).
   */
  private async start(): Promise<number> {
    const checkpoint = await this.checkpoint.read();
    if (this.resumed) return checkpoint;
    this.resumed = true;
    const published = await this.lastPublishedPosition().catch(() => 0);
    if (published <= checkpoint) return checkpoint;
    await this.checkpoint.advance(published);
    return published;
  }

  private async lastPublishedPosition(): Promise<number> {
    const jsm = await this.js.jetstreamManager();
    const { state } = await jsm.streams.info(this.subjects.streams.events);
    if (state.messages === 0) return 0;
    const message = await jsm.streams.getMessage(this.subjects.streams.events, { seq: state.last_seq });
    const { position } = message.json<{ position?: unknown }>();
    return typeof position === 'number' ? position : 0;
  }
}
