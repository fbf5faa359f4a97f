import { addDays } from '../shared/calendar';
import type { CalendarDate } from '../shared/primitives';

/** R5: a completion of a course with validity days lapses on completion day + validity days. */
export function expiryDate(completedOn: CalendarDate, validityDays: number | null): CalendarDate | null {
  return validityDays === null ? null : addDays(completedOn, validityDays);
}

export function hasLapsed(expiresOn: CalendarDate | null, today: CalendarDate): boolean {
  return expiresOn !== null && today >= expiresOn;
}
