import { EventStoreCorruptError, EventStoreUnavailableError } from './eventStore';

/**
 * The contract of background work (the reactor, the projections, the relay, the scheduler), shared by handlers/ and
 * projections/. R29: background work retries a failure with backoff; work that keeps failing for a reason other than an outage is
 * split until the items that fail on their own are found, and those are parked while the rest is done. Outages wait
 * in place: they are thrown on, to the loop that retries them.
 */

/** A failure that means "not now" (the store unavailable, a conflict that outlasted its retries): never parked. */
export class WaitInPlace extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitInPlace';
  }
}

/** Storage busy, locked, full or unreachable (the SQLite codes of the read models' file): it passes, so wait. */
const STORAGE_OUTAGE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY)/;
/** A damaged file is not an outage and not poison: it stops the work with its own error (R30), never parked. */
const STORAGE_DAMAGE = /^SQLITE_(CORRUPT|NOTADB)/;

const sqliteCode = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

export const waitsInPlace = (error: unknown): boolean =>
  error instanceof WaitInPlace || error instanceof EventStoreUnavailableError || STORAGE_OUTAGE.test(sqliteCode(error));

/** Failures that are never parked: outages wait in place, damage stops the loop with its own error. */
export const neverParked = (error: unknown): boolean =>
  waitsInPlace(error) || error instanceof EventStoreCorruptError || STORAGE_DAMAGE.test(sqliteCode(error));

export interface RetryPolicy {
  /** Attempts before the work is isolated (at least 1). */
  attempts: number;
  /** The wait after the first failure, doubled after each. */
  backoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, backoffMs: 50 };

/** Runs the work until it succeeds or its attempts are spent; returns the last error then. Outages are thrown on. */
export async function attemptWithRetries(work: () => Promise<void>, policy: RetryPolicy): Promise<Error | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await work();
      return undefined;
    } catch (error) {
      if (neverParked(error)) throw error;
      if (attempt >= policy.attempts) return error instanceof Error ? error : new Error(String(error));
      await new Promise((resolve) => setTimeout(resolve, policy.backoffMs * 2 ** (attempt - 1)));
    }
  }
}

/**
 * Splits a batch that failed as a whole into halves, tries each once, and splits again what fails, until the items
 * that fail on their own are found: the rest is done in as few runs as the failures allow. `run` gets the items and a
 * path naming the part ('a', 'ab', ...), so a part's command id is the same when the same batch is isolated again
 * after a crash (the parts done then are replays).
 */
export async function isolateFailures<Item>(
  items: readonly Item[],
  failure: Error,
  run: (items: readonly Item[], path: string) => Promise<void>,
  path = '',
): Promise<{ item: Item; error: Error }[]> {
  if (items.length === 1) return [{ item: items[0] as Item, error: failure }];
  const half = Math.ceil(items.length / 2);
  const failed: { item: Item; error: Error }[] = [];
  for (const [part, suffix] of [
    [items.slice(0, half), 'a'],
    [items.slice(half), 'b'],
  ] as const) {
    const error = await attemptWithRetries(() => run(part, path + suffix), { attempts: 1, backoffMs: 0 });
    if (!error) continue;
    for (const failure of await isolateFailures(part, error, run, path + suffix)) failed.push(failure);
  }
  return failed;
}
