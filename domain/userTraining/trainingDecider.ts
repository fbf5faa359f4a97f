import type { ExistingCourse } from '../course/courseDecider';
import type { AssignmentPreferences, DueDatePolicy } from '../portal/portalEvents';
import { explainDueDate } from '../policies/dueDatePolicy';
import { expiryDate, hasLapsed } from '../policies/validityPolicy';
import { versionForNewAssignment, versionOnReassignment, versionOnRegistration } from '../policies/versionPolicy';
import { isPast } from '../shared/calendar';
import { DomainError, notFound, ruleViolation } from '../shared/domainError';
import type { DueRule } from '../shared/dueRule';
import type { CalendarDate, Instant } from '../shared/primitives';
import type { AssignmentSource } from './assignmentSource';
import { sourceKey, sourceLabel } from './assignmentSource';
import type { ExemptionTick } from './trainingCommands';
import type { RemovalCause } from './trainingEvents';
import type { Assignment, SourceState, TrainingEvent, TrainingState } from './trainingState';
import { evolveTraining, isVisible, renew } from './trainingState';

/** The facts of an assignment rule that a user's training needs when the rule reaches them. */
export interface RuleFacts {
  ruleId: string;
  courseId: string;
  kind: 'group' | 'mandatory' | 'newStarter';
  groupId: string | null;
  groupName: string | null;
  due: DueRule;
  required: boolean;
  dynamic: boolean;
  dynamicReassignment: boolean;
  upgradeToLatestVersion: boolean;
}

/** Per-user commands: the public ones addressed to one user, and those the reactors derive from rules (R10, R11, R18, R19). */
export type TrainingCommand =
  | { type: 'AssignIndividually'; courseId: string; dueDate: CalendarDate | null; required: boolean }
  | { type: 'ApplyRule'; rule: RuleFacts }
  | { type: 'WithdrawRule'; ruleId: string; courseId: string; cause: Exclude<RemovalCause, 'admin'> }
  | { type: 'UnassignCourse'; courseId: string }
  | { type: 'ChangeDueDate'; courseId: string; dueDate: CalendarDate | null }
  | { type: 'ExemptUser'; courseId: string; ruleId?: string | undefined; reason: string }
  | { type: 'RemoveExemption'; courseId: string; ruleId?: string | undefined }
  | { type: 'SaveExemptions'; exemptions: ExemptionTick[] }
  | { type: 'StartCourse'; courseId: string }
  | { type: 'RecordProgress'; courseId: string; progress: number }
  | { type: 'CompleteCourse'; courseId: string; completedOn?: CalendarDate | undefined; score?: number | undefined }
  | { type: 'RunScheduledTransitions' };

export interface TrainingContext {
  userId: string;
  now: Instant;
  /** Today in the user's time zone (the portal's when the user has none). */
  today: CalendarDate;
  timeZone: string;
  hireDate: CalendarDate;
  actorId: string;
  preferences: AssignmentPreferences;
  course(courseId: string): ExistingCourse | undefined;
  /** A rule's current terms: resets (R5, R9) take them, so a changed rule applies from the next reset on. */
  rule(ruleId: string): { due: DueRule; required: boolean } | undefined;
}

export type Outcome = 'assigned' | 'reassigned' | 'sourceAdded' | 'unchanged' | 'skipped' | 'changed' | 'removed';

/** The events, plus what the reply tells the caller: R1, R4 and R8 make the message part of the rule. */
export interface TrainingDecision {
  events: TrainingEvent[];
  outcome: Outcome;
  message: string;
  warnings: string[];
  /** Labels of the sources that already held the assignment (R1). */
  heldVia?: string[];
}

const decision = (
  events: TrainingEvent[],
  outcome: Outcome,
  message: string,
  warnings: string[] = [],
): TrainingDecision => ({ events, outcome, message, warnings });

export function decideTraining(
  command: TrainingCommand,
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
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
  }
}

