/** R3 overrides, R6-R9 exemptions and reinstatement. */
import { ruleViolation } from '../shared/domainError';
import { requireActive, requireRuleSource, titleOf } from './assignmentChecks';
import { sourceLabel } from './assignmentSource';
import { dueAfter, dueText, effective, pastDueWarnings } from './dueDateTerms';
import { exemptionOf } from './exemptionKeeping';
import { exemptionApplied, keptRemovals, reinstated, untilText } from './exemptionLifecycle';
import type { ExemptionTick } from './trainingCommands';
import type { TrainingCommand, TrainingContext, TrainingDecision } from './trainingDecision';
import { trainingDecision as decision } from './trainingDecision';
import { evolveTraining } from './trainingEvolution';
import type { SourceState, TrainingEvent, TrainingState } from './trainingState';

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

type ExemptCommand = Omit<Extract<TrainingCommand, { type: 'ExemptUser' }>, 'type'>;

/**
 * R6: exempts the rule sources named (or every rule source), with a reason and, when given, an end date after today.
 * Exempting what is already exempt changes nothing, unless a different end date is given: that is recorded as a new
 * application. `bulk`: a user who does not hold the rule's source is skipped (R16), not refused.
 */
export function exempt(command: ExemptCommand, state: TrainingState, context: TrainingContext): TrainingDecision {
  const until = command.until ?? undefined;
  if (until !== undefined && until <= context.today) {
    throw ruleViolation(
      `the exemption's end date ${until} must be after today (${context.today} for ${context.userId}): the exemption ends on that day and the training is due again from it`,
      { until, today: context.today },
      'R6',
    );
  }
  const skipped = command.bulk ? notHeld(command, state, context) : undefined;
  if (skipped) return skipped;
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
  // A different end date given for an exemption in force is a new application of it.
  const newEnd = (source: SourceState) => command.until !== undefined && source.exemption?.until !== until;
  const pending = targets.filter((source) => !source.exempt || newEnd(source));
  if (pending.length === 0) {
    const first = targets[0];
    return decision(
      [],
      'unchanged',
      `${command.courseId} is already exempt for ${context.userId}${first?.exemption ? ` (since ${first.exemption.appliedAt} by ${first.exemption.appliedBy}${untilText(first.exemption.until).replace(';', ',')})` : ''}`,
    );
  }
  const exemption = exemptionOf({ reason: command.reason, appliedBy: context.actorId, appliedAt: context.now, until });
  const events: TrainingEvent[] = [];
  let sources = current.sources;
  for (const target of pending) {
    const step = exemptionApplied(command.courseId, sources, target, exemption, current.dueOverride, context);
    events.push(step.event);
    sources = step.sources;
  }
  const title = titleOf(command.courseId, context);
  const labels = pending.map(sourceLabel).join(', ');
  const message = pending.every((source) => source.exempt)
    ? `${context.userId}'s exemption from ${title} (${labels}) now ${until ? `ends on ${until}` : 'has no end date'}`
    : `${context.userId} exempted from ${title} (${labels}): ${command.reason}${untilText(until)}`;
  const warnings = sources
    .filter((source) => !source.exempt)
    .map((source) => `${sourceLabel(source)} still assigns ${command.courseId}: it stays on the dashboard`);
  return decision(events, 'changed', message, warnings);
}

/** R6, R16: one user of a bulk exemption who does not hold the rule's source: skipped, saying so. */
function notHeld(command: ExemptCommand, state: TrainingState, context: TrainingContext): TrainingDecision | undefined {
  const current = state.assignments.get(command.courseId);
  const held = current?.active
    ? current.sources.some((source) =>
        command.ruleId === undefined ? source.ruleId !== null : source.ruleId === command.ruleId,
      )
    : false;
  if (held) return undefined;
  const title = titleOf(command.courseId, context);
  const why = !current?.active
    ? `does not hold ${title}`
    : command.ruleId === undefined
      ? `holds ${title} only individually`
      : `does not hold ${title} via rule ${command.ruleId}`;
  return decision([], 'skipped', `${context.userId} ${why}: nothing to exempt`);
}

/**
 * R9: reinstates the exempt sources named (or every exempt one). R6: an exemption kept for a rule whose source dynamic
 * removal took away is removed too (named, or with every exemption of the course), so the source comes back without it.
 */
export function removeExemption(
  command: { courseId: string; ruleId?: string | undefined },
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const found = state.assignments.get(command.courseId);
  const kept = (found?.keptExemptions ?? []).filter(
    (entry) => command.ruleId === undefined || entry.ruleId === command.ruleId,
  );
  const holdsRule = found?.active && found.sources.some((source) => source.ruleId === command.ruleId);
  if (kept.length > 0 && (!found?.active || (command.ruleId !== undefined && !holdsRule)))
    return keptRemovals(command.courseId, kept, context);
  const current = requireActive(state, command.courseId, context);
  const targets =
    command.ruleId === undefined
      ? current.sources.filter((source) => source.exempt)
      : [requireRuleSource(current, command.ruleId, context)].filter((source) => source.exempt);
  if (targets.length === 0 && kept.length > 0) return keptRemovals(command.courseId, kept, context);
  if (targets.length === 0)
    return decision(
      [],
      'unchanged',
      `${context.userId} is not exempt from ${command.courseId}${command.ruleId ? ` via rule ${command.ruleId}` : ''}; nothing changed`,
    );
  const { events, dueDate } = reinstated(current, targets, context);
  if (kept.length > 0) for (const removal of keptRemovals(command.courseId, kept, context).events) events.push(removal);
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
      ? exempt(
          { courseId: tick.courseId, ruleId: tick.ruleId, reason: tick.reason as string, until: tick.until },
          working,
          context,
        )
      : removeExemption({ courseId: tick.courseId, ruleId: tick.ruleId }, working, context);
    if (step.events.length === 0) continue;
    const title = context.course(tick.courseId)?.title ?? tick.courseId;
    for (const event of step.events) {
      working = evolveTraining(working, event);
      events.push(event);
    }
    const due = working.assignments.get(tick.courseId)?.dueDate ?? null;
    const keptOnly = step.events.every((event) => event.type === 'KeptExemptionRemoved');
    changes.push(
      tick.exempted
        ? `exempted from ${title}${untilText(tick.until)}`
        : keptOnly
          ? `no longer exempt from ${title} if its rule assigns it again`
          : `reinstated ${title}${dueText(due)}`,
    );
    for (const warning of step.warnings) warnings.push(warning);
  }
  if (events.length === 0) return decision([], 'unchanged', 'Exemptions saved: nothing changed');
  return decision(events, 'changed', `Exemptions saved for ${context.userId}: ${changes.join('; ')}`, warnings);
}
