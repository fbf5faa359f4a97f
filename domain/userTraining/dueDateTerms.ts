/**
 * The due-date terms decisions share: the effective date (R3), a source's renewed terms at a reset (R5, R9), and how
 * replies state them.
 */

import { explainDueDate } from '../policies/dueDatePolicy';
import type { DueDatePolicy } from '../portal/portalEvents';
import type { DueRule } from '../shared/dueRule';
import type { CalendarDate } from '../shared/primitives';
import type { AssignmentSource } from './assignmentSource';
import { sourceKey } from './assignmentSource';
import type { TrainingContext } from './trainingDecision';
import type { SourceState } from './trainingState';

export function dueAfter(
  sources: readonly SourceState[],
  override: CalendarDate | null,
  policy: DueDatePolicy,
): CalendarDate | null {
  return explainDueDate(sources, override, policy).dueDate;
}

/** The effective due date an event carries, with the policy that chose it (R3). */
export function effective(dueDate: CalendarDate | null, context: TrainingContext) {
  return { dueDate, dueDatePolicy: context.preferences.dueDatePolicy };
}

export type RenewedTerms = { sourceKey: string; due: DueRule; required: boolean; anchorDate: CalendarDate };

/**
 * A source's terms at a reset: its rule's current due rule and required flag, its window restarting on `anchorDate`.
 */
export function renewedTerms(
  source: AssignmentSource,
  anchorDate: CalendarDate,
  context: TrainingContext,
): RenewedTerms {
  const rule = source.ruleId === null ? undefined : context.rule(source.ruleId);
  return {
    sourceKey: sourceKey(source),
    due: rule?.due ?? source.due,
    required: rule?.required ?? source.required,
    anchorDate,
  };
}

export const dueText = (dueDate: CalendarDate | null) => (dueDate ? `, due ${dueDate}` : ', no due date');

export function pastDueWarnings(dueDate: CalendarDate | null, context: TrainingContext): string[] {
  return dueDate !== null && dueDate < context.today
    ? [`the due date ${dueDate} has already passed (today is ${context.today}): the assignment is overdue`]
    : [];
}