// --- assigning -------------------------------------------------------------------------------

function assignIndividually(
  command: Extract<TrainingCommand, { type: 'AssignIndividually' }>,
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const course = requireCourse(command.courseId, context);
  const source: AssignmentSource = {
    kind: 'individual',
    ruleId: null,
    groupId: null,
    groupName: null,
    due: command.dueDate === null ? { kind: 'none' } : { kind: 'fixed', date: command.dueDate },
    anchorDate: context.today,
    assignedOn: context.today,
    assignedBy: context.actorId,
    required: command.required,
    dynamic: false,
    dynamicReassignment: false,
    upgradeToLatestVersion: false,
  };
  const current = state.assignments[command.courseId];
  if (current?.active) {
    const heldVia = current.sources.map(sourceLabel);
    if (current.sources.some((held) => held.kind === 'individual')) {
      return {
        ...decision(
          [],
          'unchanged',
          `${context.userId} already holds ${course.title} individually; use ChangeDueDate to change its due date`,
        ),
        heldVia,
      };
    }
    return { ...addSource(current, source, context, `${course.title}`), heldVia };
  }
  return newAssignment(command.courseId, course, source, context);
}

function applyRule(rule: RuleFacts, state: TrainingState, context: TrainingContext): TrainingDecision {
  const course = requireCourse(rule.courseId, context);
  const source: AssignmentSource = {
    kind: rule.kind,
    ruleId: rule.ruleId,
    groupId: rule.groupId,
    groupName: rule.groupName,
    due: rule.due,
    // R18: a new starter's window counts from the hire date.
    anchorDate: rule.kind === 'newStarter' ? context.hireDate : context.today,
    assignedOn: context.today,
    assignedBy: context.actorId,
    required: rule.required,
    dynamic: rule.dynamic,
    dynamicReassignment: rule.dynamicReassignment,
    upgradeToLatestVersion: rule.upgradeToLatestVersion,
  };
  const label = sourceLabel(source);
  const current = state.assignments[rule.courseId];
  if (current?.active) {
    if (current.sources.some((held) => held.ruleId === rule.ruleId))
      return decision([], 'unchanged', `${context.userId} already holds ${course.title} via ${label}`);
    return { ...addSource(current, source, context, course.title), heldVia: current.sources.map(sourceLabel) };
  }
  if (current && current.dynamicallyRemovedRules.includes(rule.ruleId)) {
    if (current.lastRemoval?.cause === 'admin') {
      return decision(
        [],
        'skipped',
        `${course.title} is not reassigned to ${context.userId}: an admin removed it, and only training taken away by dynamic removal comes back (R11)`,
      );
    }
    if (!rule.dynamicReassignment) {
      return decision(
        [],
        'skipped',
        `${course.title} is not reassigned to ${context.userId}: dynamic reassignment is off for ${label} (R11)`,
      );
    }
    return reassign(current, course, source, context);
  }
  return newAssignment(rule.courseId, course, source, context);
}

function newAssignment(
  courseId: string,
  course: ExistingCourse,
  source: AssignmentSource,
  context: TrainingContext,
): TrainingDecision {
  const { version } = versionForNewAssignment(course.version);
  const dueDate = dueAfter([{ ...source, exempt: false, exemption: null }], null, context.preferences.dueDatePolicy);
  const event: TrainingEvent = {
    type: 'TrainingAssigned',
    data: {
      userId: context.userId,
      courseId,
      source,
      version,
      ...effective(dueDate, context),
      notify: context.preferences.notifyOnAssign,
    },
  };
  return decision(
    [event],
    'assigned',
    `${course.title} v${version} assigned to ${context.userId} via ${sourceLabel(source)}${dueText(dueDate)}`,
    pastDueWarnings(dueDate, context),
  );
}

