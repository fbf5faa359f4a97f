import path from 'node:path';
import type { StoredEvent } from '../../handlers/ports/eventStore';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { runCli } from './engineProcess';

/** Checks on a data folder after `lms serve` processes worked on it (reliability tests). */

/** The whole event log of a data folder, read after its engines stopped. */
export async function readLog(data: string): Promise<StoredEvent[]> {
  const store = SqliteEventStore.open({ file: path.join(data, 'events.db') });
  try {
    const events: StoredEvent[] = [];
    for (let from = 0; ; ) {
      const page = await store.readAll(from, 5000);
      if (page.length === 0) return events;
      events.push(...page);
      from = page[page.length - 1]?.position ?? from;
    }
  } finally {
    await store.close();
  }
}

/** The events of the log grouped by the command that appended them. */
export function eventsByCommand(events: readonly StoredEvent[]): Map<string, StoredEvent[]> {
  const byCommand = new Map<string, StoredEvent[]>();
  for (const event of events)
    byCommand.set(event.metadata.commandId, [...(byCommand.get(event.metadata.commandId) ?? []), event]);
  return byCommand;
}

/** `lms verify` on the folder: the live read models equal a rebuild from the events. */
export function expectReadModelsEqualRebuild(data: string): void {
  const verify = runCli(['verify', '--data', data]);
  expect([verify.status, verify.stdout]).toEqual([0, expect.stringContaining('verify OK')]);
}

/** Polls until a condition holds, bounded; the error names what was awaited and the last value seen. */
export async function waitFor<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not reached within ${timeoutMs} ms; last: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
