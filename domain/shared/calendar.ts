import { DateTime } from 'luxon';
import type { CalendarDate, Instant } from './primitives';

/** Calendar arithmetic in a user's time zone. Dates are plain YYYY-MM-DD; an instant is mapped to a date only through a zone. */

export function todayIn(now: Instant, zone: string): CalendarDate {
  const date = DateTime.fromISO(now, { setZone: false }).setZone(zone).toISODate();
  if (!date) throw new Error(`cannot place ${now} in zone ${zone}`);
  return date;
}

/** Adds whole calendar days; independent of DST because it never passes through a clock time. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const result = DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate();
  if (!result) throw new Error(`invalid date ${date}`);
  return result;
}

/** The last instant of a due date in a zone: a due date ends at the end of that day. */
export function endOfDay(date: CalendarDate, zone: string): DateTime {
  return DateTime.fromISO(date, { zone }).endOf('day');
}

/** Overdue: the due date has ended in the user's zone. */
export function isPast(date: CalendarDate, now: Instant, zone: string): boolean {
  return DateTime.fromISO(now).toMillis() > endOfDay(date, zone).toMillis();
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
