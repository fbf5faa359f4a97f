/**
 * R6: an exemption stays with the user and the rule across dynamic removal and reassignment, until it is removed or
 * ends. While dynamic removal has taken a rule's source away, the source's exemption is kept on the assignment by rule
 * id; when the rule's source comes back (R11 reassignment, the source added again, R1) the decision gives a kept
 * exemption still in force back with an ExemptionApplied marked `restored`. These are the evolve steps; the field is
 * absent while nothing is kept, so an event log without kept exemptions folds to the states it always did.
 */
import type { CalendarDate } from '../shared/primitives';
import { sourceKey } from './assignmentSource';
import type { RemovalCause } from './trainingEvents';
import type { Assignment, Exemption, KeptExemption, SourceState, TrainingEvent } from './trainingState';

/**
 * The keeping after an event, `next` being what the event's own evolve made of `previous`: a source taken away by
 * dynamic removal leaves its exemption kept; a rule's source coming back takes its kept exemption out of the keeping;
 * a new assignment keeps what the one before it kept (its history stays, as completions do).
 */
export function keepExemptions(previous: Assignment | undefined, next: Assignment, event: TrainingEvent): Assignment {
  switch (event.type) {
    case 'TrainingAssigned':
      return sourceBack(
        previous?.keptExemptions ? withKept(next, previous.keptExemptions) : next,
        event.data.source.ruleId,
      );
    case 'TrainingReassigned':
    case 'AssignmentSourceAdded':
      return sourceBack(next, event.data.source.ruleId);
    case 'AssignmentSourceRemoved': {
      const removed = previous?.sources.find((source) => sourceKey(source) === event.data.sourceKey);
      return sourceAway(next, removed, event.data.cause);
    }
    default:
      return next;
  }
}

/** Whether an exemption holds on a day: it has no end date, or its end date (the first day it no longer holds) is to come. */
export const inForce = (exemption: Exemption, today: CalendarDate): boolean =>
  exemption.until === undefined || exemption.until > today;

/** The exemption as evolve records it: `until` only when it has one. */
export function exemptionOf(data: {
  reason: string;
  appliedBy: string;
  appliedAt: string;
  until?: CalendarDate | undefined;
}): Exemption {
  const { reason, appliedBy, appliedAt, until } = data;
  return until === undefined ? { reason, appliedBy, appliedAt } : { reason, appliedBy, appliedAt, until };
}

/** The kept exemption of a rule, if the assignment keeps one. */
export const keptFor = (assignment: Assignment | undefined, ruleId: string): KeptExemption | undefined =>
  assignment?.keptExemptions?.find((kept) => kept.ruleId === ruleId);

/** The assignment with these kept exemptions; the field left out when there are none. */
function withKept(assignment: Assignment, kept: readonly KeptExemption[]): Assignment {
  const { keptExemptions: _previous, ...rest } = assignment;
  return kept.length === 0 ? rest : { ...rest, keptExemptions: [...kept] };
}

/**
 * The rule's source is back (assigned, reassigned or added again): its kept exemption leaves the keeping. One still in
 * force comes back on the source through the ExemptionApplied (restored) decided with it.
 */
function sourceBack(next: Assignment, ruleId: string | null): Assignment {
  if (ruleId === null || !keptFor(next, ruleId)) return next;
  return withKept(
    next,
    (next.keptExemptions ?? []).filter((kept) => kept.ruleId !== ruleId),
  );
}

/** Dynamic removal took an exempt source away: its exemption is kept for the rule. Other removals take it with them. */
function sourceAway(next: Assignment, removed: SourceState | undefined, cause: RemovalCause): Assignment {
  if (cause !== 'dynamic' || !removed?.ruleId || !removed.exempt || !removed.exemption) return next;
  const ruleId = removed.ruleId;
  const others = (next.keptExemptions ?? []).filter((kept) => kept.ruleId !== ruleId);
  return withKept(next, [...others, { ruleId, exemption: removed.exemption }]);
}

/** KeptExemptionRemoved: the rule's source, if it comes back, comes back without it. */
export const keptRemoved = (current: Assignment, ruleId: string): Assignment =>
  withKept(
    current,
    (current.keptExemptions ?? []).filter((kept) => kept.ruleId !== ruleId),
  );
