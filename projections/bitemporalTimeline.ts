/**
 * R26: the two questions an auditor asks of a user's training history, answered from the events.
 * - `knownAt`: what the engine said at that moment: the events recorded up to then, as they were recorded.
 * - `asOf`: what was true on that date, as known now (or at `knownAt`): every correction applied to what it corrects
 *   (a CompletionCorrected moves its completion's date and score, a CompletionRevoked removes the completion and the
 *   registration it implied), then only what took effect by `asOf`: a completion on its date, in the user's time zone;
 *   every other event at the instant it was recorded.
 * Nothing is rewritten: the corrections are events too, and the answer lists them.
 */
import { asDomainEvent } from '../domain/events';
import { endOfDay, todayIn } from '../domain/shared/calendar';
import type { TrainingEvent } from '../domain/userTraining/trainingState';
import type { StoredEvent } from '../handlers/ports/eventStore';

/** One event of the answer: as it is folded (a corrected completion carries the corrected date and score). */
export interface TimelineEntry {
  stored: StoredEvent;
  event: TrainingEvent;
  /** False for a correction whose effect is already in what it corrects (asOf): listed, not folded again. */
  folded: boolean;
  /** A completion read as later corrected (asOf). */
  corrected: boolean;
}

/** A plain date means the end of that day in the portal's time zone (as `lms --as-of` reads it); an instant as it is. */
export function instantOf(when: string | undefined, portalTimeZone: string): string | undefined {
  if (when === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(when)) return when;
  return endOfDay(when, portalTimeZone).toUTC().toISO() ?? when;
}

/** The events recorded up to an instant (all without one): a prefix of the stream, stopping at the first later one. */
export function recordedBy(stored: readonly StoredEvent[], knownAt: string | undefined): StoredEvent[] {
  if (knownAt === undefined) return [...stored];
  const cutoff = Date.parse(knownAt);
  const later = stored.findIndex((event) => Date.parse(event.metadata.occurredAt) > cutoff);
  return later === -1 ? [...stored] : stored.slice(0, later);
}

interface Working extends TimelineEntry {
  /** The completion a correction or revocation acts on (its index in the entries). */
  target?: number;
  revoked?: boolean;
  /** The completion a registration was implied by (same command). */
  impliedBy?: number;
  /** The completion's date as first recorded. */
  originalOn?: string;
}

/**
 * The events that answer the question, in log order. Without `asOf` the known events as they were recorded (the
 * corrections among them fold onto what they correct as they did then).
 */
export function timelineOf(known: readonly StoredEvent[], asOf: string | undefined, timeZone: string): TimelineEntry[] {
  const entries: Working[] = known.map((stored) => ({
    stored,
    event: asDomainEvent(stored) as TrainingEvent,
    folded: true,
    corrected: false,
  }));
  if (asOf === undefined) return entries;
  applyCorrections(entries);
  const cutoff = Date.parse(asOf);
  const asOfDate = todayIn(asOf, timeZone);
  const completedBy = (entry: Working | undefined) =>
    entry !== undefined &&
    !entry.revoked &&
    entry.event.type === 'CourseCompleted' &&
    entry.event.data.completedOn <= asOfDate;
  return entries.filter((entry) => {
    const { event } = entry;
    if (event.type === 'CourseCompleted') return completedBy(entry);
    if (entry.impliedBy !== undefined) return completedBy(entries[entry.impliedBy]);
    if (entry.target !== undefined) {
      // A correction is listed beside the completion it corrects, when that completion took effect by asOf either
      // as first recorded or as corrected (a revocation removes one that had).
      const target = entries[entry.target] as Working;
      const on = target.event.type === 'CourseCompleted' ? target.event.data.completedOn : asOfDate;
      return (target.originalOn ?? on) <= asOfDate || on <= asOfDate;
    }
    return Date.parse(entry.stored.metadata.occurredAt) <= cutoff;
  });
}

/** Applies every correction to the completion it corrects, marks revoked completions and their registrations. */
function applyCorrections(entries: Working[]): void {
  const completions = new Map<string, number[]>();
  entries.forEach((entry, index) => {
    const { event } = entry;
    const { courseId } = event.data;
    const live = completions.get(courseId) ?? [];
    completions.set(courseId, live);
    if (event.type === 'CourseCompleted') {
      live.push(index);
      entry.originalOn = event.data.completedOn;
      markRegistration(entries, index);
      return;
    }
    if (event.type !== 'CompletionCorrected' && event.type !== 'CompletionRevoked') return;
    entry.folded = false;
    const targetIndex = live[live.length - 1];
    const target = targetIndex === undefined ? undefined : entries[targetIndex];
    if (targetIndex === undefined || target?.event.type !== 'CourseCompleted') return;
    entry.target = targetIndex;
    if (event.type === 'CompletionRevoked') {
      target.revoked = true;
      live.pop();
      return;
    }
    const { completedOn, score, expiresOn } = event.data;
    target.event = { type: 'CourseCompleted', data: { ...target.event.data, completedOn, score, expiresOn } };
    target.corrected = true;
    // The registration the completion implied was dated on it, and moves with it.
    for (const implied of entries)
      if (implied.impliedBy === targetIndex && implied.event.type === 'CourseStarted')
        implied.event = { type: 'CourseStarted', data: { ...implied.event.data, startedOn: completedOn } };
  });
}

/** The registration a completion implied (same command, just before it) takes effect, or goes, with the completion. */
function markRegistration(entries: Working[], completionIndex: number): void {
  const commandId = entries[completionIndex]?.stored.metadata.commandId;
  for (let index = completionIndex - 1; index >= 0; index--) {
    const entry = entries[index] as Working;
    if (entry.stored.metadata.commandId !== commandId) return;
    const { event } = entry;
    const implied =
      (event.type === 'CourseStarted' && event.data.withCompletion === true) ||
      event.type === 'AssignmentVersionChanged';
    if (!implied || event.data.courseId !== entries[completionIndex]?.event.data.courseId) return;
    entry.impliedBy = completionIndex;
  }
}

/** Which question an answer is, in words. */
export function viewWords(asOf: string | undefined, knownAt: string | undefined): string {
  if (asOf !== undefined && knownAt !== undefined)
    return `what was true on ${asOf}, as known at ${knownAt}: the corrections recorded by then applied`;
  if (asOf !== undefined) return `what was true on ${asOf}, as known now: every correction applied`;
  if (knownAt !== undefined) return `what the engine said at ${knownAt}: the events recorded up to then, as recorded`;
  return 'now: every event recorded, corrections included';
}
