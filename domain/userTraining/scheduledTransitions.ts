import { isOverdue } from '../policies/overduePolicy';
import type { Actor } from '../policies/permissionPolicy';
import { userInScope } from '../policies/permissionPolicy';
import { hasLapsed } from '../policies/validityPolicy';
import type { ReferenceData } from '../referenceData/referenceData';
import type { CalendarDate } from '../shared/primitives';
import type { RenewedTerms } from './dueDateTerms';
import { dueAfter, effective, renewedTerms } from './dueDateTerms';
import type { TrainingContext, TrainingDecision } from './trainingDecision';
import { trainingDecision as decision } from './trainingDecision';
import { evolveTraining } from './trainingEvolution';
import type { Assignment, TrainingEvent, TrainingState } from './trainingState';
import { isVisible, renew } from './trainingState';

/** R5 expiry and R22 overdue notices, for every active assignment of the user. */
export function runScheduledTransitions(state: TrainingState, context: TrainingContext): TrainingDecision {
  const events: TrainingEvent[] = [];
  for (const original of state.assignments.values()) {
    if (!original.active) continue;
    let current = original;
    if (current.status === 'completed' && hasLapsed(current.expiresOn, context.today)) {
      const expiredOn = current.expiresOn as CalendarDate;
      // R5: the retake is due on the expiry date plus the source's relative window, on the rule's current terms.
      const renewed = current.sources.map((source) => renewedTerms(source, expiredOn, context));
      const sources = current.sources.map((source, i) => renew(source, renewed[i] as RenewedTerms));
      const dueDate = dueAfter(sources, null, context.preferences.dueDatePolicy);
      const event: TrainingEvent = {
        type: 'CompletionExpired',
        data: {
          userId: context.userId,
          courseId: current.courseId,
          expiredOn,
          renewed,
          ...effective(dueDate, context),
        },
      };
      events.push(event);
      const after = evolveTraining({ assignments: new Map([[current.courseId, current]]) }, event);
      current = after.assignments.get(current.courseId) as Assignment;
    }
    // R22: announced once per due date.
    if (isVisible(current) && current.dueDate !== null && current.overdueFor !== current.dueDate) {
      if (isOverdue(current, context.today)) {
        events.push({
          type: 'AssignmentOverdue',
          data: { userId: context.userId, courseId: current.courseId, dueDate: current.dueDate },
        });
      }
    }
  }
  const expired = events.filter((event) => event.type === 'CompletionExpired').length;
  const overdue = events.length - expired;
  return decision(
    events,
    events.length ? 'changed' : 'unchanged',
    `${context.userId}: ${expired} expired, ${overdue} newly overdue`,
  );
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

/** The reply to a RunScheduledTransitions: how many users, completions expired and assignments newly overdue. */
export function describeScheduledTransitions(users: number, events: readonly TrainingEvent[]): string {
  const expired = events.filter((event) => event.type === 'CompletionExpired').length;
  const overdue = events.filter((event) => event.type === 'AssignmentOverdue').length;
  return `scheduled transitions for ${users} users: ${expired} completions expired, ${overdue} assignments newly overdue`;
}
