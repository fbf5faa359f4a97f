/**
 * R26: AssignmentHistory and ExplainAssignment answer `asOf` (what was true on that date, as known now, corrections
 * applied) and `knownAt` (what the engine said at that moment); see bitemporalTimeline.
 */
import type { ReferenceData } from '../domain/referenceData/referenceData';
import { trainingDecider } from '../domain/userTraining/trainingDecider';
import type { Assignment, Completion, TrainingState } from '../domain/userTraining/trainingState';
import type { StoredEvent } from '../handlers/ports/eventStore';
import type { TimelineEntry } from './bitemporalTimeline';
import { instantOf, recordedBy, timelineOf, viewWords } from './bitemporalTimeline';
import { describeTrainingEvent } from './historyText';

export interface AuditAnswer {
  /** The events listed, in log order, each as it is folded. */
  entries: TimelineEntry[];
  state: TrainingState;
  /** The instants asked about, plain dates read as the end of that day in the portal's time zone. */
  asOf: string | undefined;
  knownAt: string | undefined;
  /** The instant overdue is judged at: asOf, else knownAt, else now. */
  at: string;
  view: string;
}

/** Answers the question over a user's training events (all of them, in stream order). */
export function auditAnswer(
  stored: readonly StoredEvent[],
  params: { asOf?: string | undefined; knownAt?: string | undefined },
  referenceData: ReferenceData,
  userId: string,
  now: string,
): AuditAnswer {
  const portalZone = referenceData.preferences.timeZone;
  const asOf = instantOf(params.asOf, portalZone);
  const knownAt = instantOf(params.knownAt, portalZone);
  const entries = timelineOf(recordedBy(stored, knownAt), asOf, referenceData.timeZoneOf(userId));
  const state = entries
    .filter((entry) => entry.folded)
    .reduce((folded, entry) => trainingDecider.evolve(folded, entry.event), trainingDecider.initialState());
  return { entries, state, asOf, knownAt, at: asOf ?? knownAt ?? now, view: viewWords(asOf, knownAt) };
}

/** Which view an answer is: both questions echoed (null when not asked), and the view in words. */
export const viewFields = (answer: AuditAnswer) => ({
  asOf: answer.asOf ?? null,
  knownAt: answer.knownAt ?? null,
  view: answer.view,
});

/** One history row: who recorded the event, when, why, and what it did in a sentence. */
export function historyRow(entry: TimelineEntry, referenceData: ReferenceData) {
  const { stored, event } = entry;
  const reason = stored.metadata.reason ?? ('reason' in event.data ? (event.data.reason ?? null) : null);
  const summary = describeTrainingEvent(event, referenceData);
  return {
    position: stored.position,
    at: stored.metadata.occurredAt,
    actorId: stored.metadata.actorId,
    commandId: stored.metadata.commandId,
    type: event.type,
    reason: typeof reason === 'string' ? reason : null,
    summary: entry.corrected ? `${summary} (as corrected later)` : summary,
  };
}

/** The completion that counts: the last one not revoked (R26). */
export function lastCompletion(assignment: Assignment): Completion | undefined {
  for (let index = assignment.completions.length - 1; index >= 0; index--) {
    const completion = assignment.completions[index] as Completion;
    if (!completion.revoked) return completion;
  }
  return undefined;
}

/** R26: the corrections of one course in the answer, as sentences (recorded when, by whom). */
export function correctionsOf(entries: readonly TimelineEntry[], courseId: string, referenceData: ReferenceData) {
  return entries
    .filter(({ event }) => event.data.courseId === courseId && isCorrection(event))
    .map(({ stored, event }) => {
      const when = stored.metadata.occurredAt.slice(0, 10);
      return `${describeTrainingEvent(event, referenceData)} (recorded ${when} by ${stored.metadata.actorId})`;
    });
}

function isCorrection(event: TimelineEntry['event']): boolean {
  if (event.type === 'CompletionCorrected' || event.type === 'CompletionRevoked') return true;
  return event.type === 'DueDateChanged' && event.data.correction !== undefined;
}
