/**
 * Subscriptions of the EventStoreDB adapter: the pure rules (filter, checkpoint, backoff; tested in
 * test/infra/eventStoreDbMapping.test.ts) and the subscription that applies them.
 *
 * - They use the client's `subscribeToAll` with a server-side stream-name filter `^{prefix}-` (not the shared
 *   readAll-polling CatchUpSubscription: the server pushes live events, so no polling interval), consumed with
 *   `for await`. EventStoreDB filters on one dimension only (stream name or event type), so the event-type part
 *   (no `$` system types) is checked client-side, by `toStoredEvent`.
 * - After an error or a server restart they resubscribe with exponential backoff from the position of the last
 *   event handed to the consumer (`advanceCheckpoint`), dropping anything at or before it. The filter carries no
 *   `checkpointReached` callback: the server's checkpoint can lie past events the consumer has not received yet
 *   (buffered in the stream), so resuming there could skip them.
 * - `close()` resolves pending `next()` calls as done and cancels the gRPC call.
 */
import {
  type AllStreamSubscription,
  type EventStoreDBClient,
  type RegexFilter,
  streamNameFilter,
} from '@eventstore/db-client';
import type { StoredEvent, Subscription } from '../../handlers/ports/eventStore';
import {
  EventStoreDbMappingError,
  toEsdbReadPosition,
  toStoredEvent,
  validateStreamPrefix,
} from './eventStoreDbMapping';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The server-side `$all` filter: this prefix's event streams only. No checkpointReached callback (see header). */
export function subscriptionFilter(prefix: string): RegexFilter {
  return streamNameFilter({ regex: `^${escapeRegex(validateStreamPrefix(prefix))}-` });
}

/**
 * The checkpoint rule: an event is handed to the consumer only when it lies after the checkpoint, and the
 * checkpoint then becomes that event's position. A resubscription starts from the checkpoint, so events seen
 * twice are dropped and none is skipped (v24.10 starts a subscription after its position; the rule holds on any
 * server).
 */
export function advanceCheckpoint(
  checkpoint: number,
  event: { position: number },
): { deliver: boolean; checkpoint: number } {
  if (event.position <= checkpoint) return { deliver: false, checkpoint };
  return { deliver: true, checkpoint: event.position };
}

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
}

/** Delay before resubscription attempt `attempt` (0-based): doubling from initialMs, capped at maxMs. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 100;
  const max = options.maxMs ?? 5000;
  const steps = Math.max(0, Math.min(Math.floor(attempt), 30));
  return Math.min(max, initial * 2 ** steps);
}

export interface SubscriptionOptions {
  client: EventStoreDBClient;
  prefix: string;
  fromPosition: number;
  backoff: BackoffOptions;
  onError: ((error: unknown, attempt: number, delayMs: number) => void) | undefined;
  onClose: () => void;
}

/** Cancels the gRPC call and ends the readable, so a `for await` over it finishes. */
export async function stopSubscription(subscription: AllStreamSubscription): Promise<void> {
  try {
    await subscription.unsubscribe();
  } catch {
    // The call may never have started (connection failure): nothing to cancel.
  }
  subscription.destroy();
}

/**
 * A catch-up-then-live subscription on `$all` through the client's `subscribeToAll` (see the header). One consumer;
 * `next()` calls are queued in order by the async generator behind it.
 */
export class EventStoreDbSubscription implements Subscription, AsyncIterator<StoredEvent, undefined> {
  private closed = false;
  /** Position of the last event handed to the consumer: where a resubscription resumes. */
  private checkpoint: number;
  private current: AllStreamSubscription | undefined;
  private wakeSleeper: (() => void) | undefined;
  /** Callers of next() still waiting: close() resolves them as done. */
  private readonly waiting = new Set<(result: IteratorResult<StoredEvent, undefined>) => void>();
  private readonly events: AsyncGenerator<StoredEvent, undefined, undefined>;

  constructor(private readonly options: SubscriptionOptions) {
    this.checkpoint = Math.max(0, Math.floor(options.fromPosition));
    toEsdbReadPosition(this.checkpoint); // validates it now rather than in the first next()
    this.events = this.run();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StoredEvent, undefined>> {
    if (this.closed) return Promise.resolve(DONE);
    // Not Promise.race with one long-lived "closed" promise: every race would leave a reaction on it for as
    // long as the subscription lives. Each call registers itself until it settles, and close() settles the rest.
    return new Promise((resolve, reject) => {
      this.waiting.add(resolve);
      this.events.next().then(
        (result) => {
          if (this.waiting.delete(resolve)) resolve(result);
        },
        (error: unknown) => {
          if (this.waiting.delete(resolve)) reject(error);
        },
      );
    });
  }

  /** Called by `break` / `return` inside `for await`: the subscription is closed. */
  async return(): Promise<IteratorResult<StoredEvent, undefined>> {
    await this.close();
    return DONE;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const resolve of this.waiting) resolve(DONE);
    this.waiting.clear();
    this.wakeSleeper?.();
    const current = this.current;
    this.current = undefined;
    if (current !== undefined) void stopSubscription(current);
    // A generator parked at `yield` runs its `finally` now; a running one once its pending read settles.
    this.events.return(undefined).catch(() => undefined);
    this.options.onClose();
    return Promise.resolve();
  }

  private async *run(): AsyncGenerator<StoredEvent, undefined, undefined> {
    const { client, prefix } = this.options;
    let attempt = 0;
    while (!this.closed) {
      const subscription = client.subscribeToAll({
        fromPosition: toEsdbReadPosition(this.checkpoint),
        filter: subscriptionFilter(prefix),
      });
      // Errors reach the for-await below; this listener only keeps a late one from crashing the process.
      subscription.on('error', () => undefined);
      this.current = subscription;
      let failure: unknown;
      try {
        for await (const resolved of subscription) {
          if (this.closed) break;
          attempt = 0;
          const event = resolved.event === undefined ? undefined : toStoredEvent(prefix, resolved.event);
          if (event === undefined) continue;
          const step = advanceCheckpoint(this.checkpoint, event);
          if (!step.deliver) continue;
          this.checkpoint = step.checkpoint;
          yield event;
        }
      } catch (error) {
        // An event the port cannot represent would fail again after a resubscription: the consumer gets it.
        if (error instanceof EventStoreDbMappingError) throw error;
        failure = error;
      } finally {
        if (this.current === subscription) this.current = undefined;
        await stopSubscription(subscription);
      }
      if (this.closed) return undefined;
      const delay = backoffDelay(attempt, this.options.backoff);
      this.options.onError?.(failure ?? new Error('EventStoreDB subscription ended'), attempt, delay);
      attempt += 1;
      await this.sleep(delay);
    }
    return undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeSleeper = undefined;
        resolve();
      }, ms);
      this.wakeSleeper = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        resolve();
      };
    });
  }
}