/** R11 brings back the status and progress the training had; R14 decides the version. */
function reassign(
  current: Assignment,
  course: ExistingCourse,
  source: AssignmentSource,
  context: TrainingContext,
): TrainingDecision {
  const status = current.lastRemoval?.status ?? current.status;
  const versionDecision = versionOnReassignment({
    versioning: course.versioning,
    upgradeToLatestVersion: source.upgradeToLatestVersion,
    statusAtRemoval: status,
    current: current.version,
    latest: course.version,
  });
  const dueDate = dueAfter([{ ...source, exempt: false, exemption: null }], null, context.preferences.dueDatePolicy);
  const event: TrainingEvent = {
    type: 'TrainingReassigned',
    data: {
      userId: context.userId,
      courseId: current.courseId,
      source,
      status,
      progress: current.progress,
      version: versionDecision.version,
      previousVersion: current.version,
      versionReason: versionDecision.reason,
      ...effective(dueDate, context),
    },
  };
  return decision(
    [event],
    'reassigned',
    `${course.title} reassigned to ${context.userId} via ${sourceLabel(source)} in status ${status}, v${versionDecision.version} (${versionDecision.reason})${dueText(dueDate)}`,
    pastDueWarnings(dueDate, context),
  );
}

function addSource(
  current: Assignment,
  source: AssignmentSource,
  context: TrainingContext,
  title: string,
): TrainingDecision {
  const sources = [...current.sources, { ...source, exempt: false, exemption: null }];
  const dueDate = dueAfter(sources, current.dueOverride, context.preferences.dueDatePolicy);
  const event: TrainingEvent = {
    type: 'AssignmentSourceAdded',
    data: { userId: context.userId, courseId: current.courseId, source, ...effective(dueDate, context) },
  };
  const heldVia = current.sources.map(sourceLabel).join(', ');
  return decision(
    [event],
    'sourceAdded',
    `${context.userId} already holds ${title} via ${heldVia}: added ${sourceLabel(source)} as a further source, no second assignment (R1)${dueText(dueDate)}`,
  );
}

// --- removing --------------------------------------------------------------------------------

function withdrawRule(
  command: Extract<TrainingCommand, { type: 'WithdrawRule' }>,
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const current = state.assignments[command.courseId];
  const source = current?.active ? current.sources.find((held) => held.ruleId === command.ruleId) : undefined;
  if (!current || !source)
    return decision([], 'unchanged', `${context.userId} holds nothing from rule ${command.ruleId}`);
  return removeSource(current, source, command.cause, context);
}

function removeSource(
  current: Assignment,
  source: SourceState,
  cause: RemovalCause,
  context: TrainingContext,
): TrainingDecision {
  const remaining = current.sources.filter((held) => held !== source);
  const dueDate =
    remaining.length === 0 ? null : dueAfter(remaining, current.dueOverride, context.preferences.dueDatePolicy);
  const events: TrainingEvent[] = [
    {
      type: 'AssignmentSourceRemoved',
      data: {
        userId: context.userId,
        courseId: current.courseId,
        sourceKey: sourceKey(source),
        cause,
        remainingSources: remaining.length,
        ...effective(dueDate, context),
      },
    },
  ];
  if (remaining.length === 0) {
    events.push({
      type: 'TrainingUnassigned',
      data: { userId: context.userId, courseId: current.courseId, cause, status: current.status },
    });
    return decision(
      events,
      'removed',
      `${sourceLabel(source)} removed: ${titleOf(current.courseId, context)} is no longer assigned to ${context.userId}; its history stays`,
    );
  }
  return decision(
    events,
    'changed',
    `${sourceLabel(source)} removed; ${titleOf(current.courseId, context)} stays assigned to ${context.userId} via ${remaining.map(sourceLabel).join(', ')}`,
  );
}

/** R4: why a rule source keeps an assignment, and what the admin can do about it. */
export function whyItStays(source: Pick<AssignmentSource, 'kind' | 'groupName'>): string {
  switch (source.kind) {
    case 'group':
      return `assigned via Group: ${source.groupName ?? '?'}: remove the user from the group or change the group's assignment`;
    case 'mandatory':
      return 'the course is mandatory';
    case 'newStarter':
      return 'assigned by Default for New Starters: exempt the user or change that assignment';
    case 'individual':
      return 'assigned individually';
  }
}

