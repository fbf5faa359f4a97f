/** R3 overrides, R6-R9 exemptions and reinstatement. */
import { ruleViolation } from '../shared/domainError';
import { requireActive, requireRuleSource, titleOf } from './assignmentChecks';
import { sourceLabel } from './assignmentSource';
import { dueAfter, dueText, effective, pastDueWarnings, renewedTerms } from './dueDateTerms';
import type { ExemptionTick } from './trainingCommands';
import type { TrainingCommand, TrainingContext, TrainingDecision } from './trainingDecision';
import { trainingDecision as decision } from './trainingDecision';
import { evolveTraining } from './trainingEvolution';
import type { TrainingEvent, TrainingState } from './trainingState';
import { renew } from './trainingState';

/** What a reset is, in an admin's words: every event that renews the due date from the rules and ends an override. */
export const RESET_WORDS =
  'when a new due date is set from the rules: the assignment reinstated after an exemption, the completion expiring or its retake being assigned, or the training removed and assigned again';

export function changeDueDate(
  command: Extract<TrainingCommand, { type: 'ChangeDueDate' }>,
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const current = requireActive(state, command.courseId, context);
  const dueDate = dueAfter(current.sources, command.dueDate, context.preferences.dueDatePolicy);
  if (dueDate === current.dueDate && command.dueDate === current.dueOverride)
    return decision([], 'unchanged', `${command.courseId} is already due ${dueDate ?? 'never'}`);
  const event: TrainingEvent = {
    type: 'DueDateChanged',
    data: {
      userId: context.userId,
      courseId: command.courseId,
      ...effective(dueDate, context),
      previousDueDate: current.dueDate,
      override: command.dueDate,
    },
  };
  const how =
    command.dueDate === null
      ? 'the override is removed and the due-date policy applies again'
      : `this date holds until the next reset, ${RESET_WORDS}`;
  return decision(
    [event],
    'changed',
    `${titleOf(command.courseId, context)} for ${context.userId} is now due ${dueDate ?? 'never'}: ${how}`,
    pastDueWarnings(dueDate, context),
  );
}

export function exempt(
  command: { courseId: string; ruleId?: string | undefined; reason: string },
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const current = requireActive(state, command.courseId, context);
  const ruleSources = current.sources.filter((source) => source.ruleId !== null);
  if (command.ruleId === undefined && ruleSources.length === 0) {
    throw ruleViolation(
      `${command.courseId} is assigned to ${context.userId} individually, and an individual assignment cannot be exempted: remove it with UnassignCourse`,
      { courseId: command.courseId },
      'R6',
    );
  }
  const targets = command.ruleId === undefined ? ruleSources : [requireRuleSource(current, command.ruleId, context)];
  const pending = targets.filter((source) => !source.exempt);
  if (pending.length === 0) {
    const first = targets[0];
    return decision(
      [],
      'unchanged',
      `${command.courseId} is already exempt for ${context.userId}${first?.exemption ? ` (since ${first.exemption.appliedAt} by ${first.exemption.appliedBy})` : ''}`,
    );
  }
  const events: TrainingEvent[] = [];
  let sources = current.sources;
  for (const target of pending) {
    sources = sources.map((source) => (source === target ? { ...source, exempt: true } : source));
    const dueDate = dueAfter(sources, current.dueOverride, context.preferences.dueDatePolicy);
    events.push({
      type: 'ExemptionApplied',
      data: {
        userId: context.userId,
        courseId: command.courseId,
        ruleId: target.ruleId as string,
        reason: command.reason,
        appliedBy: context.actorId,
        appliedAt: context.now,
        ...effective(dueDate, context),
        visible: sources.some((source) => !source.exempt),
      },
    });
  }
  const visible = sources.some((source) => !source.exempt);
  const warnings = visible
    ? sources
        .filter((source) => !source.exempt)
        .map((source) => `${sourceLabel(source)} still assigns ${command.courseId}: it stays on the dashboard`)
    : [];
  return decision(
    events,
    'changed',
    `${context.userId} exempted from ${titleOf(command.courseId, context)} (${pending.map(sourceLabel).join(', ')}): ${command.reason}`,
    warnings,
  );
}

export function removeExemption(
  command: { courseId: string; ruleId?: string | undefined },
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const current = requireActive(state, command.courseId, context);
  const targets =
    command.ruleId === undefined
      ? current.sources.filter((source) => source.exempt)
      : [requireRuleSource(current, command.ruleId, context)].filter((source) => source.exempt);
  if (targets.length === 0)
    return decision(
      [],
      'unchanged',
      `${context.userId} is not exempt from ${command.courseId}${command.ruleId ? ` via rule ${command.ruleId}` : ''}; nothing changed`,
    );
  const events: TrainingEvent[] = [];
  let sources = current.sources;
  for (const target of targets) {
    // R9: the source takes its rule's terms again and its window restarts today; a fixed date stays fixed; an admin
    // override ends here.
    const renewed = renewedTerms(target, context.today, context);
    sources = sources.map((source) =>
      source === target ? { ...renew(source, renewed), exempt: false, exemption: null } : source,
    );
    const dueDate = dueAfter(sources, null, context.preferences.dueDatePolicy);
    events.push({
      type: 'ExemptionRemoved',
      data: {
        userId: context.userId,
        courseId: command.courseId,
        ruleId: target.ruleId as string,
        removedBy: context.actorId,
        removedAt: context.now,
        renewed,
        ...effective(dueDate, context),
        visible: true,
      },
    });
  }
  const dueDate = dueAfter(sources, null, context.preferences.dueDatePolicy);
  return decision(
    events,
    'changed',
    `${titleOf(command.courseId, context)} reinstated for ${context.userId}${dueText(dueDate)}`,
    pastDueWarnings(dueDate, context),
  );
}

/** R8: a whole set of ticks and unticks for one user, applied together or not at all. */
export function saveExemptions(
  ticks: ExemptionTick[],
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  let working = state;
  const events: TrainingEvent[] = [];
  const changes: string[] = [];
  const warnings: string[] = [];
  for (const tick of ticks) {
    const step = tick.exempted
      ? exempt({ courseId: tick.courseId, ruleId: tick.ruleId, reason: tick.reason as string }, working, context)
      : removeExemption({ courseId: tick.courseId, ruleId: tick.ruleId }, working, context);
    if (step.events.length === 0) continue;
    const title = context.course(tick.courseId)?.title ?? tick.courseId;
    for (const event of step.events) {
      working = evolveTraining(working, event);
      events.push(event);
    }
    const due = working.assignments.get(tick.courseId)?.dueDate ?? null;
    changes.push(tick.exempted ? `exempted from ${title}` : `reinstated ${title}${dueText(due)}`);
    warnings.push(...step.warnings);
  }
  if (events.length === 0) return decision([], 'unchanged', 'Exemptions saved: nothing changed');
  return decision(events, 'changed', `Exemptions saved for ${context.userId}: ${changes.join('; ')}`, warnings);
}
