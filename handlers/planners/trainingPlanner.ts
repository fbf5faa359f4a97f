import type { CommandOf } from '../../domain/commands';
import { assignPairVerdict } from '../../domain/policies/commandPermissions';
import { describePairs, noPairAssigned, pairWarning } from '../../domain/userTraining/bulkAssignment';
import type { TrainingCommand } from '../../domain/userTraining/trainingDecider';
import type { TrainingWork } from '../../domain/userTraining/trainingWork';
import type { Plan, PlanContext } from '../plan';
import type { PairOutcome } from '../ports/reply';
import { decideTrainingBatch, settleOutcomes } from './trainingBatch';

type SingleUserCommand =
  | CommandOf<'UnassignCourse'>
  | CommandOf<'ChangeDueDate'>
  | (CommandOf<'ExemptUser'> & { data: { userId: string } })
  | CommandOf<'RemoveExemption'>
  | CommandOf<'SaveExemptions'>
  | CommandOf<'StartCourse'>
  | CommandOf<'RecordProgress'>
  | CommandOf<'CompleteCourse'>
  | CommandOf<'CorrectCompletion'>
  | CommandOf<'RevokeCompletion'>;

/** A command on one user's training: decided on that user's stream, refused as a whole. */
export async function planSingleUserTraining(command: SingleUserCommand, context: PlanContext): Promise<Plan> {
  const work: TrainingWork = { userId: command.data.userId, command: toTrainingCommand(command) };
  const { results, writes } = await decideTrainingBatch(context, [work], { atomic: true });
  const decision = results[0]?.decision;
  return { writes, message: decision?.message ?? '', warnings: decision?.warnings ?? [] };
}

function toTrainingCommand(command: SingleUserCommand): TrainingCommand {
  const { userId: _userId, ...data } = command.data;
  return { type: command.type, ...data } as TrainingCommand;
}

/** R16: every user × course pair obeys R1, R15 and R17 on its own; the reply reports each pair. */
export async function planAssignCourse(command: CommandOf<'AssignCourse'>, context: PlanContext): Promise<Plan> {
  const { userIds, courseIds, dueDate, required } = command.data;
  const outcomes: PairOutcome[] = [];
  const works: TrainingWork[] = [];
  for (const userId of new Set(userIds)) {
    for (const courseId of new Set(courseIds)) {
      const verdict = assignPairVerdict(context.actor, context.referenceData, userId, courseId);
      if (!verdict.ok) {
        const { code, reason, message, rule } = verdict;
        outcomes.push({ userId, courseId, outcome: 'failed', code, reason, message, ...(rule ? { rule } : {}) });
        continue;
      }
      works.push({ userId, command: { type: 'AssignIndividually', courseId, dueDate: dueDate ?? null, required } });
      outcomes.push({ userId, courseId, outcome: 'unchanged', message: '' });
    }
  }
  const { results, writes } = await decideTrainingBatch(context, works, { atomic: false });
  settleOutcomes(outcomes, results);
  const failed = outcomes.filter((outcome) => outcome.outcome === 'failed');
  if (failed.length === outcomes.length) throw noPairAssigned(failed, { results: outcomes });
  return { writes, message: describePairs(outcomes), warnings: failed.map(pairWarning), results: outcomes };
}
