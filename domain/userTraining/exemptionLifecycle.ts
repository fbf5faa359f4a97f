/**
 * R6's lifecycle of an exemption beyond ExemptUser and RemoveExemption: it ends by itself on its end date (with the
 * R9 reset), it is given back with its rule's source after dynamic removal and reassignment, and a kept one can be
 * removed while the source is away.
 */
import type { CalendarDate } from '../shared/primitives';
import { titleOf } from './assignmentChecks';
import { sourceLabel } from './assignmentSource';
import { dueAfter, effective, renewedTerms } from './dueDateTerms';
import { inForce, keptFor } from './exemptionKeeping';
import type { TrainingContext, TrainingDecision } from './trainingDecision';
import { evolveTraining } from './trainingEvolution';
import type { Assignment, Exemption, KeptExemption, SourceState, TrainingEvent, TrainingState } from './trainingState';
import { exemptedSource, freshSource, renew } from './trainingState';

/** The actor the scheduler records (handlers/scheduler): an exemption that ends by itself is removed by it. */
export const SCHEDULER_ACTOR = 'system:scheduler';

/** How an exemption's end date reads: "; exempt until 2027-01-31", or nothing. */
export const untilText = (until: CalendarDate | null | undefined): string => (until ? `; exempt until ${until}` : '');

/**
 * One source exempted: the ExemptionApplied that records it (the due date worked out over the sources that stay
 * candidates, R3) and the sources after it.
 */
export function exemptionApplied(
  courseId: string,
  sources: readonly SourceState[],
  target: SourceState,
  exemption: Exemption,
  override: CalendarDate | null,
  context: TrainingContext,
  restored = false,
): { event: TrainingEvent; sources: SourceState[] } {
  const after = sources.map((source) => (source === target ? exemptedSource(source, exemption) : source));
  const dueDate = dueAfter(after, override, context.preferences.dueDatePolicy);
  const event: TrainingEvent = {
    type: 'ExemptionApplied',
    data: {
      userId: context.userId,
      courseId,
      ruleId: target.ruleId as string,
      reason: exemption.reason,
      appliedBy: exemption.appliedBy,
      appliedAt: exemption.appliedAt,
      ...(exemption.until ? { until: exemption.until } : {}),
      ...(restored ? { restored: true } : {}),
      ...effective(dueDate, context),
      visible: after.some((source) => !source.exempt),
    },
  };
  return { event, sources: after };
}

/**
 * R9 for each target: the source takes its rule's terms again, its window restarting on `anchorDate`; a fixed date
 * stays fixed; an admin override ends. `lapsed`: the exemption ended by itself, removed by the scheduler.
 */
export function reinstated(
  current: Assignment,
  targets: readonly SourceState[],
  context: TrainingContext,
  lapsed = false,
): { events: TrainingEvent[]; dueDate: CalendarDate | null } {
  const events: TrainingEvent[] = [];
  let sources = current.sources;
  for (const target of targets) {
    const renewed = renewedTerms(target, context.today, context);
    sources = sources.map((source) => (source === target ? freshSource(renew(source, renewed)) : source));
    const dueDate = dueAfter(sources, null, context.preferences.dueDatePolicy);
    events.push({
      type: 'ExemptionRemoved',
      data: {
        userId: context.userId,
        courseId: current.courseId,
        ruleId: target.ruleId as string,
        removedBy: lapsed ? SCHEDULER_ACTOR : context.actorId,
        removedAt: context.now,
        renewed,
        ...(lapsed ? { lapsed: true } : {}),
        ...effective(dueDate, context),
        visible: true,
      },
    });
  }
  return { events, dueDate: dueAfter(sources, null, context.preferences.dueDatePolicy) };
}

/**
 * R6, R9 at the user's midnight: every exemption whose end date has come ends by itself, and its source is reinstated
 * with the R9 reset from today (the day the training is shown again, so a lapse applied late after downtime still gives
 * the whole window). Nothing is left to end the next time: idempotent by state.
 */
export function lapsedExemptions(current: Assignment, context: TrainingContext): TrainingEvent[] {
  const ended = current.sources.filter(
    (source) => source.exempt && source.exemption && !inForce(source.exemption, context.today),
  );
  return ended.length === 0 ? [] : reinstated(current, ended, context, true).events;
}

/**
 * R6, R11: a rule's source has come back (reassigned, or added again): the exemption kept for the rule since dynamic
 * removal took the source away comes back with it, unless it has ended meanwhile (then the source is due as any
 * returning source is, from today).
 */
export function withKeptExemption(
  decision: TrainingDecision,
  state: TrainingState,
  ruleId: string,
  courseId: string,
  context: TrainingContext,
): TrainingDecision {
  const kept = keptFor(state.assignments.get(courseId), ruleId);
  const back = decision.events.some((event) => 'source' in event.data && event.data.source.ruleId === ruleId);
  if (!kept || !back) return decision;
  const { exemption } = kept;
  if (!inForce(exemption, context.today))
    return { ...decision, message: `${decision.message}; its exemption ended on ${exemption.until}` };
  let after = state;
  for (const event of decision.events) after = evolveTraining(after, event);
  const assignment = after.assignments.get(courseId) as Assignment;
  const target = assignment.sources.find((source) => source.ruleId === ruleId) as SourceState;
  const { event } = exemptionApplied(
    courseId,
    assignment.sources,
    target,
    exemption,
    assignment.dueOverride,
    context,
    true,
  );
  return {
    ...decision,
    events: [...decision.events, event],
    message: `${decision.message}; still exempt from ${sourceLabel(target)} (${exemption.reason}, applied by ${exemption.appliedBy} on ${exemption.appliedAt.slice(0, 10)}${untilText(exemption.until).replace(';', ',')})`,
  };
}

/** R6: kept exemptions removed while their rules' sources are away: the sources, if they return, return without them. */
export function keptRemovals(
  courseId: string,
  kept: readonly KeptExemption[],
  context: TrainingContext,
): TrainingDecision {
  const events: TrainingEvent[] = kept.map((entry) => ({
    type: 'KeptExemptionRemoved',
    data: {
      userId: context.userId,
      courseId,
      ruleId: entry.ruleId,
      removedBy: context.actorId,
      removedAt: context.now,
    },
  }));
  const rules = kept.map((entry) => `rule ${entry.ruleId}`).join(', ');
  return {
    events,
    outcome: 'changed',
    message: `${context.userId}'s exemption from ${titleOf(courseId, context)} via ${rules} is removed; the rule does not assign it to ${context.userId} now, and if it does again the training is due as usual`,
    warnings: [],
  };
}
