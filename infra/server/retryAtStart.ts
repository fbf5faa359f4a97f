import type { Logger } from 'pino';

/**
 * A start-up step that waits for a server still coming up (NATS restarting, the event store unreachable): tried again
 * with backoff (250 ms doubling, at most 5 s, 8 tries: about 20 s), the log saying what it waits for, then the start
 * fails with the last error. An error `retryable` says no to (refused credentials) fails the start at once.
 */
export async function retryAtStart<T>(
  step: () => Promise<T>,
  options: {
    logger: Logger;
    waiting: string;
    retryable: (error: Error) => boolean;
    asError?: (caught: unknown) => Error;
  },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (caught) {
      const error = options.asError ? options.asError(caught) : (caught as Error);
      if (!options.retryable(error) || attempt >= 8) throw error;
      options.logger.warn({ attempt, err: error.message }, options.waiting);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)));
    }
  }
}
