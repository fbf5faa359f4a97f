import { categoryOf } from '../domain/streams';
import type { TrainingState } from '../domain/userTraining/trainingState';
import { trainingStateBytes } from '../domain/userTraining/trainingStateSize';

/** The reference aggregates (a user's profile, a group without its members, a rule) are a few hundred bytes. */
const REFERENCE_STATE = 600;

/** The estimate for any stream's state: training by its assignments, a group by its members, the rest flat. */
export function stateBytes(stream: string, state: unknown): number {
  switch (categoryOf(stream)) {
    case 'training':
      return trainingStateBytes(state as TrainingState);
    case 'group': {
      const members = (state as { members?: ReadonlySet<string> }).members;
      return REFERENCE_STATE + 60 * (members?.size ?? 0);
    }
    default:
      return REFERENCE_STATE;
  }
}
