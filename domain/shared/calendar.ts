import { DateTime } from 'luxon';
import type { CalendarDate, Instant } from './primitives';

/**
 * Calendar arithmetic in a user's time zone. Dates are plain YYYY-MM-DD; an instant is mapped to a date only through a
 * zone.
 */

export function todayIn(now: Instant, zone: string): CalendarDate {
  // Every zone's offset is a whole number of minutes, so a UTC instant's date in a zone depends on its minute only:
  // remembered per minute and zone (a hot path: every command and every row of a report asks).
  const key = /^\d{4}-\d\d-\d\dT\d\d:\d\d.*Z$/.test(now) ? `${now.slice(0, 16)}|${zone}` : undefined;
  const known = key === undefined ? undefined : todays.get(key);
  if (known !== undefined) return known;
  const date = DateTime.fromISO(now, { setZone: false }).setZone(zone).toISODate();
  if (!date) throw new Error(`cannot place ${now} in zone ${zone}`);
  if (key !== undefined) {
    if (todays.size >= 10_000) todays.clear();
    todays.set(key, date);
  }
  return date;
}

const todays = new Map<string, CalendarDate>();

const sums = new Map<string, CalendarDate>();

/**
 * Adds whole calendar days; independent of DST because it never passes through a clock time. Remembered per date and
 * count: a rule reaching 100,000 users asks the same sum 100,000 times.
 */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const key = `${date}|${days}`;
  const known = sums.get(key);
  if (known !== undefined) return known;
  const result = DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate();
  if (!result) throw new Error(`invalid date ${date}`);
  if (sums.size >= 100_000) sums.clear();
  sums.set(key, result);
  return result;
}

/** The last instant of a due date in a zone: a due date ends at the end of that day. */
export function endOfDay(date: CalendarDate, zone: string): DateTime {
  return DateTime.fromISO(date, { zone }).endOf('day');
}

/** Whole calendar days from one date to another (negative when `to` comes first). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
