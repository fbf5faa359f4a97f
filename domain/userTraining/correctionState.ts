/**
 * R26: what the training state keeps so that a completion can be corrected or revoked: the date and score first
 * recorded, the revocation, and what the assignment was just before the completion (what revoking it returns to).
 */
import type { TrainingStatus } from '../policies/versionPolicy';
import type { CalendarDate, Instant } from '../shared/primitives';
import type { Assignment, Completion, Retake } from './trainingState';

/** The date and score a completion was first recorded with, kept once it is corrected. */
export interface CompletionOriginal {
  completedOn: CalendarDate;
  score: number | null;
}

export interface CompletionRevocation {
  reason: string;
  revokedBy: string;
  revokedAt: Instant;
}

/**
 * The assignment just before a completion: revoking the completion restores it (its status and progress, its start,
 * and an earlier completion still in force with its own `beforeCompletion`, when the revoked one was a retake, R24).
 */
export interface BeforeCompletion {
  status: TrainingStatus;
  progress: number;
  version: number;
  startedOn: CalendarDate | null;
  completedOn: CalendarDate | null;
  score: number | null;
  expiresOn: CalendarDate | null;
  retake: Retake | null;
  beforeCompletion: BeforeCompletion | null;
}

/** What the assignment is before a completion; an earlier completion is remembered only while it is in force. */
export function beforeCompletionOf(current: Assignment): BeforeCompletion {
  return {
    status: current.status,
    progress: current.progress,
    version: current.version,
    startedOn: current.startedOn,
    completedOn: current.completedOn,
    score: current.score,
    expiresOn: current.expiresOn,
    retake: current.retake ?? null,
    beforeCompletion: current.status === 'completed' ? (current.beforeCompletion ?? null) : null,
  };
}

/** The index of the completion in force (the last one not revoked) when the training is Completed, else -1. */
export function completionInForce(current: Assignment): number {
  if (current.status !== 'completed') return -1;
  for (let index = current.completions.length - 1; index >= 0; index--)
    if (!(current.completions[index] as Completion).revoked) return index;
  return -1;
}
