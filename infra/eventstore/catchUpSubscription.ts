/**
 * Catch-up-then-live subscription built only on `readAll(fromPosition, limit)` pages, shared by the adapters.
 *
 * Why pages and not a push feed: a page read is the one thing every adapter can do, it naturally covers the
 * catch-up phase, and it is correct whoever wrote the events (this process or another one sharing a SQLite
 * file). Once a page comes back empty the subscription sleeps until the adapter wakes it (it does after each
 * successful append in this process) or, when `pollIntervalMs` is set, until the interval elapses (so writes
 * by other processes are seen too).
 *
 * One consumer per subscription: `[Symbol.asyncIterator]()` returns the subscription itself, so a second
 * call shares the same cursor. `next()` calls are serialized, so even overlapping calls get events in order.
 */
import type { StoredEvent, Subscription } from '../../handlers/ports/eventStore';

export type ReadAllPage = (fromPosition: number, limit: number) => Promise<StoredEvent[]>;

export interface CatchUpSubscriptionOptions {
  /** Deliver events with a position above this one. */
  fromPosition: number;
  readAll: ReadAllPage;
  /** Events read per page (default 500). */
  pageSize?: number | undefined;
  /** When set, re-read this often while caught up even if not woken (other writers). Unset: wake-ups only. */
  pollIntervalMs?: number | undefined;
  /** Called once when the subscription closes (the adapter forgets it). */
  onClose?: (() => void) | undefined;
}

export const DEFAULT_PAGE_SIZE = 500;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export class CatchUpSubscription implements Subscription, AsyncIterator<StoredEvent, undefined> {
  private readonly readAll: ReadAllPage;
  private readonly pageSize: number;
  private readonly pollIntervalMs: number | undefined;
  private readonly onClose: (() => void) | undefined;
  /** Position of the last event read into the buffer. */
  private position: number;
  private buffer: StoredEvent[] = [];
  private bufferIndex = 0;
  private closed = false;
  /** Bumped by every wake(): a wake that lands while a page is being read is not lost. */
  private wakeGeneration = 0;
  private wakeWaiter: (() => void) | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  /** Serializes next() calls. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(options: CatchUpSubscriptionOptions) {
    this.position = Math.max(0, options.fromPosition);
    this.readAll = options.readAll;
    this.pageSize = Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PAGE_SIZE));
    this.pollIntervalMs = options.pollIntervalMs;
    this.onClose = options.onClose;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** New events may exist: stop waiting and read again. Cheap; safe to call at any time. */
  wake(): void {
    this.wakeGeneration += 1;
    this.releaseWaiter();
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.buffer = [];
      this.bufferIndex = 0;
      this.releaseWaiter();
      this.onClose?.();
    }
    return Promise.resolve();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StoredEvent, undefined>> {
    const result = this.chain.then(() => this.pull());
    // Keep the chain alive after a rejected read so later next() calls still run (and retry).
    this.chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Called by `break` / `return` inside `for await`: the subscription is closed. */
  async return(): Promise<IteratorResult<StoredEvent, undefined>> {
    await this.close();
    return DONE;
  }

  private async pull(): Promise<IteratorResult<StoredEvent, undefined>> {
    for (;;) {
      if (this.closed) return DONE;
      const buffered = this.buffer[this.bufferIndex];
      if (buffered !== undefined) {
        this.bufferIndex += 1;
        return { done: false, value: buffered };
      }
      const generation = this.wakeGeneration;
      let page: StoredEvent[];
      try {
        page = await this.readAll(this.position, this.pageSize);
      } catch (error) {
        // A read failing because the store was closed under us is just the end.
        if (this.closed) return DONE;
        throw error;
      }
      if (this.closed) return DONE;
      const last = page[page.length - 1];
      if (last !== undefined) {
        this.buffer = page;
        this.bufferIndex = 0;
        this.position = last.position;
        continue;
      }
      this.buffer = [];
      this.bufferIndex = 0;
      if (generation !== this.wakeGeneration) continue; // woken while reading
      await this.waitForWake();
    }
  }

  private waitForWake(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wakeWaiter = resolve;
      if (this.pollIntervalMs !== undefined) {
        this.pollTimer = setTimeout(() => this.releaseWaiter(), this.pollIntervalMs);
      }
    });
  }

  private releaseWaiter(): void {
    if (this.pollTimer !== undefined) {
      clearTimeout(this.pollTimer);
      this.pollTimer = undefined;
    }
    const waiter = this.wakeWaiter;
    this.wakeWaiter = undefined;
    waiter?.();
  }
}

/** The set of live subscriptions of one store: woken after each append, all closed with the store. */
export class SubscriptionHub {
  private readonly subscriptions = new Set<CatchUpSubscription>();

  constructor(private readonly defaults: Omit<CatchUpSubscriptionOptions, 'fromPosition' | 'onClose'>) {}

  subscribe(fromPosition: number): CatchUpSubscription {
    const subscription: CatchUpSubscription = new CatchUpSubscription({
      ...this.defaults,
      fromPosition,
      onClose: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  wakeAll(): void {
    for (const subscription of this.subscriptions) subscription.wake();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
  }

  get size(): number {
    return this.subscriptions.size;
  }
}
