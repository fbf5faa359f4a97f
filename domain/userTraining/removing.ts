/** R4, R10: taking a source away, and the assignment with its last source. */
import { ruleViolation } from '../shared/domainError';
import { requireActive, titleOf } from './assignmentChecks';
import type { AssignmentSource } from './assignmentSource';
import { sourceKey, sourceLabel } from './assignmentSource';
import { dueAfter, effective } from './dueDateTerms';
import type { TrainingCommand, TrainingContext, TrainingDecision } from './trainingDecision';
import { trainingDecision as decision } from './trainingDecision';
import type { RemovalCause } from './trainingEvents';
import type { Assignment, SourceState, TrainingEvent, TrainingState } from './trainingState';

export function withdrawRule(
  command: Extract<TrainingCommand, { type: 'WithdrawRule' }>,
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const current = state.assignments.get(command.courseId);
  const source = current?.active ? current.sources.find((held) => held.ruleId === command.ruleId) : undefined;
  if (!current || !source)
    return decision([], 'unchanged', `${context.userId} holds nothing from rule ${command.ruleId}`);
  return removeSource(current, source, command.cause, context);
}

function removeSource(
  current: Assignment,
  source: SourceState,
  cause: RemovalCause,
  context: TrainingContext,
): TrainingDecision {
  return removeSources(current, [source], cause, context);
}

/** Takes the sources away one after the other; with the last one goes the assignment (its history stays). */
function removeSources(
  current: Assignment,
  sources: readonly SourceState[],
  cause: RemovalCause,
  context: TrainingContext,
): TrainingDecision {
  let remaining = [...current.sources];
  const events: TrainingEvent[] = [];
  for (const source of sources) {
    remaining = remaining.filter((held) => held !== source);
    const dueDate =
      remaining.length === 0 ? null : dueAfter(remaining, current.dueOverride, context.preferences.dueDatePolicy);
    events.push({
      type: 'AssignmentSourceRemoved',
      data: {
        userId: context.userId,
        courseId: current.courseId,
        sourceKey: sourceKey(source),
        cause,
        remainingSources: remaining.length,
        ...effective(dueDate, context),
      },
    });
  }
  const removed = sources.map(sourceLabel).join(' and ');
  const title = titleOf(current.courseId, context);
  if (remaining.length === 0) {
    events.push({
      type: 'TrainingUnassigned',
      data: { userId: context.userId, courseId: current.courseId, cause, status: current.status },
    });
    return decision(
      events,
      'removed',
      `${removed} removed: ${title} is no longer assigned to ${context.userId}; its history stays`,
    );
  }
  return decision(
    events,
    'changed',
    `${removed} removed; ${title} stays assigned to ${context.userId} via ${remaining.map(sourceLabel).join(', ')}`,
  );
}

/** R4: why a rule source keeps an assignment, and what the admin can do about it. */
export function whyItStays(
  source: Pick<AssignmentSource, 'kind' | 'groupName' | 'dynamic'>,
  userId = 'the user',
): string {
  switch (source.kind) {
    case 'group':
      return source.dynamic
        ? `it is assigned via Group: ${source.groupName ?? '?'}: remove ${userId} from the group (its dynamic rule then takes the course away) or change the group's course assignment`
        : `it is assigned via Group: ${source.groupName ?? '?'}: remove ${userId} from the group and then remove the course again (a standard rule does not follow its group), or change the group's course assignment`;
    case 'mandatory':
      return `the course is mandatory for everyone: exempt ${userId} from that rule`;
    case 'newStarter':
      return `it is assigned by Default for New Starters: exempt ${userId} or change that assignment`;
    case 'individual':
      return 'it is assigned individually';
  }
}

/**
 * R4: an admin takes away what an admin may: the individual assignment, and the source of a standard group rule whose
 * group the user has left (a standard rule does not follow its group; recorded as an admin removal, so R11 never
 * brings it back). Anything else stays, and the reply says why and what to do.
 */
export function unassign(courseId: string, state: TrainingState, context: TrainingContext): TrainingDecision {
  const current = requireActive(state, courseId, context);
  const removable = current.sources.filter(
    (source) =>
      source.kind === 'individual' ||
      (source.kind === 'group' && source.ruleId !== null && !context.ruleReaches(source.ruleId)),
  );
  const staying = current.sources.filter((source) => !removable.includes(source));
  const reasons = staying.map((source) => whyItStays(source, context.userId)).join('; ');
  const title = titleOf(courseId, context);
  if (removable.length === 0) {
    throw ruleViolation(
      `cannot remove ${title} from ${context.userId}: ${reasons}`,
      { sources: staying.map(sourceLabel) },
      'R4',
    );
  }
  const removal = removeSources(current, removable, 'admin', context);
  if (staying.length === 0) return removal;
  return {
    ...removal,
    message: `${removable.map(sourceLabel).join(' and ')} removed; ${title} stays assigned to ${context.userId} because ${reasons}`,
  };
}
