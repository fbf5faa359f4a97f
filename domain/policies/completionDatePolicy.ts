import type { RuleId } from '../shared/domainError';
import { ruleViolation } from '../shared/domainError';
import type { CalendarDate } from '../shared/primitives';

/** Whose day a completion is judged by: the user's today in their zone (the portal's when they have none). */
export interface CompletionDay {
  userId: string;
  today: CalendarDate;
  timeZone: string;
}

/**
 * A completion cannot be dated after the user's today. One rule for completing, correcting a completion (R26) and
 * importing completions, which judges the date before it assigns the course the completion needs.
 */
export function refuseFutureCompletion(
  completedOn: CalendarDate,
  day: CompletionDay,
  options: { subject?: string; details?: Record<string, unknown>; rule?: RuleId } = {},
): void {
  if (completedOn <= day.today) return;
  throw ruleViolation(
    `${options.subject ?? 'completedOn'} ${completedOn} is in the future for ${day.userId} (today is ${day.today} in ${day.timeZone})`,
    options.details ?? { completedOn },
    options.rule,
  );
}