function unassign(courseId: string, state: TrainingState, context: TrainingContext): TrainingDecision {
  const current = requireActive(state, courseId, context);
  const individual = current.sources.find((source) => source.kind === 'individual');
  const others = current.sources.filter((source) => source.kind !== 'individual');
  if (!individual) {
    throw ruleViolation(`cannot remove ${courseId} from ${context.userId}: ${others.map(whyItStays).join('; ')}`, {
      sources: others.map(sourceLabel),
    });
  }
  const removal = removeSource(current, individual, 'admin', context);
  if (others.length === 0) return removal;
  return {
    ...removal,
    message: `Individual assignment removed; ${titleOf(courseId, context)} stays because ${others.map(whyItStays).join('; ')}`,
  };
}

// --- due dates and exemptions ------------------------------------------------------------------

function changeDueDate(
  command: Extract<TrainingCommand, { type: 'ChangeDueDate' }>,
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const current = requireActive(state, command.courseId, context);
  const dueDate = dueAfter(current.sources, command.dueDate, context.preferences.dueDatePolicy);
  if (dueDate === current.dueDate && command.dueDate === current.dueOverride)
    return decision([], 'unchanged', `${command.courseId} is already due ${dueDate ?? 'never'}`);
  const event: TrainingEvent = {
    type: 'DueDateChanged',
    data: {
      userId: context.userId,
      courseId: command.courseId,
      ...effective(dueDate, context),
      previousDueDate: current.dueDate,
      override: command.dueDate,
    },
  };
  const how =
    command.dueDate === null
      ? 'the override is removed and the due-date policy applies again'
      : 'this override holds until the next reset';
  return decision(
    [event],
    'changed',
    `${titleOf(command.courseId, context)} for ${context.userId} is now due ${dueDate ?? 'never'}: ${how}`,
    pastDueWarnings(dueDate, context),
  );
}

function exempt(
  command: { courseId: string; ruleId?: string | undefined; reason: string },
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const current = requireActive(state, command.courseId, context);
  const ruleSources = current.sources.filter((source) => source.ruleId !== null);
  if (command.ruleId === undefined && ruleSources.length === 0) {
    throw ruleViolation(
      `${command.courseId} is assigned to ${context.userId} individually, and an individual assignment cannot be exempted (R6): remove it with UnassignCourse`,
      {
        courseId: command.courseId,
      },
    );
  }
  const targets = command.ruleId === undefined ? ruleSources : [requireRuleSource(current, command.ruleId, context)];
  const pending = targets.filter((source) => !source.exempt);
  if (pending.length === 0) {
    const first = targets[0];
    return decision(
      [],
      'unchanged',
      `${command.courseId} is already exempt for ${context.userId}${first?.exemption ? ` (since ${first.exemption.appliedAt} by ${first.exemption.appliedBy})` : ''}`,
    );
  }
  const events: TrainingEvent[] = [];
  let sources = current.sources;
  for (const target of pending) {
    sources = sources.map((source) => (source === target ? { ...source, exempt: true } : source));
    const dueDate = dueAfter(sources, current.dueOverride, context.preferences.dueDatePolicy);
    events.push({
      type: 'ExemptionApplied',
      data: {
        userId: context.userId,
        courseId: command.courseId,
        ruleId: target.ruleId as string,
        reason: command.reason,
        appliedBy: context.actorId,
        appliedAt: context.now,
        ...effective(dueDate, context),
        visible: sources.some((source) => !source.exempt),
      },
    });
  }
  const visible = sources.some((source) => !source.exempt);
  const warnings = visible
    ? sources
        .filter((source) => !source.exempt)
        .map((source) => `${sourceLabel(source)} still assigns ${command.courseId}: it stays on the dashboard`)
    : [];
  return decision(
    events,
    'changed',
    `${context.userId} exempted from ${titleOf(command.courseId, context)} (${pending.map(sourceLabel).join(', ')}): ${command.reason}`,
    warnings,
  );
}

