import { endOfDay, todayIn } from '../shared/calendar';
import type { CalendarDate, Instant } from '../shared/primitives';

/**
 * R5: overdue is derived when reading: the due date has ended in the user's zone (the portal's when the user has
 * none) and the training is not completed. Every reader uses this rule: dashboards and My Team (`isOverdue`), history
 * and the scheduler's overdue notice (R22) (`isOverdueAt`), and MI reporting through the moment each row becomes
 * overdue (`overdueFrom`), stored on the row and compared in SQL as `status <> 'completed' AND overdue_at <= now`.
 */
export interface OverdueFacts {
  status: string;
  dueDate: CalendarDate | null;
}

/** Overdue on `today`, a calendar date in the user's zone: the due date lies before it, and not completed. */
export function isOverdue(facts: OverdueFacts, today: CalendarDate): boolean {
  return facts.status !== 'completed' && facts.dueDate !== null && facts.dueDate < today;
}

/** Overdue at an instant, judged in the user's zone. */
export function isOverdueAt(facts: OverdueFacts, now: Instant, zone: string): boolean {
  return isOverdue(facts, todayIn(now, zone));
}

/**
 * The first millisecond after a due date in a zone (epoch ms): from then on an unfinished assignment is overdue.
 * Remembered per date and zone, as read models compute it for every row they write.
 */
export function overdueFrom(date: CalendarDate, zone: string): number {
  const key = `${date}|${zone}`;
  let known = overdueStarts.get(key);
  if (known === undefined) {
    known = endOfDay(date, zone).toMillis() + 1;
    if (overdueStarts.size >= 100_000) overdueStarts.clear();
    overdueStarts.set(key, known);
  }
  return known;
}

const overdueStarts = new Map<string, number>();
