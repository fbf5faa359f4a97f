/** R26: how corrections fold onto a user's training, and what the state keeps so a completion can be revoked. */
import { sourceKey } from './assignmentSource';
import type { BeforeCompletion } from './correctionState';
import { beforeCompletionOf, completionInForce } from './correctionState';
import type { Assignment, Completion, TrainingEvent } from './trainingState';
import { anchoredSource } from './trainingState';

type EventOfType<Type extends TrainingEvent['type']> = Extract<TrainingEvent, { type: Type }>;

export const correctionEvolvers: {
  [Type in 'CompletionCorrected' | 'CompletionRevoked']: (current: Assignment, event: EventOfType<Type>) => Assignment;
} = {
  CompletionCorrected: (current, { data }) => {
    const index = completionInForce(current);
    const completions = current.completions.map((completion, at) =>
      at === index
        ? {
            ...completion,
            completedOn: data.completedOn,
            score: data.score,
            correctedFrom: completion.correctedFrom ?? { completedOn: completion.completedOn, score: completion.score },
          }
        : completion,
    );
    // A registration the completion implied was dated on it: it moves with the corrected date.
    const implied = current.beforeCompletion?.status !== 'inProgress' && current.startedOn === data.previousCompletedOn;
    return {
      ...current,
      ...(implied ? { startedOn: data.completedOn } : {}),
      completedOn: data.completedOn,
      score: data.score,
      expiresOn: data.expiresOn,
      completions,
      dueDate: data.dueDate,
      dueDatePolicy: data.dueDatePolicy,
      // R24: an open retake is due on the completion's (corrected) expiry date.
      ...(current.retake && data.expiresOn ? { retake: { ...current.retake, dueOn: data.expiresOn } } : {}),
    };
  },
  CompletionRevoked: (current, { data }) => {
    const index = completionInForce(current);
    const before = current.beforeCompletion ?? unknownBefore(current);
    const { reason, revokedBy, revokedAt } = data;
    const completions = current.completions.map(
      (completion, at): Completion =>
        at === index ? { ...completion, revoked: { reason, revokedBy, revokedAt } } : completion,
    );
    return {
      ...current,
      status: data.status,
      progress: data.progress,
      version: before.version,
      startedOn: before.startedOn,
      completedOn: before.completedOn,
      score: before.score,
      expiresOn: before.expiresOn,
      retake: before.retake,
      beforeCompletion: before.beforeCompletion,
      completions,
    };
  },
};

/**
 * What the state remembers for corrections, after any event: a registration a completion implied remembers what the
 * assignment was before it; a completion remembers what it was before the completion (or before that registration);
 * a corrected hire date moves the new-starter sources that counted from it (R18).
 */
export function withCorrectionFacts(
  current: Assignment | undefined,
  next: Assignment,
  event: TrainingEvent,
): Assignment {
  if (!current) return next;
  switch (event.type) {
    case 'CourseStarted':
      return event.data.withCompletion ? { ...next, beforeRegistration: beforeCompletionOf(current) } : next;
    case 'CourseCompleted': {
      const { beforeRegistration, ...rest } = next;
      return { ...rest, beforeCompletion: beforeRegistration ?? beforeCompletionOf(current) };
    }
    case 'DueDateChanged': {
      const correction = event.data.correction;
      if (correction?.kind !== 'hireDateCorrected') return next;
      const moved = new Set(correction.sourceKeys);
      return {
        ...next,
        sources: next.sources.map((source) =>
          moved.has(sourceKey(source)) ? anchoredSource(source, correction.hireDate) : source,
        ),
      };
    }
    default:
      return next;
  }
}

/** A completion folded without what came before it (it cannot be, but never fail a fold): back In Progress. */
function unknownBefore(current: Assignment): BeforeCompletion {
  return {
    status: 'inProgress',
    progress: 0,
    version: current.version,
    startedOn: current.startedOn,
    completedOn: null,
    score: null,
    expiresOn: null,
    retake: null,
    beforeCompletion: null,
  };
}
