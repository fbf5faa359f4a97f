import type { Logger } from 'pino';
import pino from 'pino';

/** Structured logs on stderr, so stdout stays the command's output. Never log credentials. */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: 'lms' },
      redact: ['*.password', '*.token', '*.nkey', '*.creds', 'config.EVENTSTORE_CONNECTION_STRING'],
    },
    pino.destination(2),
  );
}
