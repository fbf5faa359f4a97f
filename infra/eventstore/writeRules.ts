import type { ExpectedRevision, StreamSnapshot } from '../../handlers/ports/eventStore';

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

/**
 * Whether a snapshot offered replaces the one kept: not past the stream's last event (`lastRevision`, -1: no stream),
 * and not older than a kept one of the same format (another format's is replaced: the engine that wrote it is gone).
 */
export function keepsSnapshot(
  kept: Pick<StreamSnapshot, 'revision' | 'format'> | undefined,
  offered: Pick<StreamSnapshot, 'revision' | 'format'>,
  lastRevision: number,
): boolean {
  if (!Number.isSafeInteger(offered.revision) || offered.revision < 0 || offered.revision > lastRevision) return false;
  return kept === undefined || kept.format !== offered.format || kept.revision < offered.revision;
}
