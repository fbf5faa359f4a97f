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
  const remaining = current.sources.filter((held) => held !== source);
  const dueDate =
    remaining.length === 0 ? null : dueAfter(remaining, current.dueOverride, context.preferences.dueDatePolicy);
  const events: TrainingEvent[] = [
    {
      type: 'AssignmentSourceRemoved',
      data: {
        userId: context.userId,
        courseId: current.courseId,
        sourceKey: sourceKey(source),
        cause,
        remainingSources: remaining.length,
        ...effective(dueDate, context),
      },
    },
  ];
  if (remaining.length === 0) {
    events.push({
      type: 'TrainingUnassigned',
      data: { userId: context.userId, courseId: current.courseId, cause, status: current.status },
    });
    return decision(
      events,
      'removed',
      `${sourceLabel(source)} removed: ${titleOf(current.courseId, context)} is no longer assigned to ${context.userId}; its history stays`,
    );
  }
  return decision(
    events,
    'changed',
    `${sourceLabel(source)} removed; ${titleOf(current.courseId, context)} stays assigned to ${context.userId} via ${remaining.map(sourceLabel).join(', ')}`,
  );
}

/** R4: why a rule source keeps an assignment, and what the admin can do about it. */
export function whyItStays(source: Pick<AssignmentSource, 'kind' | 'groupName'>): string {
  switch (source.kind) {
    case 'group':
      return `assigned via Group: ${source.groupName ?? '?'}: remove the user from the group or change the group's assignment`;
    case 'mandatory':
      return 'the course is mandatory';
    case 'newStarter':
      return 'assigned by Default for New Starters: exempt the user or change that assignment';
    case 'individual':
      return 'assigned individually';
  }
}

export function unassign(courseId: string, state: TrainingState, context: TrainingContext): TrainingDecision {
  const current = requireActive(state, courseId, context);
  const individual = current.sources.find((source) => source.kind === 'individual');
  const others = current.sources.filter((source) => source.kind !== 'individual');
  if (!individual) {
    throw ruleViolation(`cannot remove ${courseId} from ${context.userId}: ${others.map(whyItStays).join('; ')}`, {
      sources: others.map(sourceLabel),
    });
  }
  const removal = removeSource(current, individual, 'admin', context);
  if (others.length === 0) return removal;
  return {
    ...removal,
    message: `Individual assignment removed; ${titleOf(courseId, context)} stays because ${others.map(whyItStays).join('; ')}`,
  };
}