function removeExemption(
  command: { courseId: string; ruleId?: string | undefined },
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const current = requireActive(state, command.courseId, context);
  const targets =
    command.ruleId === undefined
      ? current.sources.filter((source) => source.exempt)
      : [requireRuleSource(current, command.ruleId, context)].filter((source) => source.exempt);
  if (targets.length === 0)
    return decision(
      [],
      'unchanged',
      `${context.userId} is not exempt from ${command.courseId}${command.ruleId ? ` via rule ${command.ruleId}` : ''}; nothing changed`,
    );
  const events: TrainingEvent[] = [];
  let sources = current.sources;
  for (const target of targets) {
    // R9: the source takes its rule's terms again and its window restarts today; a fixed date stays fixed; an admin override ends here.
    const renewed = renewedTerms(target, context.today, context);
    sources = sources.map((source) =>
      source === target ? { ...renew(source, renewed), exempt: false, exemption: null } : source,
    );
    const dueDate = dueAfter(sources, null, context.preferences.dueDatePolicy);
    events.push({
      type: 'ExemptionRemoved',
      data: {
        userId: context.userId,
        courseId: command.courseId,
        ruleId: target.ruleId as string,
        removedBy: context.actorId,
        removedAt: context.now,
        renewed,
        ...effective(dueDate, context),
        visible: true,
      },
    });
  }
  const dueDate = dueAfter(sources, null, context.preferences.dueDatePolicy);
  return decision(
    events,
    'changed',
    `${titleOf(command.courseId, context)} reinstated for ${context.userId}${dueText(dueDate)}`,
    pastDueWarnings(dueDate, context),
  );
}

/** R8: a whole set of ticks and unticks for one user, applied together or not at all. */
function saveExemptions(ticks: ExemptionTick[], state: TrainingState, context: TrainingContext): TrainingDecision {
  let working = state;
  const events: TrainingEvent[] = [];
  const changes: string[] = [];
  const warnings: string[] = [];
  for (const tick of ticks) {
    const step = tick.exempted
      ? exempt({ courseId: tick.courseId, ruleId: tick.ruleId, reason: tick.reason as string }, working, context)
      : removeExemption({ courseId: tick.courseId, ruleId: tick.ruleId }, working, context);
    if (step.events.length === 0) continue;
    const title = context.course(tick.courseId)?.title ?? tick.courseId;
    for (const event of step.events) {
      working = evolveTraining(working, event);
      events.push(event);
    }
    const due = working.assignments[tick.courseId]?.dueDate ?? null;
    changes.push(tick.exempted ? `exempted from ${title}` : `reinstated ${title}${dueText(due)}`);
    warnings.push(...step.warnings);
  }
  if (events.length === 0) return decision([], 'unchanged', 'Exemptions saved: nothing changed');
  return decision(events, 'changed', `Exemptions saved for ${context.userId}: ${changes.join('; ')}`, warnings);
}

// --- progress ----------------------------------------------------------------------------------

function start(courseId: string, state: TrainingState, context: TrainingContext): TrainingDecision {
  const current = requireWorkable(state, courseId, context);
  if (current.status === 'inProgress')
    return decision([], 'unchanged', `${courseId} is already in progress for ${context.userId}`);
  if (current.status === 'completed') {
    throw ruleViolation(
      `${context.userId} completed ${courseId} on ${current.completedOn}; it can be retaken once it expires`,
      { courseId },
    );
  }
  const events = registration(current, context);
  return decision(
    events,
    'changed',
    `${context.userId} registered for ${titleOf(courseId, context)}, v${versionAfter(events, current.version)}`,
  );
}

