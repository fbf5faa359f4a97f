import { webcrypto } from 'node:crypto';
import { monotonicFactory, ulid } from 'ulid';

/**
 * New command ids (ULIDs) for callers that do not bring their own. The `ulid` package asks the system for one
 * random byte per character (16 calls per id), which a client sending thousands of commands a second feels; here
 * the same cryptographic bytes come from a pool refilled 4 KB at a time. A byte / 256 × 32 maps evenly onto the
 * 32 ULID characters.
 */
const pool = new Uint8Array(4096);
let next = pool.length;

function pooledRandom(): number {
  if (next >= pool.length) {
    webcrypto.getRandomValues(pool);
    next = 0;
  }
  return (pool[next++] as number) / 256;
}

export function newCommandId(): string {
  return ulid(undefined, pooledRandom);
}

/**
 * Ids that sort in the order they are made, even within one millisecond, as a client numbering its commands would
 * send them (the bench makes its ids before the clock starts: ids made in one burst that sort at random would land
 * all over the command records' index, where ids made as commands are sent land at its end).
 */
export function orderedCommandIds(): () => string {
  return monotonicFactory(pooledRandom);
}
