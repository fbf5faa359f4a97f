import type { Logger } from 'pino';
import type { EventStore, Subscription } from '../../handlers/ports/eventStore';

/**
 * Wakes the background loops when the store pushes a new event (stores with `pushesNewEvents`: EventStoreDB), so an
 * idle engine sends the server nothing but this one subscription instead of asking for the head every 100 ms. The
 * subscription resubscribes by itself after an outage; if it ends anyway it is opened again from the last event it saw.
 */
export class NewEventWatch {
  private subscription: Subscription | undefined;
  private stopped = false;
  private done: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly onNewEvent: () => void,
    private readonly logger: Logger,
  ) {}

  /** Watches for events after `fromPosition` (the head when the loops start, so nothing falls between). */
  start(fromPosition: number): void {
    this.done = this.run(fromPosition);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.done;
  }

  private async run(fromPosition: number): Promise<void> {
    let position = fromPosition;
    while (!this.stopped) {
      this.subscription = this.store.subscribe({ fromPosition: position });
      try {
        for await (const event of this.subscription) {
          position = event.position;
          this.onNewEvent();
        }
      } catch (error) {
        this.logger.warn({ err: (error as Error).message }, 'watching for new events failed; watching again');
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}
