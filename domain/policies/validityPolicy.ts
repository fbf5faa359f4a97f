import { addDays } from '../shared/calendar';
import type { CalendarDate } from '../shared/primitives';

/** R5: a completion of a course with validity days lapses on completion day + validity days. */
export function expiryDate(completedOn: CalendarDate, validityDays: number | null): CalendarDate | null {
  return validityDays === null ? null : addDays(completedOn, validityDays);
}

export function hasLapsed(expiresOn: CalendarDate | null, today: CalendarDate): boolean {
  return expiresOn !== null && today >= expiresOn;
}

/**
 * R24: the day a course's recertification window opens for a completion expiring on `expiresOn`, or null when the
 * course has none. The window is shorter than the validity, so it opens after the completion.
 */
export function recertificationOpensOn(expiresOn: CalendarDate | null, windowDays: number | null): CalendarDate | null {
  return expiresOn === null || windowDays === null ? null : addDays(expiresOn, -windowDays);
}