/** StartCourse is registration: R13 moves a user who had not registered to the latest version. */
function registration(current: Assignment, context: TrainingContext): TrainingEvent[] {
  const course = requireCourse(current.courseId, context);
  const { version, reason } = versionOnRegistration(current.status, current.version, course.version);
  const events: TrainingEvent[] = [];
  if (version !== current.version) {
    events.push({
      type: 'AssignmentVersionChanged',
      data: { userId: context.userId, courseId: current.courseId, version, previousVersion: current.version, reason },
    });
  }
  events.push({
    type: 'CourseStarted',
    data: { userId: context.userId, courseId: current.courseId, version, startedOn: context.today },
  });
  return events;
}

function versionAfter(events: TrainingEvent[], fallback: number): number {
  const started = events.find((event) => event.type === 'CourseStarted');
  return started?.type === 'CourseStarted' ? started.data.version : fallback;
}

function recordProgress(
  command: Extract<TrainingCommand, { type: 'RecordProgress' }>,
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const current = requireWorkable(state, command.courseId, context);
  if (current.status === 'completed')
    throw ruleViolation(
      `${context.userId} already completed ${command.courseId}; progress is recorded on unfinished training`,
      { courseId: command.courseId },
    );
  const events = current.status === 'inProgress' ? [] : registration(current, context);
  if (current.status === 'inProgress' && current.progress === command.progress)
    return decision([], 'unchanged', `progress on ${command.courseId} is already ${command.progress}%`);
  events.push({
    type: 'ProgressRecorded',
    data: { userId: context.userId, courseId: command.courseId, progress: command.progress },
  });
  return decision(
    events,
    'changed',
    `${context.userId} is ${command.progress}% through ${titleOf(command.courseId, context)}`,
  );
}

function complete(
  command: Extract<TrainingCommand, { type: 'CompleteCourse' }>,
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const current = requireWorkable(state, command.courseId, context);
  if (current.status === 'completed')
    throw ruleViolation(`${context.userId} already completed ${command.courseId} on ${current.completedOn}`, {
      courseId: command.courseId,
    });
  const completedOn = command.completedOn ?? context.today;
  if (completedOn > context.today)
    throw ruleViolation(
      `completedOn ${completedOn} is in the future for ${context.userId} (today is ${context.today} in ${context.timeZone})`,
      { completedOn },
    );
  const course = requireCourse(command.courseId, context);
  const events = current.status === 'inProgress' ? [] : registration(current, context);
  const version = versionAfter(events, current.version);
  const expiresOn = expiryDate(completedOn, course.validityDays);
  events.push({
    type: 'CourseCompleted',
    data: {
      userId: context.userId,
      courseId: command.courseId,
      version,
      completedOn,
      score: command.score ?? null,
      expiresOn,
    },
  });
  return decision(
    events,
    'changed',
    `${context.userId} completed ${course.title} v${version} on ${completedOn}${command.score === undefined ? '' : ` with score ${command.score}`}${expiresOn ? `; valid until ${expiresOn}` : ''}`,
  );
}

// --- scheduled transitions -----------------------------------------------------------------------

