import { CreateCourseSchema } from '../../domain/course/courseCommands';
import type { TrainingEvent } from '../../domain/userTraining/trainingState';
import { assigned, course, due, given, ruleSource } from '../support/trainingSpec';

/** R24 over a 365-day course whose retake is assigned 30 days before the completion expires on 2027-03-01. */
const certified = [course({ validityDays: 365, recertificationWindowDays: 30, version: 2 })];
const started: TrainingEvent = {
  type: 'CourseStarted',
  data: { userId: 'u1', courseId: 'fire-safety', version: 1, startedOn: '2026-01-10' },
};
const completed: TrainingEvent = {
  type: 'CourseCompleted',
  data: {
    userId: 'u1',
    courseId: 'fire-safety',
    version: 1,
    completedOn: '2026-03-01',
    score: 90,
    expiresOn: '2027-03-01',
  },
};
const history = [assigned(ruleSource(), '2026-02-02'), started, completed];
const windowOpened: TrainingEvent = {
  type: 'RecertificationDue',
  data: {
    userId: 'u1',
    courseId: 'fire-safety',
    opensOn: '2027-01-30',
    expiresOn: '2027-03-01',
    renewed: [{ sourceKey: 'r-eng', due: { kind: 'relative', days: 28 }, required: true, anchorDate: '2027-01-30' }],
    ...due('2027-03-01'),
  },
};
const tick = (now: string) => ({ now, courses: certified });

