/** R5, R13: registration, progress and completion. */
import { refuseFutureCompletion } from '../policies/completionDatePolicy';
import { expiryDate } from '../policies/validityPolicy';
import { versionOnRegistration } from '../policies/versionPolicy';
import { ruleViolation } from '../shared/domainError';
import type { CalendarDate } from '../shared/primitives';
import { requireCourse, requireWorkable, titleOf } from './assignmentChecks';
import type { TrainingCommand, TrainingContext, TrainingDecision } from './trainingDecision';
import { trainingDecision as decision } from './trainingDecision';
import type { Assignment, TrainingEvent, TrainingState } from './trainingState';

export function start(courseId: string, state: TrainingState, context: TrainingContext): TrainingDecision {
  const current = requireWorkable(state, courseId, context);
  if (current.status === 'inProgress' || current.retake?.startedOn)
    return decision([], 'unchanged', `${courseId} is already in progress for ${context.userId}`);
  if (current.status === 'completed' && current.retake) {
    const events = retakeRegistration(current, context);
    return decision(
      events,
      'changed',
      `${context.userId} registered for the retake of ${titleOf(courseId, context)}, v${versionAfter(events, current.version)}; the completion stays valid until it expires on ${current.expiresOn}`,
    );
  }
  if (current.status === 'completed') {
    throw ruleViolation(
      `${context.userId} completed ${courseId} on ${current.completedOn}; it can be retaken once it expires`,
      { courseId },
      'R5',
    );
  }
  const events = registration(current, context);
  return decision(
    events,
    'changed',
    `${context.userId} registered for ${titleOf(courseId, context)}, v${versionAfter(events, current.version)}`,
  );
}

/**
 * StartCourse is registration: R13 moves a user who had not registered to the latest version. A registration a
 * completion implies is dated on the completion (R26: a back-dated completion never reads as started after it).
 */
function registration(current: Assignment, context: TrainingContext, completedOn?: CalendarDate): TrainingEvent[] {
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
    data: { userId: context.userId, courseId: current.courseId, version, ...registeredOn(context, completedOn) },
  });
  return events;
}

/** R24: registering for a retake in the window takes the latest version, as a retake after expiry does (R13). */
function retakeRegistration(
  current: Assignment,
  context: TrainingContext,
  completedOn?: CalendarDate,
): TrainingEvent[] {
  const course = requireCourse(current.courseId, context);
  const { userId } = context;
  const on = registeredOn(context, completedOn);
  return [{ type: 'CourseStarted', data: { userId, courseId: current.courseId, version: course.version, ...on } }];
}

/** Today, or the date of the completion that implies the registration (marked so). */
const registeredOn = (context: TrainingContext, completedOn: CalendarDate | undefined) =>
  completedOn === undefined ? { startedOn: context.today } : { startedOn: completedOn, withCompletion: true as const };

/** The registration a piece of progress implies: none when under way, the retake's in an open window (R24). */
function registrationFor(current: Assignment, context: TrainingContext, completedOn?: CalendarDate): TrainingEvent[] {
  if (current.status === 'inProgress' || current.retake?.startedOn) return [];
  return current.retake && current.status === 'completed'
    ? retakeRegistration(current, context, completedOn)
    : registration(current, context, completedOn);
}

function versionAfter(events: TrainingEvent[], fallback: number): number {
  const started = events.find((event) => event.type === 'CourseStarted');
  return started?.type === 'CourseStarted' ? started.data.version : fallback;
}

export function recordProgress(
  command: Extract<TrainingCommand, { type: 'RecordProgress' }>,
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const current = requireWorkable(state, command.courseId, context);
  if (current.status === 'completed' && !current.retake)
    throw ruleViolation(
      `${context.userId} already completed ${command.courseId}; progress is recorded on unfinished training`,
      { courseId: command.courseId },
      'R5',
    );
  const events = registrationFor(current, context);
  const progressNow = current.retake ? current.retake.progress : current.progress;
  if (events.length === 0 && progressNow === command.progress)
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

export function complete(
  command: Extract<TrainingCommand, { type: 'CompleteCourse' }>,
  state: TrainingState,
  context: TrainingContext,
): TrainingDecision {
  const current = requireWorkable(state, command.courseId, context);
  if (current.status === 'completed' && !current.retake)
    throw ruleViolation(
      `${context.userId} already completed ${command.courseId} on ${current.completedOn}`,
      { courseId: command.courseId },
      'R5',
    );
  const completedOn = command.completedOn ?? context.today;
  if (current.retake && current.completedOn !== null && completedOn <= current.completedOn)
    throw ruleViolation(
      `the retake's completion date ${completedOn} must come after the completion it renews (${current.completedOn})`,
      { completedOn },
    );
  refuseFutureCompletion(completedOn, context);
  const course = requireCourse(command.courseId, context);
  const events = registrationFor(current, context, completedOn);
  const version = versionAfter(events, current.retake?.version ?? current.version);
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
    `${context.userId} completed ${course.title} v${version} on ${completedOn}${command.score === undefined ? '' : ` with score ${command.score}`}${expiresOn ? `; the completion expires on ${expiresOn}` : ''}`,
  );
}