/** R5 expiry and R22 overdue notices, for every active assignment of the user. */
function runScheduledTransitions(state: TrainingState, context: TrainingContext): TrainingDecision {
  const events: TrainingEvent[] = [];
  for (const original of Object.values(state.assignments)) {
    if (!original.active) continue;
    let current = original;
    if (current.status === 'completed' && hasLapsed(current.expiresOn, context.today)) {
      const expiredOn = current.expiresOn as CalendarDate;
      // R5: the retake is due on the expiry date plus the source's relative window, on the rule's current terms.
      const renewed = current.sources.map((source) => renewedTerms(source, expiredOn, context));
      const sources = current.sources.map((source, i) => renew(source, renewed[i] as RenewedTerms));
      const dueDate = dueAfter(sources, null, context.preferences.dueDatePolicy);
      const event: TrainingEvent = {
        type: 'CompletionExpired',
        data: {
          userId: context.userId,
          courseId: current.courseId,
          expiredOn,
          renewed,
          ...effective(dueDate, context),
        },
      };
      events.push(event);
      current = evolveTraining({ assignments: { [current.courseId]: current } }, event).assignments[
        current.courseId
      ] as Assignment;
    }
    if (
      isVisible(current) &&
      current.status !== 'completed' &&
      current.dueDate !== null &&
      current.overdueFor !== current.dueDate &&
      isPast(current.dueDate, context.now, context.timeZone)
    ) {
      events.push({
        type: 'AssignmentOverdue',
        data: { userId: context.userId, courseId: current.courseId, dueDate: current.dueDate },
      });
    }
  }
  const expired = events.filter((event) => event.type === 'CompletionExpired').length;
  const overdue = events.length - expired;
  return decision(
    events,
    events.length ? 'changed' : 'unchanged',
    `${context.userId}: ${expired} expired, ${overdue} newly overdue`,
  );
}

// --- helpers -----------------------------------------------------------------------------------

function dueAfter(
  sources: readonly SourceState[],
  override: CalendarDate | null,
  policy: DueDatePolicy,
): CalendarDate | null {
  return explainDueDate(sources, override, policy).dueDate;
}

/** The effective due date an event carries, with the policy that chose it (R3). */
function effective(dueDate: CalendarDate | null, context: TrainingContext) {
  return { dueDate, dueDatePolicy: context.preferences.dueDatePolicy };
}

type RenewedTerms = { sourceKey: string; due: DueRule; required: boolean; anchorDate: CalendarDate };

/** A source's terms at a reset: its rule's current due rule and required flag, its window restarting on `anchorDate`. */
function renewedTerms(source: AssignmentSource, anchorDate: CalendarDate, context: TrainingContext): RenewedTerms {
  const rule = source.ruleId === null ? undefined : context.rule(source.ruleId);
  return {
    sourceKey: sourceKey(source),
    due: rule?.due ?? source.due,
    required: rule?.required ?? source.required,
    anchorDate,
  };
}

const dueText = (dueDate: CalendarDate | null) => (dueDate ? `, due ${dueDate}` : ', no due date');

function pastDueWarnings(dueDate: CalendarDate | null, context: TrainingContext): string[] {
  return dueDate !== null && dueDate < context.today
    ? [`the due date ${dueDate} has already passed (today is ${context.today}): the assignment is overdue`]
    : [];
}

const titleOf = (courseId: string, context: TrainingContext): string => context.course(courseId)?.title ?? courseId;

function requireCourse(courseId: string, context: TrainingContext): ExistingCourse {
  const course = context.course(courseId);
  if (!course) throw notFound(`course ${courseId} does not exist: check the id`, { courseId });
  return course;
}

function requireActive(state: TrainingState, courseId: string, context: TrainingContext): Assignment {
  const current = state.assignments[courseId];
  if (!current?.active)
    throw notFound(`${context.userId} has no assignment of ${courseId}`, { userId: context.userId, courseId });
  return current;
}

/** Progress needs an assignment the learner can see: an exempted one is off their dashboard (R6). */
function requireWorkable(state: TrainingState, courseId: string, context: TrainingContext): Assignment {
  const current = requireActive(state, courseId, context);
  if (!isVisible(current))
    throw ruleViolation(
      `${context.userId} is exempt from ${courseId}: remove the exemption before recording progress`,
      { courseId },
    );
  return current;
}

function requireRuleSource(current: Assignment, ruleId: string, context: TrainingContext): SourceState {
  const source = current.sources.find((held) => held.ruleId === ruleId);
  if (!source) {
    throw new DomainError(
      'NOT_FOUND',
      `${context.userId} does not hold ${current.courseId} via rule ${ruleId}; it is held via ${current.sources.map(sourceLabel).join(', ')}`,
      {
        courseId: current.courseId,
        ruleId,
      },
    );
  }
  return source;
}
