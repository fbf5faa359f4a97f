/**
 * A `$all` subscription used as a read. The 6.x client's reads of `$all` cannot be filtered by the server, its
 * subscriptions can: a catch-up subscription with a filter streams the matching events and then sends `caught_up`
 * (servers from 23.10; v24.10: Enumerator.AllSubscriptionFiltered.cs), which the client emits as "caughtUp". That
 * signal marks the end of the read; the call is then cancelled, so the subscription never goes live.
 */
import type { AllStreamRecordedEvent, AllStreamResolvedEvent, EventStoreDBClient } from '@eventstore/db-client';
import { EventStoreUnavailableError } from '../../handlers/ports/eventStore';
import { stopSubscription } from './eventStoreDbSubscription';

type SubscribeToAllOptions = NonNullable<Parameters<EventStoreDBClient['subscribeToAll']>[0]>;

/** Queued behind the events already received when "caughtUp" is emitted, so it arrives after them, in order. */
const CAUGHT_UP: unique symbol = Symbol('caught up');

/**
 * Hands every event to `onEvent` until it answers false or the server has caught up. A server that says nothing for
 * `silenceMs` (an old server never sends caught-up) counts as unavailable rather than blocking the caller forever.
 */
export async function readUntilCaughtUp(
  client: EventStoreDBClient,
  options: SubscribeToAllOptions,
  silenceMs: number,
  onEvent: (recorded: AllStreamRecordedEvent) => boolean,
): Promise<void> {
  const subscription = client.subscribeToAll(options);
  // Errors reach the for-await below; this listener only keeps a late one from crashing the process.
  subscription.on('error', () => undefined);
  subscription.on('caughtUp', () => subscription.push(CAUGHT_UP));
  let timer: NodeJS.Timeout | undefined;
  const watchSilence = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const message = `EventStoreDB sent nothing for ${silenceMs} ms during a read of $all (no caught-up signal)`;
      subscription.destroy(new EventStoreUnavailableError(message));
    }, silenceMs);
  };
  try {
    watchSilence();
    for await (const item of subscription as AsyncIterable<AllStreamResolvedEvent | typeof CAUGHT_UP>) {
      if (item === CAUGHT_UP) return;
      watchSilence();
      if (item.event !== undefined && !onEvent(item.event)) return;
    }
    throw new EventStoreUnavailableError('EventStoreDB ended a read of $all before it had caught up');
  } finally {
    clearTimeout(timer);
    await stopSubscription(subscription);
  }
}
