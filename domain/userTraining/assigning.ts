/** R1, R2, R11, R13, R14, R18: giving a user a course, individually or through a rule. */
import type { ExistingCourse } from '../course/courseDecider';
import { statusWords, versionForNewAssignment, versionOnReassignment } from '../policies/versionPolicy';
import { requireCourse } from './assignmentChecks';
import type { AssignmentSource } from './assignmentSource';
import { sourceLabel } from './assignmentSource';
import { dueAfter, dueText, effective, pastDueWarnings } from './dueDateTerms';
import { withKeptExemption } from './exemptionLifecycle';
import type { RuleFacts, TrainingCommand, TrainingContext, TrainingDecision } from './trainingDecision';
import { trainingDecision as decision } from './trainingDecision';
import type { Assignment, TrainingEvent, TrainingState } from './trainingState';
import { freshSource } from './trainingState';

export function assignIndividually(
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
  const current = state.assignments.get(command.courseId);
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

export function applyRule(rule: RuleFacts, state: TrainingState, context: TrainingContext): TrainingDecision {
  // R6: an exemption kept for the rule since dynamic removal took its source away comes back with the source.
  return withKeptExemption(ruleDecision(rule, state, context), state, rule.ruleId, rule.courseId, context);
}

function ruleDecision(rule: RuleFacts, state: TrainingState, context: TrainingContext): TrainingDecision {
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
  const current = state.assignments.get(rule.courseId);
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
        `${course.title} is not reassigned to ${context.userId}: an admin removed it, and only training taken away because the user stopped matching a rule comes back`,
      );
    }
    if (!rule.dynamicReassignment) {
      return decision(
        [],
        'skipped',
        `${course.title} is not reassigned to ${context.userId}: dynamic reassignment is off for ${label}`,
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
  // R13: progress made on one version is never shown on another: a new version starts at 0 %.
  const moved = versionDecision.version !== current.version;
  const progress = moved ? 0 : current.progress;
  const progressNote =
    moved && current.progress > 0
      ? `; the ${current.progress}% made on v${current.version} stays in history, v${versionDecision.version} starts at 0%`
      : '';
  const event: TrainingEvent = {
    type: 'TrainingReassigned',
    data: {
      userId: context.userId,
      courseId: current.courseId,
      source,
      status,
      progress,
      version: versionDecision.version,
      previousVersion: current.version,
      versionReason: `${versionDecision.reason}${progressNote}`,
      ...effective(dueDate, context),
    },
  };
  return decision(
    [event],
    'reassigned',
    `${course.title} assigned again to ${context.userId} via ${sourceLabel(source)}, back ${statusWords[status]} on v${versionDecision.version} (${versionDecision.reason})${dueText(dueDate)}`,
    pastDueWarnings(dueDate, context),
  );
}

function addSource(
  current: Assignment,
  source: AssignmentSource,
  context: TrainingContext,
  title: string,
): TrainingDecision {
  const sources = [...current.sources, freshSource(source)];
  const dueDate = dueAfter(sources, current.dueOverride, context.preferences.dueDatePolicy);
  const event: TrainingEvent = {
    type: 'AssignmentSourceAdded',
    data: { userId: context.userId, courseId: current.courseId, source, ...effective(dueDate, context) },
  };
  const heldVia = current.sources.map(sourceLabel).join(', ');
  return decision(
    [event],
    'sourceAdded',
    `${context.userId} already holds ${title} via ${heldVia}: ${sourceLabel(source)} is added as a further source of the same assignment${dueText(dueDate)}`,
  );
}
