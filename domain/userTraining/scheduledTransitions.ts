import { isOverdue } from '../policies/overduePolicy';
import type { Actor } from '../policies/permissionPolicy';
import { userInScope } from '../policies/permissionPolicy';
import { hasLapsed, recertificationOpensOn } from '../policies/validityPolicy';
import type { ReferenceData } from '../referenceData/referenceData';
import { daysBetween } from '../shared/calendar';
import type { CalendarDate } from '../shared/primitives';
import type { RenewedTerms } from './dueDateTerms';
import { dueAfter, effective, renewedTerms } from './dueDateTerms';
import { lapsedExemptions } from './exemptionLifecycle';
import type { TrainingContext, TrainingDecision } from './trainingDecision';
import { trainingDecision as decision } from './trainingDecision';
import { evolveTraining } from './trainingEvolution';
import type { Assignment, TrainingEvent, TrainingState } from './trainingState';
import { isVisible, renew } from './trainingState';

/**
 * What time does to a user's training, as of today in the user's zone (R5, R6, R22, R23): an exemption whose end date
 * has come ends, with the R9 reset; a completion past its validity
 * expires; a due date that has ended is announced overdue, once; a due date coming up is announced on the portal's
 * reminder days, once each. Idempotent: run again the same day (another instance, a restart, `lms tick`), it decides
 * nothing; run after days of downtime, it catches up (only the nearest reminder still useful goes out).
 */
export function runScheduledTransitions(state: TrainingState, context: TrainingContext): TrainingDecision {
  const events: TrainingEvent[] = [];
  for (const original of state.assignments.values()) {
    if (!original.active) continue;
    let current = original;
    const next = (transition: TrainingEvent) => {
      events.push(transition);
      const after = evolveTraining({ assignments: new Map([[current.courseId, current]]) }, transition);
      current = after.assignments.get(current.courseId) as Assignment;
    };
    // R6: exemptions whose end date has come end first, so the training is judged as shown again today.
    for (const lapse of lapsedExemptions(current, context)) next(lapse);
    for (const transition of [recertification(current, context), expiry(current, context)]) {
      if (transition) next(transition);
    }
    const notice = overdueNotice(current, context) ?? reminder(current, context);
    if (notice) events.push(notice);
  }
  const count = (type: TrainingEvent['type']) => events.filter((event) => event.type === type).length;
  const [retakes, expired, overdue, reminded] = [
    count('RecertificationDue'),
    count('CompletionExpired'),
    count('AssignmentOverdue'),
    count('AssignmentDueSoon'),
  ];
  const ended = count('ExemptionRemoved');
  return decision(
    events,
    events.length ? 'changed' : 'unchanged',
    `${context.userId}: ${ended > 0 ? `${ended} exemptions ended, ` : ''}${retakes} retakes assigned, ${expired} expired, ${overdue} newly overdue, ${reminded} reminded`,
  );
}

/**
 * R24: the course's recertification window has opened: the retake is assigned, due on the expiry date; the
 * completion stays valid until then. A window reached only on the expiry day itself is left to `expiry`.
 */
function recertification(current: Assignment, context: TrainingContext): TrainingEvent | undefined {
  if (current.status !== 'completed' || current.retake || hasLapsed(current.expiresOn, context.today)) return undefined;
  const windowDays = context.course(current.courseId)?.recertificationWindowDays ?? null;
  const opensOn = recertificationOpensOn(current.expiresOn, windowDays);
  if (opensOn === null || context.today < opensOn) return undefined;
  const expiresOn = current.expiresOn as CalendarDate;
  return {
    type: 'RecertificationDue',
    data: {
      userId: context.userId,
      courseId: current.courseId,
      opensOn,
      expiresOn,
      renewed: current.sources.map((source) => renewedTerms(source, opensOn, context)),
      ...effective(expiresOn, context),
    },
  };
}

/**
 * R5: the completion lapsed; the retake is due on the expiry date plus each source's window, on current terms. R24: a
 * course with a recertification window had its retake due on the expiry date already, and it stays so.
 */
