import type { DueDatePolicy } from '../portal/portalEvents';
import type { MessagesOf } from '../shared/messages';
import type { CalendarDate, Instant } from '../shared/primitives';
import type { TrainingStatus } from '../policies/versionPolicy';
import type { AssignmentSource } from './assignmentSource';
import { sourceKey } from './assignmentSource';
import type { RemovalCause, trainingEventSchemas } from './trainingEvents';

export type TrainingEvent = MessagesOf<typeof trainingEventSchemas>;

export interface Exemption {
  reason: string;
  appliedBy: string;
  appliedAt: Instant;
}

export type SourceState = AssignmentSource & { exempt: boolean; exemption: Exemption | null };

export interface Completion {
  completedOn: CalendarDate;
  score: number | null;
  version: number;
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
}

export interface TrainingState {
  assignments: Readonly<Record<string, Assignment>>;
}

export const initialTrainingState = (): TrainingState => ({ assignments: {} });

/** Active and not exempt from every source: what the learner, MI and My Team see (R6). */
export const isVisible = (assignment: Assignment | undefined): boolean =>
  assignment !== undefined && assignment.active && assignment.sources.some((source) => !source.exempt);

export const isRequired = (assignment: Assignment): boolean =>
  assignment.sources.some((source) => !source.exempt && source.required);

const withoutRule = (rules: string[], ruleId: string | null) =>
  ruleId === null ? rules : rules.filter((rule) => rule !== ruleId);

/** A source with the terms its rule gave it at a reset. */
export function renew<S extends AssignmentSource>(
  source: S,
  terms: { due: AssignmentSource['due']; required: boolean; anchorDate: CalendarDate },
): S {
  return { ...source, due: terms.due, required: terms.required, anchorDate: terms.anchorDate };
}

function freshSource(source: AssignmentSource): SourceState {
  return { ...source, exempt: false, exemption: null };
}

export function evolveTraining(state: TrainingState, event: TrainingEvent): TrainingState {
  const { courseId } = event.data;
  const current = state.assignments[courseId];
  const next = (assignment: Assignment): TrainingState => ({
    assignments: { ...state.assignments, [courseId]: assignment },
  });
  if (event.type === 'TrainingAssigned') {
    const { source, version, dueDate, dueDatePolicy } = event.data;
    return next({
      courseId,
      active: true,
      sources: [freshSource(source)],
      status: 'notStarted',
      progress: 0,
      version,
      dueDate,
      dueDatePolicy,
      dueOverride: null,
      assignedOn: source.assignedOn,
      startedOn: null,
      completedOn: null,
      score: null,
      expiresOn: null,
      completions: current?.completions ?? [],
      dynamicallyRemovedRules: withoutRule(current?.dynamicallyRemovedRules ?? [], source.ruleId),
      lastRemoval: null,
      overdueFor: null,
    });
  }
  if (!current) return state;
  switch (event.type) {
    case 'TrainingReassigned': {
      const { source, status, progress, version, dueDate, dueDatePolicy } = event.data;
      return next({
        ...current,
        active: true,
        sources: [freshSource(source)],
        status,
        progress,
        version,
        dueDate,
        dueDatePolicy,
        assignedOn: source.assignedOn,
        dueOverride: null,
        dynamicallyRemovedRules: withoutRule(current.dynamicallyRemovedRules, source.ruleId),
        lastRemoval: null,
        overdueFor: null,
      });
    }
    case 'AssignmentSourceAdded':
      return next({
        ...current,
        sources: [...current.sources, freshSource(event.data.source)],
        dueDate: event.data.dueDate,
        dueDatePolicy: event.data.dueDatePolicy,
        dynamicallyRemovedRules: withoutRule(current.dynamicallyRemovedRules, event.data.source.ruleId),
      });
    case 'AssignmentSourceRemoved': {
      const removed = current.sources.find((source) => sourceKey(source) === event.data.sourceKey);
      const dynamicallyRemoved =
        event.data.cause === 'dynamic' && removed?.ruleId
          ? [...withoutRule(current.dynamicallyRemovedRules, removed.ruleId), removed.ruleId]
          : current.dynamicallyRemovedRules;
      return next({
        ...current,
        sources: current.sources.filter((source) => sourceKey(source) !== event.data.sourceKey),
        dueDate: event.data.dueDate,
        dueDatePolicy: event.data.dueDatePolicy,
        dynamicallyRemovedRules: dynamicallyRemoved,
      });
    }
    case 'TrainingUnassigned':
      return next({
        ...current,
        active: false,
        dueOverride: null,
        lastRemoval: { cause: event.data.cause, status: event.data.status },
      });
    case 'DueDateChanged':
      return next({
        ...current,
        dueDate: event.data.dueDate,
        dueDatePolicy: event.data.dueDatePolicy,
        dueOverride: event.data.override,
      });
    case 'ExemptionApplied': {
      const { ruleId, reason, appliedBy, appliedAt, dueDate, dueDatePolicy } = event.data;
      return next({
        ...current,
        dueDate,
        dueDatePolicy,
        sources: current.sources.map((source) =>
          source.ruleId === ruleId ? { ...source, exempt: true, exemption: { reason, appliedBy, appliedAt } } : source,
        ),
      });
    }
    case 'ExemptionRemoved': {
      const { ruleId, renewed, dueDate, dueDatePolicy } = event.data;
      return next({
        ...current,
        dueDate,
        dueDatePolicy,
        dueOverride: null,
        sources: current.sources.map((source) =>
          source.ruleId === ruleId ? { ...renew(source, renewed), exempt: false, exemption: null } : source,
        ),
      });
    }
    case 'CourseStarted':
      return next({
        ...current,
        status: 'inProgress',
        version: event.data.version,
        startedOn: event.data.startedOn,
        progress: current.status === 'expired' ? 0 : current.progress,
      });
    case 'AssignmentVersionChanged':
      return next({ ...current, version: event.data.version });
    case 'ProgressRecorded':
      return next({ ...current, progress: event.data.progress });
    case 'CourseCompleted': {
      const { version, completedOn, score, expiresOn } = event.data;
      return next({
        ...current,
        status: 'completed',
        progress: 100,
        version,
        completedOn,
        score,
        expiresOn,
        completions: [...current.completions, { completedOn, score, version }],
      });
    }
    case 'CompletionExpired': {
      const { renewed, dueDate, dueDatePolicy } = event.data;
      return next({
        ...current,
        status: 'expired',
        dueDate,
        dueDatePolicy,
        dueOverride: null,
        overdueFor: null,
        sources: current.sources.map((source) => {
          const terms = renewed.find((entry) => entry.sourceKey === sourceKey(source));
          return terms ? renew(source, terms) : source;
        }),
      });
    }
    case 'AssignmentOverdue':
      return next({ ...current, overdueFor: event.data.dueDate });
  }
}
