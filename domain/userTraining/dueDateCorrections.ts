/**
 * R26: due dates corrected: one user's share of an ExtendDueDates (an admin override, R3), and the due dates a
 * corrected hire date moves (R18: a new starter's window counts from the hire date).
 */
import { addDays } from '../shared/calendar';
import type { CalendarDate } from '../shared/primitives';
import { titleOf } from './assignmentChecks';
import { sourceKey } from './assignmentSource';
import type { Extension } from './correctionEvents';
import { RESET_WORDS } from './dueDatesAndExemptions';
import { dueAfter, effective, pastDueWarnings } from './dueDateTerms';
import type { TrainingContext, TrainingDecision } from './trainingDecision';
import { trainingDecision as decision } from './trainingDecision';
import type { TrainingEvent, TrainingState } from './trainingState';
import { anchoredSource, isVisible } from './trainingState';

export const extensionText = (by: Extension): string =>
  'days' in by ? `by ${by.days} day${by.days === 1 ? '' : 's'}` : `to ${by.toDate}`;

/**
 * Extends the effective due date of an active, unfinished assignment the learner sees. The new date is an admin's
 * override (R3): it holds until the next reset. No due date, or one already on or after the date asked for: unchanged.
 */
export function extendDueDate(
  command: { courseId: string; ruleId?: string | undefined; by: Extension; reason: string },
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const { courseId, by } = command;
  const title = titleOf(courseId, context);
  const who = context.userId;
  const current = state.assignments.get(courseId);
  if (!current?.active) return decision([], 'skipped', `${who} has no assignment of ${title}`);
  if (command.ruleId !== undefined && !current.sources.some((source) => source.ruleId === command.ruleId))
    return decision([], 'skipped', `${who} does not hold ${title} through that rule`);
  if (!isVisible(current)) return decision([], 'skipped', `${who} is exempt from ${title}: nothing is due`);
  if (current.status === 'completed')
    return decision([], 'unchanged', `${who} completed ${title} on ${current.completedOn}: nothing is due`);
  if (current.dueDate === null)
    return decision(
      [],
      'unchanged',
      `${title} has no due date for ${who}: there is none to extend (ChangeDueDate sets one)`,
    );
  const dueDate = 'days' in by ? addDays(current.dueDate, by.days) : by.toDate;
  if (dueDate <= current.dueDate)
    return decision([], 'unchanged', `${title} for ${who} is already due ${current.dueDate}, on or after ${dueDate}`);
  const event: TrainingEvent = {
    type: 'DueDateChanged',
    data: {
      userId: who,
      courseId,
      ...effective(dueDate, context),
      previousDueDate: current.dueDate,
      override: dueDate,
      reason: command.reason,
      correction: { kind: 'extended', by },
    },
  };
  return decision(
    [event],
    'changed',
    `${title} for ${who} extended ${extensionText(by)}: due ${current.dueDate} → ${dueDate}; the date holds until the next reset, ${RESET_WORDS}: ${command.reason}`,
    pastDueWarnings(dueDate, context),
  );
}

/**
 * R18, R26: a corrected hire date moves every relative new-starter window that counted from the previous one (a
 * window renewed at a reset counts from that day, and stays). An admin's override still wins (R3): the window moves
 * underneath it, and counts again once the override goes. Completed training keeps the deadline it met.
 */
export function correctHireDate(
  command: { previousHireDate: CalendarDate; hireDate: CalendarDate },
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const { previousHireDate, hireDate } = command;
  const reason = `hire date corrected from ${previousHireDate} to ${hireDate}`;
  const events: TrainingEvent[] = [];
  const moved: string[] = [];
  for (const current of state.assignments.values()) {
    if (!current.active || current.status === 'completed') continue;
    const sourceKeys = current.sources
      .filter(
        (source) =>
          source.kind === 'newStarter' && source.due.kind === 'relative' && source.anchorDate === previousHireDate,
      )
      .map(sourceKey);
    if (sourceKeys.length === 0) continue;
    const sources = current.sources.map((source) =>
      sourceKeys.includes(sourceKey(source)) ? anchoredSource(source, hireDate) : source,
    );
    const dueDate = dueAfter(sources, current.dueOverride, context.preferences.dueDatePolicy);
    events.push({
      type: 'DueDateChanged',
      data: {
        userId: context.userId,
        courseId: current.courseId,
        ...effective(dueDate, context),
        previousDueDate: current.dueDate,
        override: current.dueOverride,
        reason,
        correction: { kind: 'hireDateCorrected', previousHireDate, hireDate, sourceKeys },
      },
    });
    const title = titleOf(current.courseId, context);
    moved.push(
      current.dueOverride === null
        ? `${title} due ${current.dueDate ?? 'never'} → ${dueDate ?? 'never'}`
        : `${title} stays due ${current.dueOverride} (an admin's date)`,
    );
  }
  if (events.length === 0) return decision([], 'unchanged', `${context.userId}: ${reason}; no due date counts from it`);
  return decision(events, 'changed', `${context.userId}: ${reason}: ${moved.join('; ')}`);
}

/** The reply to an ExtendDueDates: one user's own sentence, or counts per outcome. */
export function describeExtensions(outcomes: readonly { outcome: string; message: string }[], by: Extension): string {
  if (outcomes.length === 1) return (outcomes[0] as { message: string }).message;
  const count = (outcome: string) => outcomes.filter((entry) => entry.outcome === outcome).length;
  const others = [
    ['unchanged', 'unchanged'],
    ['skipped', 'skipped'],
    ['failed', 'refused'],
  ]
    .map(([outcome, words]) => [count(outcome as string), words] as const)
    .filter(([n]) => n > 0)
    .map(([n, words]) => `${n} ${words}`);
  return `due dates extended ${extensionText(by)} for ${count('changed')} of ${outcomes.length} users${others.length ? ` (${others.join(', ')})` : ''}`;
}