describe('recertification window (R24)', () => {
  test('R24: the day before the window opens nothing happens; on its first day the retake is assigned, due on the expiry date', () => {
    given(history).when({ type: 'RunScheduledTransitions' }, tick('2027-01-29T10:00:00Z')).then([]);
    const when = given(history).when({ type: 'RunScheduledTransitions' }, tick('2027-01-30T10:00:00Z'));
    when.then([windowOpened]);
    expect(when.state().assignments.get('fire-safety')).toMatchObject({
      status: 'completed',
      dueDate: '2027-03-01',
      completedOn: '2026-03-01',
    });
  });

  test('R24: the window opens once, whatever restarts or instances run the scheduler again', () => {
    given([...history, windowOpened])
      .when({ type: 'RunScheduledTransitions' }, tick('2027-02-10T10:00:00Z'))
      .then([]);
  });

  test('R24/R23: an open retake gets reminders, while the completion stays valid and is not overdue', () => {
    given([...history, windowOpened])
      .when(
        { type: 'RunScheduledTransitions' },
        { ...tick('2027-02-22T10:00:00Z'), preferences: { reminderDays: [7, 1] } },
      )
      .then([
        {
          type: 'AssignmentDueSoon',
          data: { userId: 'u1', courseId: 'fire-safety', dueDate: '2027-03-01', daysBefore: 7, daysLeft: 7 },
        },
      ]);
  });

  test('R24: the retake registers on the latest version and its progress leaves the valid completion in place', () => {
    const registered = given([...history, windowOpened]).when(
      { type: 'StartCourse', courseId: 'fire-safety' },
      tick('2027-02-01T10:00:00Z'),
    );
    registered.then([
      { type: 'CourseStarted', data: { userId: 'u1', courseId: 'fire-safety', version: 2, startedOn: '2027-02-01' } },
    ]);
    const progress = given([...history, windowOpened, ...registered.run().events]).when(
      { type: 'RecordProgress', courseId: 'fire-safety', progress: 40 },
      tick('2027-02-02T10:00:00Z'),
    );
    progress.then([{ type: 'ProgressRecorded', data: { userId: 'u1', courseId: 'fire-safety', progress: 40 } }]);
    expect(progress.state().assignments.get('fire-safety')).toMatchObject({
      status: 'completed',
      progress: 100,
      version: 1,
      retake: { startedOn: '2027-02-01', progress: 40, version: 2 },
    });
  });

  test('R24: completing the retake before expiry renews the completion on the retake version, and nothing expires', () => {
    const retaken = given([...history, windowOpened]).when(
      { type: 'CompleteCourse', courseId: 'fire-safety', completedOn: '2027-02-15', score: 80 },
      tick('2027-02-15T10:00:00Z'),
    );
    retaken.then([
      // The registration the completion implies is dated on it, and says so (R26).
      {
        type: 'CourseStarted',
        data: { userId: 'u1', courseId: 'fire-safety', version: 2, startedOn: '2027-02-15', withCompletion: true },
      },
      {
        type: 'CourseCompleted',
        data: {
          userId: 'u1',
          courseId: 'fire-safety',
          version: 2,
          completedOn: '2027-02-15',
          score: 80,
          expiresOn: '2028-02-15',
        },
      },
    ]);
    expect(retaken.state().assignments.get('fire-safety')).toMatchObject({
      status: 'completed',
      expiresOn: '2028-02-15',
      retake: null,
      completions: [
        { completedOn: '2026-03-01', version: 1 },
        { completedOn: '2027-02-15', version: 2 },
      ],
    });
    given([...history, windowOpened, ...retaken.run().events])
      .when({ type: 'RunScheduledTransitions' }, tick('2027-03-02T10:00:00Z'))
      .then([]);
  });

  test('R24: a retake completion dated on or before the completion it renews is refused', () => {
    given([...history, windowOpened])
      .when(
        { type: 'CompleteCourse', courseId: 'fire-safety', completedOn: '2026-03-01' },
        tick('2027-02-15T10:00:00Z'),
      )
      .thenRefused('RULE_VIOLATION', /must come after the completion it renews/);
  });

  test('R24: not retaken by the expiry date, the training becomes Expired, still due on the expiry date, then overdue', () => {
    const expired = given([...history, windowOpened]).when(
      { type: 'RunScheduledTransitions' },
      tick('2027-03-01T10:00:00Z'),
    );
    expired.then([
      {
        type: 'CompletionExpired',
        data: { userId: 'u1', courseId: 'fire-safety', expiredOn: '2027-03-01', renewed: [], ...due('2027-03-01') },
      },
    ]);
    expect(expired.state().assignments.get('fire-safety')).toMatchObject({ status: 'expired', dueDate: '2027-03-01' });
    given([...history, windowOpened, ...expired.run().events])
      .when({ type: 'RunScheduledTransitions' }, tick('2027-03-02T10:00:00Z'))
      .then([{ type: 'AssignmentOverdue', data: { userId: 'u1', courseId: 'fire-safety', dueDate: '2027-03-01' } }]);
  });

  test('R24: a retake under way when the completion expires goes on In Progress with its progress', () => {
    const underWay: TrainingEvent[] = [
      { type: 'CourseStarted', data: { userId: 'u1', courseId: 'fire-safety', version: 2, startedOn: '2027-02-01' } },
      { type: 'ProgressRecorded', data: { userId: 'u1', courseId: 'fire-safety', progress: 60 } },
    ];
    const expired = given([...history, windowOpened, ...underWay]).when(
      { type: 'RunScheduledTransitions' },
      tick('2027-03-01T10:00:00Z'),
    );
    expect(expired.state().assignments.get('fire-safety')).toMatchObject({
      status: 'inProgress',
      progress: 60,
      version: 2,
      startedOn: '2027-02-01',
    });
  });

  test('R24: after downtime past the expiry date, the completion expires with the retake due on the expiry date', () => {
    given(history)
      .when({ type: 'RunScheduledTransitions' }, tick('2027-03-05T10:00:00Z'))
      .then(([event, overdue]) => {
        expect(event).toMatchObject({
          type: 'CompletionExpired',
          data: { expiredOn: '2027-03-01', dueDate: '2027-03-01' },
        });
        expect(overdue).toMatchObject({ type: 'AssignmentOverdue', data: { dueDate: '2027-03-01' } });
      });
  });

  test('R5 unchanged: without a window the retake is assigned only at expiry', () => {
    given(history)
      .when(
        { type: 'RunScheduledTransitions' },
        { now: '2027-02-20T10:00:00Z', courses: [course({ validityDays: 365 })] },
      )
      .then([]);
  });

  test('R24: a window needs validity days and must be shorter than them', () => {
    const base = { courseId: 'c', title: 'C', kind: 'course', provider: 'p', trainingType: 't' };
    expect(CreateCourseSchema.safeParse({ ...base, recertificationWindowDays: 30 }).success).toBe(false);
    expect(CreateCourseSchema.safeParse({ ...base, validityDays: 30, recertificationWindowDays: 30 }).success).toBe(
      false,
    );
    expect(CreateCourseSchema.safeParse({ ...base, validityDays: 365, recertificationWindowDays: 30 }).success).toBe(
      true,
    );
  });
});
