import type { Assignment, TrainingState } from './trainingState';

/**
 * A user's training as a snapshot holds it (issue #19, long streams): the assignments, in the order the state keeps
 * them. Only what this codec wrote under the same domain code is decoded (handlers/aggregateStore.ts).
 */
export const trainingSnapshots = {
  format: 'training-assignments/1',
  encode: (state: TrainingState): Assignment[] => [...state.assignments.values()],
  decode: (value: unknown): TrainingState => {
    if (!Array.isArray(value)) throw new TypeError('a training snapshot is a list of assignments');
    const assignments = new Map<string, Assignment>();
    for (const assignment of value as Assignment[]) assignments.set(assignment.courseId, assignment);
    return { assignments };
  },
};
