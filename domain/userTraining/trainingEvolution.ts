import { sourceKey } from './assignmentSource';
import { correctionEvolvers, withCorrectionFacts } from './correctionEvolution';
import type { RenewedTerms } from './dueDateTerms';
import { exemptionOf, keepExemptions, keptRemoved } from './exemptionKeeping';
import type { Assignment, SourceState, TrainingEvent, TrainingState } from './trainingState';
import { exemptedSource, freshSource, renew } from './trainingState';

type EventOfType<Type extends TrainingEvent['type']> = Extract<TrainingEvent, { type: Type }>;
/** How one kind of event changes the assignment it concerns (which exists, but for TrainingAssigned). */
type Evolver<Type extends TrainingEvent['type']> = (current: Assignment, event: EventOfType<Type>) => Assignment;

/** Folds a training event onto the user's training: every event concerns one course's assignment. */
export function evolveTraining(state: TrainingState, event: TrainingEvent): TrainingState {
  const next = evolveAssignment(state.assignments.get(event.data.courseId), event);
  return next === undefined ? state : { assignments: copyOf(state.assignments).set(event.data.courseId, next) };
}

/**
 * Folds events in order, as `evolveTraining` one by one would, copying the assignments once rather than once per
 * event: a user's training read from the store is ten events or more, each a copy of every assignment the user holds
 * (issue #19). The state given is left as it was.
 */
export function evolveTrainingAll(state: TrainingState, events: readonly TrainingEvent[]): TrainingState {
  let assignments: Map<string, Assignment> | undefined;
  for (const event of events) {
    const { courseId } = event.data;
    const next = evolveAssignment((assignments ?? state.assignments).get(courseId), event);
    if (next === undefined) continue;
    assignments ??= copyOf(state.assignments);
    assignments.set(courseId, next);
  }
  return assignments === undefined ? state : { assignments };
}

/** The assignment an event leaves; undefined: the event changes nothing (it concerns no assignment the user has). */
function evolveAssignment(current: Assignment | undefined, event: TrainingEvent): Assignment | undefined {
  let next: Assignment;
  if (event.type === 'TrainingAssigned') next = assigned(current, event);
  else if (!current) return undefined;
  else next = (evolvers[event.type] as Evolver<typeof event.type>)(current, event);
  // R6: an exemption stays with the user and rule while dynamic removal has taken the rule's source away.
  next = keepExemptions(current, next, event);
  // R26: what a correction or a revocation of a completion needs; a corrected hire date moves new-starter windows.
  return withCorrectionFacts(current, next, event);
}

/** A copy by forEach: `new Map(map)` iterates entries and builds a [key, value] array for each. */
function copyOf(assignments: ReadonlyMap<string, Assignment>): Map<string, Assignment> {
  const copy = new Map<string, Assignment>();
  assignments.forEach((assignment, courseId) => copy.set(courseId, assignment));
  return copy;
}

/** A new assignment from its first source; completions and dynamic removals of an earlier one stay (R11). */
function assigned(previous: Assignment | undefined, event: EventOfType<'TrainingAssigned'>): Assignment {
  const { courseId, source, version, dueDate, dueDatePolicy } = event.data;
  return {
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
    completions: previous?.completions ?? [],
    dynamicallyRemovedRules: withoutRule(previous?.dynamicallyRemovedRules ?? [], source.ruleId),
    lastRemoval: null,
    overdueFor: null,
  };
}

