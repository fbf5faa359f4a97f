import type { TrainingStatus } from '../policies/versionPolicy';
import type { DueDatePolicy } from '../portal/portalEvents';
import type { MessagesOf } from '../shared/messages';
import type { CalendarDate, Instant } from '../shared/primitives';
import type { AssignmentSource } from './assignmentSource';
import type { BeforeCompletion, CompletionOriginal, CompletionRevocation } from './correctionState';
import type { RemovalCause, trainingEventSchemas } from './trainingEvents';

export type TrainingEvent = MessagesOf<typeof trainingEventSchemas>;

export interface Exemption {
  reason: string;
  appliedBy: string;
  appliedAt: Instant;
  /** R6: the day the exemption ends (the first day the training is due again); absent: no end date. */
  until?: CalendarDate;
}

/** R6: an exemption kept for its rule while dynamic removal has taken the rule's source away (see exemptionKeeping). */
export interface KeptExemption {
  ruleId: string;
  exemption: Exemption;
}

export type SourceState = AssignmentSource & { exempt: boolean; exemption: Exemption | null };

export interface Completion {
  completedOn: CalendarDate;
  score: number | null;
  version: number;
  /** R26: the date and score first recorded, once corrected. */
  correctedFrom?: CompletionOriginal;
  /** R26: revoked: it stays in history so marked, and no longer counts. */
  revoked?: CompletionRevocation;
}

/** One user × one course, however many sources give it (R1). Kept after removal: its history stays. */
export interface Assignment {
  courseId: string;
  active: boolean;
  sources: SourceState[];
  status: TrainingStatus;
  progress: number;
  version: number;
  dueDate: CalendarDate | null;
  /** The portal policy that chose `dueDate` (R3); a later policy change applies at the next recompute. */
  dueDatePolicy: DueDatePolicy;
  /** An admin's ChangeDueDate, in force until the next reset (R3, R9). */
  dueOverride: CalendarDate | null;
  assignedOn: CalendarDate;
  startedOn: CalendarDate | null;
  completedOn: CalendarDate | null;
  score: number | null;
  expiresOn: CalendarDate | null;
  completions: Completion[];
  /** Rules whose source was taken away by dynamic removal: the only ones that may reassign (R11). */
  dynamicallyRemovedRules: string[];
  lastRemoval: { cause: RemovalCause; status: TrainingStatus } | null;
  /** The due date already announced as overdue (R22), so it is announced once. */
  overdueFor: CalendarDate | null;
  /** R23: the last reminder sent for a due date (the reminder day), so none goes out twice. */
  remindedFor?: { dueDate: CalendarDate; daysBefore: number } | null;
  /** R24: the retake of a completion whose recertification window is open; the status stays Completed meanwhile. */
  retake?: Retake | null;
  /** R26: the assignment just before the completion in force: what revoking it returns to. */
  beforeCompletion?: BeforeCompletion | null;
  /** R26: the assignment before a registration a completion implied, until that completion is folded. */
  beforeRegistration?: BeforeCompletion | null;
  /** R6: exemptions of rule sources taken away by dynamic removal, given back if the source returns; absent when none. */
  keptExemptions?: KeptExemption[];
}

/** R24: a retake assigned before the completion expires: due on `dueOn`, registered on `startedOn` once started. */
export interface Retake {
  opensOn: CalendarDate;
  dueOn: CalendarDate;
  version: number | null;
  startedOn: CalendarDate | null;
  progress: number;
}

export interface TrainingState {
  /** By course id. A Map: course ids are the caller's, and `constructor` or `__proto__` must be ordinary ids (R28). */
  assignments: ReadonlyMap<string, Assignment>;
}

export const initialTrainingState = (): TrainingState => ({ assignments: new Map() });

/** Active and not exempt from every source: what the learner, MI and My Team see (R6). */
export const isVisible = (assignment: Assignment | undefined): boolean =>
  assignment !== undefined && assignment.active && assignment.sources.some((source) => !source.exempt);

export const isRequired = (assignment: Assignment): boolean =>
  assignment.sources.some((source) => !source.exempt && source.required);

/** The terms a reset renews on a rule's source (R5, R9, R24). */
export interface SourceTerms {
  due: AssignmentSource['due'];
  required: boolean;
  anchorDate: CalendarDate;
}

export function renew(source: SourceState, terms: SourceTerms): SourceState {
  return sourceState(source, { ...terms, exempt: source.exempt, exemption: source.exemption });
}

/** A source as held, not exempt: how a source given by an event starts. */
export const freshSource = (source: AssignmentSource): SourceState =>
  sourceState(source, {
    due: source.due,
    required: source.required,
    anchorDate: source.anchorDate,
    exempt: false,
    exemption: null,
  });

/** The source exempted (R6). */
export const exemptedSource = (source: SourceState, exemption: Exemption): SourceState =>
  sourceState(source, {
    due: source.due,
    required: source.required,
    anchorDate: source.anchorDate,
    exempt: true,
    exemption,
  });

/** The source with its relative window counting from another day (a corrected hire date, R26). */
export const anchoredSource = (source: SourceState, anchorDate: CalendarDate): SourceState =>
  sourceState(source, {
    due: source.due,
    required: source.required,
    anchorDate,
    exempt: source.exempt,
    exemption: source.exemption,
  });

/**
 * Every source state is built by this one literal, field by field, so all of them share one hidden class. Object
 * spread at a call site that sees many shapes gave each source its own (about 440 bytes more per source: at ten
 * assignments a user, 4 KB a user; issue #19).
 */
function sourceState(
  source: AssignmentSource,
  own: SourceTerms & { exempt: boolean; exemption: Exemption | null },
): SourceState {
  return {
    kind: source.kind,
    ruleId: source.ruleId,
    groupId: source.groupId,
    groupName: source.groupName,
    due: own.due,
    anchorDate: own.anchorDate,
    assignedOn: source.assignedOn,
    assignedBy: source.assignedBy,
    required: own.required,
    dynamic: source.dynamic,
    dynamicReassignment: source.dynamicReassignment,
    upgradeToLatestVersion: source.upgradeToLatestVersion,
    exempt: own.exempt,
    exemption: own.exemption,
  };
}
