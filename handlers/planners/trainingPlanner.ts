import type { CommandOf } from '../../domain/commands';
import type { Demand } from '../../domain/policies/permissionPolicy';
import { grantsFor } from '../../domain/policies/permissionPolicy';
import { assignability } from '../../domain/policies/assignabilityPolicy';
import { DomainError, notFound } from '../../domain/shared/domainError';
import type { TrainingCommand } from '../../domain/userTraining/trainingDecider';
import type { Permission } from '../../domain/access/accessEvents';
import type { Plan, PlanContext } from '../plan';
import type { PairOutcome } from '../ports/reply';
import type { TrainingWork } from './trainingBatch';
import { decideTrainingBatch } from './trainingBatch';

type SingleUserCommand =
  | CommandOf<'UnassignCourse'>
  | CommandOf<'ChangeDueDate'>
  | CommandOf<'ExemptUser'>
  | CommandOf<'RemoveExemption'>
  | CommandOf<'SaveExemptions'>
  | CommandOf<'StartCourse'>
  | CommandOf<'RecordProgress'>
  | CommandOf<'CompleteCourse'>;

const permissionFor: Record<SingleUserCommand['type'], Permission> = {
  UnassignCourse: 'assignment.standard',
  ChangeDueDate: 'assignment.standard',
  ExemptUser: 'exemptions.manage',
  RemoveExemption: 'exemptions.manage',
  SaveExemptions: 'exemptions.manage',
  StartCourse: 'progress.record',
  RecordProgress: 'progress.record',
  CompleteCourse: 'progress.record',
};

/** Learners register for, progress through and complete their own training (the LMS player acts as them). */
const selfService = new Set<SingleUserCommand['type']>(['StartCourse', 'RecordProgress', 'CompleteCourse']);

export async function planSingleUserTraining(command: SingleUserCommand, context: PlanContext): Promise<Plan> {
  const { referenceData } = context;
  const { userId } = command.data;
  if (!referenceData.users.has(userId)) throw notFound(`user ${userId} is not registered: check the id`, { userId });
  const courseIds =
    command.type === 'SaveExemptions' ? command.data.exemptions.map((tick) => tick.courseId) : [command.data.courseId];
  for (const courseId of new Set(courseIds)) {
    const course = referenceData.courses.get(courseId);
    if (!course) throw notFound(`course ${courseId} does not exist: check the id`, { courseId });
    if (!(selfService.has(command.type) && context.meta.actorId === userId)) {
      context.require({ permission: permissionFor[command.type], userId, course });
    }
  }
  const { results, writes } = await decideTrainingBatch(context, [{ userId, command: toTrainingCommand(command) }], {
    atomic: true,
  });
  const decision = results[0]?.decision;
  return { writes, message: decision?.message ?? '', warnings: decision?.warnings ?? [] };
}

function toTrainingCommand(command: SingleUserCommand): TrainingCommand {
  const { userId: _userId, ...data } = command.data;
  return { type: command.type, ...data } as TrainingCommand;
}

/** R16: every user × course pair obeys R1 and R15 on its own; the reply reports each pair. */
export async function planAssignCourse(command: CommandOf<'AssignCourse'>, context: PlanContext): Promise<Plan> {
  const { referenceData } = context;
  const { userIds, courseIds, dueDate, required } = command.data;
  // Without the permission at all, say so before anything else: an outsider learns nothing about users or courses.
  if (!context.actor.isBootstrapAdmin && grantsFor(context.actor, 'assignment.standard').length === 0) {
    context.require({ permission: 'assignment.standard' });
  }
  const outcomes: PairOutcome[] = [];
  const works: TrainingWork[] = [];
  for (const userId of new Set(userIds)) {
    for (const courseId of new Set(courseIds)) {
      const course = referenceData.courses.get(courseId);
      const verdict = assignability(courseId, course, userId, referenceData.users.get(userId), (id) =>
        referenceData.orgUnitPath(id),
      );
      if (!verdict.ok) {
        outcomes.push({
          userId,
          courseId,
          outcome: 'failed',
          code: verdict.code,
          reason: verdict.reason,
          message: verdict.message,
        });
        continue;
      }
      const demand: Demand = { permission: 'assignment.standard', userId, ...(course ? { course } : {}) };
      try {
        context.require(demand);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes.push({
          userId,
          courseId,
          outcome: 'failed',
          code: error.code,
          reason: 'FORBIDDEN',
          message: error.message,
        });
        continue;
      }
      works.push({ userId, command: { type: 'AssignIndividually', courseId, dueDate: dueDate ?? null, required } });
      outcomes.push({ userId, courseId, outcome: 'unchanged', message: '' });
    }
  }
  const { results, writes } = await decideTrainingBatch(context, works, { atomic: false });
  let next = 0;
  for (const outcome of outcomes) {
    if (outcome.outcome === 'failed') continue;
    const result = results[next++];
    if (result?.error)
      Object.assign(outcome, { outcome: 'failed', code: result.error.code, message: result.error.message });
    else if (result?.decision)
      Object.assign(outcome, {
        outcome: result.decision.outcome,
        message: result.decision.message,
        ...(result.decision.heldVia ? { heldVia: result.decision.heldVia } : {}),
      });
  }
  const failed = outcomes.filter((outcome) => outcome.outcome === 'failed');
  if (failed.length === outcomes.length) {
    const first = failed[0] as PairOutcome;
    const message =
      failed.length === 1
        ? first.message
        : `no pair could be assigned: ${first.message}${failed.length > 1 ? ` (and ${failed.length - 1} more refusals)` : ''}`;
    throw new DomainError(first.code ?? 'RULE_VIOLATION', message, { results: outcomes });
  }
  return {
    writes,
    message: summarize(outcomes),
    warnings: failed.map((outcome) => `${outcome.userId} × ${outcome.courseId}: ${outcome.message}`),
    results: outcomes,
  };
}

function summarize(outcomes: PairOutcome[]): string {
  if (outcomes.length === 1) return (outcomes[0] as PairOutcome).message;
  const counts = new Map<string, number>();
  for (const outcome of outcomes) counts.set(outcome.outcome, (counts.get(outcome.outcome) ?? 0) + 1);
  return `${outcomes.length} pairs: ${[...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ')}`;
}
