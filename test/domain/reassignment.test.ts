import type { TrainingEvent } from '../../domain/userTraining/trainingState';
import { assigned, course, due, given, individualSource, rule, ruleSource } from '../support/trainingSpec';

const source = ruleSource({ anchorDate: '2016-01-11', assignedOn: '2016-01-11' });
const withdrawn = (
  status: 'notStarted' | 'inProgress' | 'completed',
  cause: 'dynamic' | 'retired' = 'dynamic',
): TrainingEvent[] => [
  {
    type: 'AssignmentSourceRemoved',
    data: { userId: 'u1', courseId: 'fire-safety', sourceKey: 'r-eng', cause, remainingSources: 0, ...due(null) },
  },
  { type: 'TrainingUnassigned', data: { userId: 'u1', courseId: 'fire-safety', cause, status } },
];
const started: TrainingEvent = {
  type: 'CourseStarted',
  data: { userId: 'u1', courseId: 'fire-safety', version: 1, startedOn: '2016-01-20' },
};
const progress: TrainingEvent = {
  type: 'ProgressRecorded',
  data: { userId: 'u1', courseId: 'fire-safety', progress: 60 },
};
const january2017 = { now: '2017-01-16T10:00:00Z' };

describe('dynamic rules (R10), dynamic reassignment (R11), upgrade on reassignment (R14), new starters (R18)', () => {
  test('R10: a user who stops matching a dynamic rule loses that source; with none left the assignment goes and its history stays', () => {
    const when = given([assigned(source, '2016-02-08'), started]).when({
      type: 'WithdrawRule',
      ruleId: 'r-eng',
      courseId: 'fire-safety',
      cause: 'dynamic',
    });
    when.then(withdrawn('inProgress'));
    expect(when.state().assignments.get('fire-safety')).toMatchObject({
      active: false,
      status: 'inProgress',
      dynamicallyRemovedRules: ['r-eng'],
    });
  });

  test('R10: completed training keeps its record after dynamic removal', () => {
    const completed: TrainingEvent = {
      type: 'CourseCompleted',
      data: {
        userId: 'u1',
        courseId: 'fire-safety',
        version: 1,
        completedOn: '2016-02-01',
        score: 80,
        expiresOn: null,
      },
    };
    const when = given([assigned(source, '2016-02-08'), started, completed]).when({
      type: 'WithdrawRule',
      ruleId: 'r-eng',
      courseId: 'fire-safety',
      cause: 'dynamic',
    });
    expect(when.state().assignments.get('fire-safety')?.completions).toEqual([
      { completedOn: '2016-02-01', score: 80, version: 1 },
    ]);
  });

  test('R11: with dynamic reassignment on, a user who matches again gets the training back In Progress with its progress and no notification', () => {
    const decision = given([assigned(source, '2016-02-08'), started, progress, ...withdrawn('inProgress')])
      .when({ type: 'ApplyRule', rule: rule({ upgradeToLatestVersion: false }) }, january2017)
      .then(([event]) =>
        expect(event).toMatchObject({
          type: 'TrainingReassigned',
          data: { status: 'inProgress', progress: 60, version: 1, dueDate: '2017-02-13' },
        }),
      );
    expect(decision.outcome).toBe('reassigned');
    expect(decision.events.some((event) => event.type === 'TrainingAssigned')).toBe(false);
  });

  test('R11: with dynamic reassignment off, such a user is not reassigned', () => {
    const decision = given([assigned(source, '2016-02-08'), ...withdrawn('notStarted')])
      .when({ type: 'ApplyRule', rule: rule({ dynamicReassignment: false }) }, january2017)
      .then([]);
    expect(decision.message).toMatch(/dynamic reassignment is off/);
  });

  test('R11: training an admin removed does not come back through reassignment', () => {
    const history: TrainingEvent[] = [
      assigned(source, '2016-02-08'),
      {
        type: 'AssignmentSourceAdded',
        data: { userId: 'u1', courseId: 'fire-safety', source: individualSource(), ...due('2016-02-08') },
      },
      {
        type: 'AssignmentSourceRemoved',
        data: {
          userId: 'u1',
          courseId: 'fire-safety',
          sourceKey: 'r-eng',
          cause: 'dynamic',
          remainingSources: 1,
          ...due(null),
        },
      },
      {
        type: 'AssignmentSourceRemoved',
        data: {
          userId: 'u1',
          courseId: 'fire-safety',
          sourceKey: 'individual',
          cause: 'admin',
          remainingSources: 0,
          ...due(null),
        },
      },
      {
        type: 'TrainingUnassigned',
        data: { userId: 'u1', courseId: 'fire-safety', cause: 'admin', status: 'notStarted' },
      },
    ];
    const decision = given(history).when({ type: 'ApplyRule', rule: rule() }, january2017).then([]);
    expect(decision.message).toMatch(/an admin removed it/);
  });

  test('R14: assigned v1 in January 2016, upgraded twice, reassigned in January 2017 with upgrade on: the user now has v3', () => {
    given([assigned(source, '2016-02-08', 'fire-safety', 1), ...withdrawn('notStarted')])
      .when(
        { type: 'ApplyRule', rule: rule({ upgradeToLatestVersion: true }) },
        { ...january2017, courses: [course({ version: 3 })] },
      )
      .then(([event]) =>
        expect(event).toMatchObject({
          type: 'TrainingReassigned',
          data: {
            version: 3,
            previousVersion: 1,
            versionReason: expect.stringMatching(/the rule upgrades reassigned users to the latest version: v1 → v3$/),
          },
        }),
      );
  });

  test('R13: completed v1, reassigned with upgrade to latest on and v3 out: comes back Completed v1, never relabelled', () => {
    const completed: TrainingEvent = {
      type: 'CourseCompleted',
      data: {
        userId: 'u1',
        courseId: 'fire-safety',
        version: 1,
        completedOn: '2016-03-01',
        score: 90,
        expiresOn: null,
      },
    };
    const when = given([
      assigned(source, '2016-02-08', 'fire-safety', 1),
      started,
      completed,
      ...withdrawn('completed'),
    ]).when(
      { type: 'ApplyRule', rule: rule({ upgradeToLatestVersion: true }) },
      { ...january2017, courses: [course({ version: 3 })] },
    );
    when.then(([event]) =>
      expect(event).toMatchObject({
        type: 'TrainingReassigned',
        data: {
          status: 'completed',
          version: 1,
          versionReason: expect.stringMatching(
            /v1 was completed, and a completion keeps the version that was completed/,
          ),
        },
      }),
    );
    expect(when.state().assignments.get('fire-safety')).toMatchObject({
      status: 'completed',
      version: 1,
      completions: [{ completedOn: '2016-03-01', score: 90, version: 1 }],
    });
  });

  test('R13: 60% through v1, reassigned with upgrade on to v3: In Progress on v3 at 0%, the 60% kept in history and said', () => {
    const when = given([
      assigned(source, '2016-02-08', 'fire-safety', 1),
      started,
      progress,
      ...withdrawn('inProgress'),
    ]).when(
      { type: 'ApplyRule', rule: rule({ upgradeToLatestVersion: true }) },
      { ...january2017, courses: [course({ version: 3 })] },
    );
    when.then(([event]) =>
      expect(event).toMatchObject({
        type: 'TrainingReassigned',
        data: {
          status: 'inProgress',
          version: 3,
          previousVersion: 1,
          progress: 0,
          versionReason: expect.stringMatching(/the 60% made on v1 stays in history, v3 starts at 0%/),
        },
      }),
    );
    expect(when.state().assignments.get('fire-safety')).toMatchObject({
      status: 'inProgress',
      version: 3,
      progress: 0,
    });
  });

  test('R11/R13: reassigned on the same version, progress comes back as it was', () => {
    given([assigned(source, '2016-02-08', 'fire-safety', 1), started, progress, ...withdrawn('inProgress')])
      .when(
        { type: 'ApplyRule', rule: rule({ upgradeToLatestVersion: false }) },
        { ...january2017, courses: [course({ version: 3 })] },
      )
      .then(([event]) => expect(event?.data).toMatchObject({ status: 'inProgress', version: 1, progress: 60 }));
  });

  test('R14: with upgrade off the reassigned user keeps v1', () => {
    given([assigned(source, '2016-02-08', 'fire-safety', 1), ...withdrawn('notStarted')])
      .when(
        { type: 'ApplyRule', rule: rule({ upgradeToLatestVersion: false }) },
        { ...january2017, courses: [course({ version: 3 })] },
      )
      .then(([event]) => expect(event?.data).toMatchObject({ version: 1 }));
  });

  test('R14: Course Publisher, pre-registered when removed: keeps v1 at reassignment and is upgraded on registering', () => {
    const publisher = course({ versioning: 'coursePublisher', version: 3 });
    const reassigned = given([assigned(source, '2016-02-08', 'fire-safety', 1), ...withdrawn('notStarted')]).when(
      { type: 'ApplyRule', rule: rule() },
      { ...january2017, courses: [publisher] },
    );
    const [event] = reassigned.run().events;
    expect(event).toMatchObject({ type: 'TrainingReassigned', data: { version: 1, status: 'notStarted' } });
    given([assigned(source, '2016-02-08', 'fire-safety', 1), ...withdrawn('notStarted'), event!])
      .when({ type: 'StartCourse', courseId: 'fire-safety' }, { now: '2017-01-20T10:00:00Z', courses: [publisher] })
      .then((events) => expect(events.at(-1)).toMatchObject({ type: 'CourseStarted', data: { version: 3 } }));
  });

  test('R14: Course Publisher, post-registered when removed: not upgraded on reassignment', () => {
    given([assigned(source, '2016-02-08', 'fire-safety', 1), started, ...withdrawn('inProgress')])
      .when(
        { type: 'ApplyRule', rule: rule() },
        { ...january2017, courses: [course({ versioning: 'coursePublisher', version: 3 })] },
      )
      .then(([event]) =>
        expect(event).toMatchObject({
          type: 'TrainingReassigned',
          data: {
            version: 1,
            status: 'inProgress',
            versionReason: expect.stringMatching(/already registered when the training was taken away: keeps v1/),
          },
        }),
      );
  });

  test('R10: training removed by rule retirement is not a dynamic removal: a new rule assigns it afresh', () => {
    given([assigned(source, '2016-02-08'), started, ...withdrawn('inProgress', 'retired')])
      .when({ type: 'ApplyRule', rule: rule({ ruleId: 'r-new' }) }, january2017)
      .then(([event]) =>
        expect(event).toMatchObject({ type: 'TrainingAssigned', data: { source: { ruleId: 'r-new' } } }),
      );
  });

  test('R18: a new starter rule counts the due date from the hire date', () => {
    given()
      .when(
        {
          type: 'ApplyRule',
          rule: rule({
            ruleId: 'r-ns',
            kind: 'newStarter',
            groupId: null,
            groupName: null,
            due: { kind: 'relative', days: 14 },
          }),
        },
        { now: '2026-03-02T10:00:00Z', hireDate: '2026-02-23' },
      )
      .then(([event]) =>
        expect(event).toMatchObject({
          type: 'TrainingAssigned',
          data: { dueDate: '2026-03-09', source: { kind: 'newStarter', anchorDate: '2026-02-23' } },
        }),
      );
  });
});