const evolvers: { [Type in Exclude<TrainingEvent['type'], 'TrainingAssigned'>]: Evolver<Type> } = {
  TrainingReassigned: (current, { data }) => ({
    ...current,
    active: true,
    sources: [freshSource(data.source)],
    status: data.status,
    progress: data.progress,
    version: data.version,
    dueDate: data.dueDate,
    dueDatePolicy: data.dueDatePolicy,
    assignedOn: data.source.assignedOn,
    dueOverride: null,
    dynamicallyRemovedRules: withoutRule(current.dynamicallyRemovedRules, data.source.ruleId),
    lastRemoval: null,
    overdueFor: null,
  }),
  AssignmentSourceAdded: (current, { data }) => ({
    ...current,
    sources: [...current.sources, freshSource(data.source)],
    dueDate: data.dueDate,
    dueDatePolicy: data.dueDatePolicy,
    dynamicallyRemovedRules: withoutRule(current.dynamicallyRemovedRules, data.source.ruleId),
  }),
  AssignmentSourceRemoved: (current, { data }) => {
    const removed = current.sources.find((source) => sourceKey(source) === data.sourceKey);
    // Only a dynamic removal lets the rule bring the training back (R11).
    const dynamicallyRemoved =
      data.cause === 'dynamic' && removed?.ruleId
        ? [...withoutRule(current.dynamicallyRemovedRules, removed.ruleId), removed.ruleId]
        : current.dynamicallyRemovedRules;
    return {
      ...current,
      sources: current.sources.filter((source) => sourceKey(source) !== data.sourceKey),
      dueDate: data.dueDate,
      dueDatePolicy: data.dueDatePolicy,
      dynamicallyRemovedRules: dynamicallyRemoved,
    };
  },
  TrainingUnassigned: (current, { data }) => ({
    ...current,
    active: false,
    dueOverride: null,
    lastRemoval: { cause: data.cause, status: data.status },
  }),
  DueDateChanged: (current, { data }) => ({
    ...current,
    dueDate: data.dueDate,
    dueDatePolicy: data.dueDatePolicy,
    dueOverride: data.override,
  }),
  ExemptionApplied: (current, { data }) => {
    const { ruleId } = data;
    return {
      ...current,
      dueDate: data.dueDate,
      dueDatePolicy: data.dueDatePolicy,
      sources: current.sources.map((source) =>
        source.ruleId === ruleId ? exemptedSource(source, exemptionOf(data)) : source,
      ),
    };
  },
  ExemptionRemoved: (current, { data }) => ({
    ...current,
    dueDate: data.dueDate,
    dueDatePolicy: data.dueDatePolicy,
    dueOverride: null,
    sources: current.sources.map((source) =>
      source.ruleId === data.ruleId ? freshSource(renew(source, data.renewed)) : source,
    ),
  }),
  KeptExemptionRemoved: (current, { data }) => keptRemoved(current, data.ruleId),
  CourseStarted: (current, { data }) => {
    // R24: registering for a retake in the window leaves the valid completion in place.
    if (current.retake && current.status === 'completed')
      return { ...current, retake: { ...current.retake, version: data.version, startedOn: data.startedOn } };
    return startedFresh(current, data);
  },
  AssignmentVersionChanged: (current, { data }) => ({ ...current, version: data.version }),
  ProgressRecorded: (current, { data }) =>
    current.retake && current.status === 'completed'
      ? { ...current, retake: { ...current.retake, progress: data.progress } }
      : { ...current, progress: data.progress },
  CourseCompleted: (current, { data }) => {
    const { version, completedOn, score, expiresOn } = data;
    return {
      ...current,
      status: 'completed',
      progress: 100,
      version,
      completedOn,
      score,
      expiresOn,
      retake: null,
      completions: [...current.completions, { completedOn, score, version }],
    };
  },
  RecertificationDue: (current, { data }) => ({
    ...current,
    dueDate: data.dueDate,
    dueDatePolicy: data.dueDatePolicy,
    dueOverride: null,
    overdueFor: null,
    sources: renewAll(current.sources, data.renewed),
    retake: { opensOn: data.opensOn, dueOn: data.expiresOn, version: null, startedOn: null, progress: 0 },
  }),
  CompletionExpired: (current, { data }) => {
    const { retake } = current;
    // R24: a retake already under way goes on in progress; otherwise the training is Expired and starts afresh.
    const status = retake?.startedOn ? 'inProgress' : 'expired';
    return {
      ...current,
      status,
      ...(retake?.startedOn
        ? { startedOn: retake.startedOn, progress: retake.progress, version: retake.version ?? current.version }
        : {}),
      retake: null,
      dueDate: data.dueDate,
      dueDatePolicy: data.dueDatePolicy,
      dueOverride: null,
      overdueFor: null,
      sources: renewAll(current.sources, data.renewed),
    };
  },
  AssignmentOverdue: (current, { data }) => ({ ...current, overdueFor: data.dueDate }),
  AssignmentDueSoon: (current, { data }) => ({
    ...current,
    remindedFor: { dueDate: data.dueDate, daysBefore: data.daysBefore },
  }),
  ...correctionEvolvers,
};

function startedFresh(current: Assignment, data: EventOfType<'CourseStarted'>['data']): Assignment {
  return {
    ...current,
    status: 'inProgress',
    version: data.version,
    startedOn: data.startedOn,
    // A retake after expiry starts again from nothing.
    progress: current.status === 'expired' ? 0 : current.progress,
  };
}

/** Rule sources take the terms renewed at a reset (R5, R9, R24); the others keep theirs. */
function renewAll(sources: SourceState[], renewed: readonly RenewedTerms[]): SourceState[] {
  return sources.map((source) => {
    const terms = renewed.find((entry) => entry.sourceKey === sourceKey(source));
    return terms ? renew(source, terms) : source;
  });
}

const withoutRule = (rules: string[], ruleId: string | null) =>
  ruleId === null ? rules : rules.filter((rule) => rule !== ruleId);
