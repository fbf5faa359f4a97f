/** R26: history lines of corrections, as sentences an auditor reads. */
import { statusWords } from '../domain/policies/versionPolicy';
import { extensionText } from '../domain/userTraining/dueDateCorrections';
import type { TrainingEvent } from '../domain/userTraining/trainingState';

type EventOfType<Type extends TrainingEvent['type']> = Extract<TrainingEvent, { type: Type }>;

const scoreText = (score: number | null) => (score === null ? 'none' : String(score));

/** "completion of Fire Safety on 2026-03-01 corrected to 2026-02-27, score 80 → 85: reason"; a revocation likewise. */
export function describeCompletionCorrection(
  event: EventOfType<'CompletionCorrected'> | EventOfType<'CompletionRevoked'>,
  title: string,
): string {
  if (event.type === 'CompletionRevoked') {
    const { completedOn, version, status, progress, reason } = event.data;
    const back = status === 'inProgress' ? `in progress at ${progress}%` : statusWords[status];
    return `completion of ${title} v${version} on ${completedOn} revoked, back ${back}: ${reason}`;
  }
  const { previousCompletedOn, completedOn, previousScore, score, expiresOn, previousExpiresOn, reason } = event.data;
  const moved = completedOn !== previousCompletedOn ? ` to ${completedOn}` : '';
  const scored = score !== previousScore ? `, score ${scoreText(previousScore)} → ${scoreText(score)}` : '';
  const expiry = expiresOn !== previousExpiresOn && expiresOn ? `; it now expires on ${expiresOn}` : '';
  return `completion of ${title} on ${previousCompletedOn} corrected${moved}${scored}${expiry}: ${reason}`;
}

/** A due date an ExtendDueDates or a corrected hire date moved; undefined for an admin's ChangeDueDate. */
export function describeDueDateCorrection(event: EventOfType<'DueDateChanged'>, title: string): string | undefined {
  const { correction, previousDueDate, dueDate, override, reason } = event.data;
  if (!correction) return undefined;
  const from = previousDueDate ?? 'none';
  if (correction.kind === 'extended')
    return `${title} due date extended ${extensionText(correction.by)}: ${from} → ${dueDate ?? 'none'}: ${reason ?? ''}`;
  const words = `hire date corrected from ${correction.previousHireDate} to ${correction.hireDate}`;
  return override !== null
    ? `${title}: ${words}; the due date an admin set, ${override}, holds`
    : `${title} due date ${from} → ${dueDate ?? 'none'}: ${words}`;
}

/** A registration a completion implied is dated on the completion, and says so. */
export function describeRegistration(event: EventOfType<'CourseStarted'>, title: string): string | undefined {
  return event.data.withCompletion
    ? `${title} registered on v${event.data.version} with its completion, dated ${event.data.startedOn}`
    : undefined;
}
