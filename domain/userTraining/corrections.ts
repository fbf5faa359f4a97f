/**
 * R26: corrections of what was recorded, each a new event with its reason (history is never rewritten): a completion's
 * date and score corrected, a completion revoked, a due date extended, a hire date corrected.
 */

import { refuseFutureCompletion } from '../policies/completionDatePolicy';
import { expiryDate, hasLapsed } from '../policies/validityPolicy';
import { statusWords } from '../policies/versionPolicy';
import { ruleViolation } from '../shared/domainError';
import type { CalendarDate } from '../shared/primitives';
import { requireActive, requireCourse, titleOf } from './assignmentChecks';
import type { Extension } from './correctionEvents';
import { completionInForce } from './correctionState';
import { correctHireDate, extendDueDate } from './dueDateCorrections';
import { dueText, pastDueWarnings } from './dueDateTerms';
import type { TrainingContext, TrainingDecision } from './trainingDecision';
import { trainingDecision as decision } from './trainingDecision';
import type { Assignment, Completion, TrainingEvent, TrainingState } from './trainingState';

/** The per-user commands of R26: the public corrections, the extension of one user's due date, a hire-date reaction. */
export type CorrectionCommand =
  | {
      type: 'CorrectCompletion';
      courseId: string;
      completedOn?: CalendarDate | undefined;
      score?: number | null | undefined;
      reason: string;
    }
  | { type: 'RevokeCompletion'; courseId: string; reason: string }
  /** One user's share of an ExtendDueDates; `ruleId` when the target is a rule's holders. */
  | { type: 'ExtendDueDate'; courseId: string; ruleId?: string | undefined; by: Extension; reason: string }
  /** The reaction to a corrected hire date (R18): new-starter windows counting from it move. */
  | { type: 'CorrectHireDate'; previousHireDate: CalendarDate; hireDate: CalendarDate };

export function decideCorrection(
  command: CorrectionCommand,
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  switch (command.type) {
    case 'CorrectCompletion':
      return correctCompletion(command, state, context);
    case 'RevokeCompletion':
      return revokeCompletion(command, state, context);
    case 'ExtendDueDate':
      return extendDueDate(command, state, context);
    case 'CorrectHireDate':
      return correctHireDate(command, state, context);
  }
}

const scoreText = (score: number | null) => (score === null ? 'no score' : `score ${score}`);

function correctCompletion(
  command: Extract<CorrectionCommand, { type: 'CorrectCompletion' }>,
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const { courseId } = command;
  const current = requireActive(state, courseId, context);
  const completion = requireCompletionInForce(current, 'corrected', context);
  const completedOn = command.completedOn ?? completion.completedOn;
  const score = command.score === undefined ? completion.score : command.score;
  refuseFutureCompletion(completedOn, context, {
    subject: 'the corrected completion date',
    details: { courseId, completedOn },
    rule: 'R26',
  });
  const renewed = earlierCompletion(current);
  if (renewed && completedOn <= renewed.completedOn)
    throw ruleViolation(
      `the corrected completion date ${completedOn} must come after the completion it renews (${renewed.completedOn})`,
      { courseId, completedOn },
      'R24',
    );
  const title = titleOf(courseId, context);
  if (completedOn === completion.completedOn && score === completion.score)
    return decision(
      [],
      'unchanged',
      `${title} for ${context.userId} already reads completed on ${completedOn}, ${scoreText(score)}`,
    );
  const moved = completedOn !== completion.completedOn;
  const expiresOn = moved ? expiryDate(completedOn, requireCourse(courseId, context).validityDays) : current.expiresOn;
  // R24: an open retake is due on the expiry date, unless an admin's override holds (R3).
  const dueDate = current.retake && moved && current.dueOverride === null ? expiresOn : current.dueDate;
  const event: TrainingEvent = {
    type: 'CompletionCorrected',
    data: {
      userId: context.userId,
      courseId,
      version: completion.version,
      previousCompletedOn: completion.completedOn,
      completedOn,
      previousScore: completion.score,
      score,
      previousExpiresOn: current.expiresOn,
      expiresOn,
      dueDate,
      dueDatePolicy: current.dueDatePolicy,
      reason: command.reason,
      correctedBy: context.actorId,
      correctedAt: context.now,
    },
  };
  const changes = [
    ...(moved ? [`completed on ${completion.completedOn} → ${completedOn}`] : []),
    ...(score !== completion.score ? [`score ${completion.score ?? 'none'} → ${score ?? 'none'}`] : []),
  ];
  const expiry = expiresOn && moved ? `; the completion now expires on ${expiresOn}` : '';
  const lapsed = hasLapsed(expiresOn, context.today)
    ? [`the corrected completion expired on ${expiresOn}: the next scheduled run marks the training Expired`]
    : [];
  return decision(
    [event],
    'changed',
    `completion of ${title} v${completion.version} by ${context.userId} corrected: ${changes.join(', ')}${expiry}: ${command.reason}`,
    lapsed,
  );
}

function revokeCompletion(
  command: Extract<CorrectionCommand, { type: 'RevokeCompletion' }>,
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const { courseId } = command;
  const current = requireActive(state, courseId, context);
  const completion = requireCompletionInForce(current, 'revoked', context);
  const before = current.beforeCompletion;
  const status = before?.status ?? 'inProgress';
  const progress = before?.progress ?? 0;
  const event: TrainingEvent = {
    type: 'CompletionRevoked',
    data: {
      userId: context.userId,
      courseId,
      version: completion.version,
      completedOn: completion.completedOn,
      score: completion.score,
      status,
      progress,
      reason: command.reason,
      revokedBy: context.actorId,
      revokedAt: context.now,
    },
  };
  const title = titleOf(courseId, context);
  const back =
    status === 'completed'
      ? `the completion of ${before?.completedOn} is in force again${before?.expiresOn ? `, valid until ${before.expiresOn}` : ''}`
      : `back ${statusWords[status]}${status === 'inProgress' ? ` at ${progress}%` : ''}${dueText(current.dueDate)}`;
  return decision(
    [event],
    'changed',
    `completion of ${title} v${completion.version} by ${context.userId} on ${completion.completedOn} revoked: ${back}; it stays in history, marked revoked: ${command.reason}`,
    status === 'completed' ? [] : pastDueWarnings(current.dueDate, context),
  );
}

/** The completion in force, or a refusal that says why there is none to correct or revoke. */
function requireCompletionInForce(current: Assignment, what: string, context: TrainingContext): Completion {
  const index = completionInForce(current);
  const completion = current.completions[index];
  if (completion) return completion;
  const title = titleOf(current.courseId, context);
  const last = [...current.completions].reverse().find((entry) => !entry.revoked);
  const why =
    current.status === 'expired' && last
      ? `its last completion (${last.completedOn}) has expired; only a completion in force can be ${what}: record the retake with CompleteCourse`
      : `it is ${statusWords[current.status]}`;
  throw ruleViolation(
    `${context.userId} has no completion of ${title} to be ${what}: ${why}`,
    { courseId: current.courseId },
    'R26',
  );
}

/** The completion a retake renews (R24): the one before the completion in force, when that is a retake. */
function earlierCompletion(current: Assignment): Completion | undefined {
  const index = completionInForce(current);
  if (!current.beforeCompletion || current.beforeCompletion.status !== 'completed') return undefined;
  for (let at = index - 1; at >= 0; at--) {
    const completion = current.completions[at] as Completion;
    if (!completion.revoked) return completion;
  }
  return undefined;
}
