import { DateTime } from 'luxon';
import { UsageError } from './usageError';

const STATUS_TEXT: ReadonlyMap<string, string> = new Map([
  ['notStarted', 'Not Started'],
  ['inProgress', 'In Progress'],
  ['completed', 'Completed'],
  ['expired', 'Expired'],
]);

/** How statuses read to a person (seed: individual assignment, "Status Information"). */
export function statusText(status: string): string {
  return STATUS_TEXT.get(status) ?? status;
}

const squeeze = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, '');

/** A status as a person types it: the label the tables print ("Not Started") or the contract's name (notStarted). */
export function statusFromText(text: string): string {
  for (const [status, label] of STATUS_TEXT) if (squeeze(text) === squeeze(label)) return status;
  const labels = [...STATUS_TEXT.values()].map((label) => `"${label}"`).join(', ');
  throw new UsageError(`--status ${JSON.stringify(text)} is not a status: use one of ${labels}`);
}

/**
 * An `--as-of` as a person types it: an instant (2026-12-03T17:00:00Z) as it is, or a plain date, which means the end
 * of that day in the portal's time zone (what an auditor asking "as of 3 December" means).
 */
export function asOfFromText(text: string | undefined, portalTimeZone: string): string | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  const end = DateTime.fromISO(text, { zone: portalTimeZone }).endOf('day');
  if (!end.isValid) throw new UsageError(`--as-of ${text} is not a date: use YYYY-MM-DD or an ISO instant`);
  return end.toUTC().toISO() ?? text;
}
