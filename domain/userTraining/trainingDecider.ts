import type { Decider } from '../decider';
import { applyRule, assignIndividually } from './assigning';
import { decideCorrection } from './corrections';
import { changeDueDate, exempt, removeExemption, saveExemptions } from './dueDatesAndExemptions';
import { complete, recordProgress, start } from './progress';
import { unassign, withdrawRule } from './removing';
import { runScheduledTransitions } from './scheduledTransitions';
import type { TrainingCommand, TrainingContext, TrainingDecision } from './trainingDecision';
import { evolveTraining, evolveTrainingAll } from './trainingEvolution';
import type { TrainingEvent, TrainingState } from './trainingState';

export type { Outcome, RuleFacts, TrainingCommand, TrainingContext, TrainingDecision } from './trainingDecision';

/** One user's training (R1-R14, R18): every assignment of the user, decided per-user command. */
export const trainingDecider: Decider<
  TrainingCommand,
  TrainingEvent,
  TrainingState,
  TrainingContext,
  TrainingDecision
> = {
  initialState: () => ({ assignments: new Map() }),
  evolve: evolveTraining,
  evolveAll: evolveTrainingAll,
  decide: decideTraining,
};

function decideTraining(command: TrainingCommand, state: TrainingState, context: TrainingContext): TrainingDecision {
  switch (command.type) {
    case 'AssignIndividually':
      return assignIndividually(command, state, context);
    case 'ApplyRule':
      return applyRule(command.rule, state, context);
    case 'WithdrawRule':
      return withdrawRule(command, state, context);
    case 'UnassignCourse':
      return unassign(command.courseId, state, context);
    case 'ChangeDueDate':
      return changeDueDate(command, state, context);
    case 'ExemptUser':
      return exempt(command, state, context);
    case 'RemoveExemption':
      return removeExemption(command, state, context);
    case 'SaveExemptions':
      return saveExemptions(command.exemptions, state, context);
    case 'StartCourse':
      return start(command.courseId, state, context);
    case 'RecordProgress':
      return recordProgress(command, state, context);
    case 'CompleteCourse':
      return complete(command, state, context);
    case 'RunScheduledTransitions':
      return runScheduledTransitions(state, context);
    case 'CorrectCompletion':
    case 'RevokeCompletion':
    case 'ExtendDueDate':
    case 'CorrectHireDate':
      return decideCorrection(command, state, context);
  }
}
