import { createHash } from 'node:crypto';

/**
 * Event ids derived from the command id and the event's index: a retried command produces the same ids, so an
 * event store that deduplicates by id (EventStoreDB, and our adapters) stores it once. Formatted as a UUID v5-style
 * name-based id.
 */
export function eventIdFor(commandId: string, index: number): string {
  const hash = createHash('sha1').update(`${commandId}/${index}`).digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
