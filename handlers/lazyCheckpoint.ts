import type { EventStore } from './ports/eventStore';

/**
 * A checkpoint kept in memory and written to the store at most once per interval (and on `flush`): for work that is
 * harmless to redo after a crash (a reaction replayed decides nothing: the user already holds the rule, or no longer
 * does; the relay's republishes are dropped by JetStream's duplicate window), so a busy loop does not spend a store
 * write per page.
 */
export class LazyCheckpoint {
  private written = -1;
  private position: number | undefined;
  private writtenAt = 0;

  constructor(
    private readonly store: EventStore,
    private readonly name: string,
    private readonly intervalMs = 1000,
  ) {}

  /** The position reached: the one in memory, or the stored checkpoint on first use. */
  async read(): Promise<number> {
    if (this.position === undefined) {
      this.position = await this.store.readCheckpoint(this.name);
      this.written = this.position;
    }
    return this.position;
  }

  async advance(position: number): Promise<void> {
    this.position = position;
    if (Date.now() - this.writtenAt >= this.intervalMs) await this.flush();
    // Once the work goes quiet, the position reached is written within an interval all the same (status reads it).
    else this.trailing ??= setTimeout(() => void this.flush().catch(() => undefined), this.intervalMs).unref();
  }

  private trailing: NodeJS.Timeout | undefined;

  /** Writes the position reached if the store lags behind it. */
  async flush(): Promise<void> {
    clearTimeout(this.trailing);
    this.trailing = undefined;
    const position = this.position;
    if (position === undefined || position === this.written) return;
    await this.store.writeCheckpoint(this.name, position);
    this.written = position;
    this.writtenAt = Date.now();
  }
}