function expiry(current: Assignment, context: TrainingContext): TrainingEvent | undefined {
  if (current.status !== 'completed' || !hasLapsed(current.expiresOn, context.today)) return undefined;
  const expiredOn = current.expiresOn as CalendarDate;
  if (current.retake || context.course(current.courseId)?.recertificationWindowDays) {
    const renewed = current.retake ? [] : current.sources.map((source) => renewedTerms(source, expiredOn, context));
    const dueDate = current.retake ? current.dueDate : expiredOn;
    return {
      type: 'CompletionExpired',
      data: { userId: context.userId, courseId: current.courseId, expiredOn, renewed, ...effective(dueDate, context) },
    };
  }
  const renewed = current.sources.map((source) => renewedTerms(source, expiredOn, context));
  const sources = current.sources.map((source, i) => renew(source, renewed[i] as RenewedTerms));
  const dueDate = dueAfter(sources, null, context.preferences.dueDatePolicy);
  return {
    type: 'CompletionExpired',
    data: { userId: context.userId, courseId: current.courseId, expiredOn, renewed, ...effective(dueDate, context) },
  };
}

/** R22, R23: announced once per due date, to the user's manager too when the portal escalates. */
function overdueNotice(current: Assignment, context: TrainingContext): TrainingEvent | undefined {
  if (!isVisible(current) || current.dueDate === null || current.overdueFor === current.dueDate) return undefined;
  if (!isOverdue(current, context.today)) return undefined;
  const escalateTo = context.preferences.escalateOverdueToManager ? context.managerId : null;
  return {
    type: 'AssignmentOverdue',
    data: {
      userId: context.userId,
      courseId: current.courseId,
      dueDate: current.dueDate,
      ...(escalateTo ? { escalateTo } : {}),
    },
  };
}

/**
 * R23: on each reminder day before a due date, one DueSoon notice. Exempt and completed assignments get none, but an
 * open retake (R24) does: it has a due date to meet. After
 * downtime only the nearest reminder day already reached goes out (the earlier ones would say too much time is left).
 */
function reminder(current: Assignment, context: TrainingContext): TrainingEvent | undefined {
  const { dueDate } = current;
  const unfinished = current.status !== 'completed' || current.retake;
  if (!isVisible(current) || !unfinished || dueDate === null || dueDate < context.today) return undefined;
  const daysLeft = daysBetween(context.today, dueDate);
  const sent = current.remindedFor?.dueDate === dueDate ? current.remindedFor.daysBefore : Number.POSITIVE_INFINITY;
  const reached = context.preferences.reminderDays.filter((days) => days >= daysLeft && days < sent);
  if (reached.length === 0) return undefined;
  const daysBefore = reached.reduce((least, days) => Math.min(least, days));
  return {
    type: 'AssignmentDueSoon',
    data: { userId: context.userId, courseId: current.courseId, dueDate, daysBefore, daysLeft },
  };
}

/** The users a RunScheduledTransitions reaches: those named, or every active user in the actor's scope. */
export function scheduledTransitionUsers(
  named: readonly string[] | undefined,
  actor: Actor,
  referenceData: ReferenceData,
): string[] {
  if (named) return [...named];
  // Deactivated users are left out: nobody is chased for training after they leave.
  return [...referenceData.users.values()]
    .filter((user) => user.active && userInScope(actor, 'progress.record', user.userId, referenceData.orgChart))
    .map((user) => user.userId);
}

/** The reply to a RunScheduledTransitions: how many users, completions expired, assignments newly overdue, reminders. */
export function describeScheduledTransitions(users: number, events: readonly TrainingEvent[]): string {
  const count = (type: TrainingEvent['type']) => events.filter((event) => event.type === type).length;
  const reminders = count('AssignmentDueSoon');
  const retakes = count('RecertificationDue');
  const ended = count('ExemptionRemoved');
  return (
    `scheduled transitions for ${users} users: ${ended > 0 ? `${ended} exemptions ended on their end date, ` : ''}` +
    `${retakes > 0 ? `${retakes} retakes assigned, ` : ''}` +
    `${count('CompletionExpired')} completions expired, ` +
    `${count('AssignmentOverdue')} assignments newly overdue${reminders > 0 ? `, ${reminders} reminders` : ''}`
  );
}
