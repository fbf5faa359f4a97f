import type { Logger } from 'pino';
import { EventStoreCorruptError } from '../../handlers/ports/eventStore';

/**
 * Runs a piece of work again and again: right after a nudge, or after an idle interval (to see what other
 * processes stored). A failure is logged and retried with backoff; the loop never dies of it, but for a damaged log
 * (R30), which it reports through `onFatal` and stops on: retrying cannot help.
 */
export class BackgroundLoop {
  private stopped = false;
  private wake: (() => void) | undefined;
  private nudged = false;
  private done: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly work: () => Promise<unknown>,
    private readonly options: { intervalMs: number; logger: Logger; onFatal?: (error: Error) => void },
  ) {}

  start(): void {
    this.done = this.run();
  }

  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Ends the loop after the iteration in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      this.nudged = false;
      try {
        await this.work();
        failures = 0;
      } catch (error) {
        if (error instanceof EventStoreCorruptError) {
          this.options.logger.fatal({ loop: this.name, err: error.message }, 'the event log is damaged');
          this.options.onFatal?.(error);
          return;
        }
        failures++;
        this.options.logger.warn(
          { loop: this.name, err: (error as Error).message, failures },
          'background work failed; retrying',
        );
      }
      if (this.stopped) break;
      if (this.nudged && failures === 0) continue;
      await this.sleep(failures === 0 ? this.options.intervalMs : Math.min(30_000, 250 * 2 ** failures));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        finish();
      };
    });
  }
}
