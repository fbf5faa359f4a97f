import type { TrainingEvent } from '../../domain/userTraining/trainingState';
import { assigned, course, due, given, ruleSource } from '../support/trainingSpec';

const started: TrainingEvent = {
  type: 'CourseStarted',
  data: { userId: 'u1', courseId: 'fire-safety', version: 1, startedOn: '2026-01-10' },
};
const completed = (completedOn: string, expiresOn: string | null): TrainingEvent => ({
  type: 'CourseCompleted',
  data: { userId: 'u1', courseId: 'fire-safety', version: 1, completedOn, score: 90, expiresOn },
});

describe('statuses (R5) and versions on registration (R13)', () => {
  test('R5: StartCourse registers: Not Started → In Progress', () => {
    given([assigned(ruleSource(), '2026-02-02')])
      .when({ type: 'StartCourse', courseId: 'fire-safety' }, { now: '2026-01-10T09:00:00Z' })
      .then([started]);
  });

  test('R5: CompleteCourse records the date and score, and the expiry when the course has validity days', () => {
    const when = given([assigned(ruleSource(), '2026-02-02'), started]).when(
      { type: 'CompleteCourse', courseId: 'fire-safety', completedOn: '2026-01-20', score: 90 },
      { now: '2026-01-21T09:00:00Z', courses: [course({ validityDays: 365 })] },
    );
    when.then([completed('2026-01-20', '2027-01-20')]);
    expect(when.state().assignments.get('fire-safety')).toMatchObject({
      status: 'completed',
      progress: 100,
      completions: [{ completedOn: '2026-01-20', score: 90, version: 1 }],
    });
  });

  test('R5: completing twice is refused, and a completion date in the future is refused', () => {
    given([assigned(ruleSource(), null), started, completed('2026-01-20', null)])
      .when({ type: 'CompleteCourse', courseId: 'fire-safety' })
      .thenRefused('RULE_VIOLATION', /already completed fire-safety on 2026-01-20/);
    given([assigned(ruleSource(), null), started])
      .when(
        { type: 'CompleteCourse', courseId: 'fire-safety', completedOn: '2026-03-03' },
        { now: '2026-03-02T10:00:00Z' },
      )
      .thenRefused('RULE_VIOLATION', /in the future/);
  });

  test('R5: a lapsed completion expires, and the retake is due on the expiry date plus the relative window', () => {
    const when = given([assigned(ruleSource(), '2026-02-02'), started, completed('2025-03-01', '2026-03-01')]).when(
      { type: 'RunScheduledTransitions' },
      { now: '2026-03-02T10:00:00Z', courses: [course({ validityDays: 365 })] },
    );
    when.then([
      {
        type: 'CompletionExpired',
        data: {
          userId: 'u1',
          courseId: 'fire-safety',
          expiredOn: '2026-03-01',
          renewed: [
            { sourceKey: 'r-eng', due: { kind: 'relative', days: 28 }, required: true, anchorDate: '2026-03-01' },
          ],
          ...due('2026-03-29'),
        },
      },
    ]);
    expect(when.state().assignments.get('fire-safety')).toMatchObject({ status: 'expired', dueDate: '2026-03-29' });
  });

  test('R5: the day before expiry nothing lapses', () => {
    given([assigned(ruleSource(), '2026-02-02'), started, completed('2025-03-01', '2026-03-01')])
      .when({ type: 'RunScheduledTransitions' }, { now: '2026-02-28T10:00:00Z' })
      .then([]);
  });

  test('R5/R22: an unfinished assignment past its due date is announced overdue once', () => {
    const history = [assigned(ruleSource(), '2026-02-02')];
    const overdue: TrainingEvent = {
      type: 'AssignmentOverdue',
      data: { userId: 'u1', courseId: 'fire-safety', dueDate: '2026-02-02' },
    };
    given(history).when({ type: 'RunScheduledTransitions' }, { now: '2026-02-03T10:00:00Z' }).then([overdue]);
    given([...history, overdue])
      .when({ type: 'RunScheduledTransitions' }, { now: '2026-02-04T10:00:00Z' })
      .then([]);
    given(history).when({ type: 'RunScheduledTransitions' }, { now: '2026-02-02T20:00:00Z' }).then([]);
  });

  test('R5: a retake after expiry registers again', () => {
    const history = [
      assigned(ruleSource(), '2026-02-02'),
      started,
      completed('2025-03-01', '2026-03-01'),
      {
        type: 'CompletionExpired' as const,
        data: { userId: 'u1', courseId: 'fire-safety', expiredOn: '2026-03-01', renewed: [], ...due('2026-03-29') },
      },
    ];
    const when = given(history).when({ type: 'StartCourse', courseId: 'fire-safety' }, { now: '2026-03-05T10:00:00Z' });
    when.then([
      { type: 'CourseStarted', data: { userId: 'u1', courseId: 'fire-safety', version: 1, startedOn: '2026-03-05' } },
    ]);
    expect(when.state().assignments.get('fire-safety')).toMatchObject({ status: 'inProgress', progress: 0 });
  });

  test('R13: a new assignment gets the latest version', () => {
    given()
      .when(
        { type: 'AssignIndividually', courseId: 'fire-safety', dueDate: null, required: true },
        { courses: [course({ version: 3 })] },
      )
      .then(([event]) => expect(event?.data).toMatchObject({ version: 3 }));
  });

  test('R13: a Not Started user moves to the latest version when registering', () => {
    given([assigned(ruleSource(), null, 'fire-safety', 1)])
      .when(
        { type: 'StartCourse', courseId: 'fire-safety' },
        { now: '2026-03-05T10:00:00Z', courses: [course({ version: 2 })] },
      )
      .then([
        {
          type: 'AssignmentVersionChanged',
          data: {
            userId: 'u1',
            courseId: 'fire-safety',
            version: 2,
            previousVersion: 1,
            reason: 'registered while not started: moves from v1 to the latest version, v2',
          },
        },
        { type: 'CourseStarted', data: { userId: 'u1', courseId: 'fire-safety', version: 2, startedOn: '2026-03-05' } },
      ]);
  });

  test('R13: a user In Progress or Completed keeps their version', () => {
    given([assigned(ruleSource(), null), started])
      .when(
        { type: 'CompleteCourse', courseId: 'fire-safety', completedOn: '2026-03-01' },
        { courses: [course({ version: 3 })] },
      )
      .then(([event]) => expect(event).toMatchObject({ type: 'CourseCompleted', data: { version: 1 } }));
  });

  test('R5: progress auto-registers a Not Started assignment and is refused once completed', () => {
    given([assigned(ruleSource(), null)])
      .when({ type: 'RecordProgress', courseId: 'fire-safety', progress: 30 }, { now: '2026-03-05T10:00:00Z' })
      .then((events) => expect(events.map((event) => event.type)).toEqual(['CourseStarted', 'ProgressRecorded']));
    given([assigned(ruleSource(), null), started, completed('2026-02-01', null)])
      .when({ type: 'RecordProgress', courseId: 'fire-safety', progress: 30 })
      .thenRefused('RULE_VIOLATION', /already completed/);
  });
});
