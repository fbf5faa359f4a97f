import type { DueDatePolicy } from '../portal/portalEvents';
import { addDays } from '../shared/calendar';
import type { CalendarDate } from '../shared/primitives';
import type { AssignmentSource } from '../userTraining/assignmentSource';
import { sourceKey, sourceLabel } from '../userTraining/assignmentSource';

/** R2, R3, R9: the due date each source asks for, and the one that applies. */

export interface DueCandidate {
  sourceKey: string;
  label: string;
  date: CalendarDate | null;
  exempt: boolean;
  basis: string;
}

export interface DueDateExplanation {
  dueDate: CalendarDate | null;
  policy: DueDatePolicy;
  override: CalendarDate | null;
  candidates: DueCandidate[];
  /** The source whose date won, "override" for an admin's ChangeDueDate, or null when nothing sets a date. */
  winner: string | null;
}

export type SourceWithExemption = AssignmentSource & { exempt: boolean };

/** R2: relative windows count whole calendar days from the source's anchor day. */
export function candidateDate(source: AssignmentSource): CalendarDate | null {
  switch (source.due.kind) {
    case 'relative':
      return addDays(source.anchorDate, source.due.days);
    case 'fixed':
      return source.due.date;
    case 'none':
      return null;
  }
}

function basisOf(source: AssignmentSource): string {
  switch (source.due.kind) {
    case 'relative':
      return `${source.due.days} days from ${source.anchorDate}`;
    case 'fixed':
      return `fixed date ${source.due.date}`;
    case 'none':
      return 'no due date';
  }
}

/**
 * R3: earliest (default) or latest over the sources that are not exempt; sources without a date are ignored;
 * an admin override wins until the next reset.
 */
export function explainDueDate(
  sources: readonly SourceWithExemption[],
  override: CalendarDate | null,
  policy: DueDatePolicy,
): DueDateExplanation {
  const candidates = sources.map((source) => ({
    sourceKey: sourceKey(source),
    label: sourceLabel(source),
    date: candidateDate(source),
    exempt: source.exempt,
    basis: basisOf(source),
  }));
  if (override !== null) return { dueDate: override, policy, override, candidates, winner: 'override' };
  let winner: DueCandidate | undefined;
  for (const candidate of candidates) {
    if (candidate.exempt || candidate.date === null) continue;
    if (
      !winner ||
      (policy === 'earliest' ? candidate.date < (winner.date as string) : candidate.date > (winner.date as string))
    )
      winner = candidate;
  }
  return { dueDate: winner?.date ?? null, policy, override, candidates, winner: winner?.sourceKey ?? null };
}

export function effectiveDueDate(
  sources: readonly SourceWithExemption[],
  override: CalendarDate | null,
  policy: DueDatePolicy,
): CalendarDate | null {
  return explainDueDate(sources, override, policy).dueDate;
}
