import type { ExpectedRevision } from '../../handlers/ports/eventStore';

/** The rules every adapter applies the same way when it writes. */

export function matchesExpected(expected: ExpectedRevision, actual: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === -1;
    case 'stream_exists':
      return actual >= 0;
    default:
      return actual === expected;
  }
}

/**
 * JSON.stringify(undefined) is undefined: stored as null (a SQLite column is NOT NULL; the memory store does the same).
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}
