import type { TrainingEvent } from '../../domain/userTraining/trainingState';
import { assigned, course, due, given, ruleSource, stateOf, USER } from '../support/trainingSpec';

const fireSafety = course({ validityDays: 365 });
const started: TrainingEvent = {
  type: 'CourseStarted',
  data: { userId: USER, courseId: 'fire-safety', version: 1, startedOn: '2026-01-10' },
};
const progressed: TrainingEvent = {
  type: 'ProgressRecorded',
  data: { userId: USER, courseId: 'fire-safety', progress: 40 },
};
const completed = (completedOn: string, expiresOn: string | null, score: number | null = 80): TrainingEvent => ({
  type: 'CourseCompleted',
  data: { userId: USER, courseId: 'fire-safety', version: 1, completedOn, score, expiresOn },
});
const newStarterSource = (anchorDate: string) =>
  ruleSource({
    kind: 'newStarter',
    ruleId: 'r-new',
    groupId: null,
    groupName: null,
    due: { kind: 'relative', days: 30 },
    anchorDate,
  });

describe('R26: correcting a completion', () => {
  const history = [assigned(ruleSource(), '2026-02-02'), started, progressed, completed('2026-03-01', '2027-03-01')];

  test("R26: correcting a completion's date moves its expiry", () => {
    const when = given(history).when(
      {
        type: 'CorrectCompletion',
        courseId: 'fire-safety',
        completedOn: '2026-02-27',
        score: 85,
        reason: 'the paper record says 27 February',
      },
      { now: '2026-03-05T10:00:00Z', courses: [fireSafety], actorId: 'admin' },
    );
    when.then([
      {
        type: 'CompletionCorrected',
        data: {
          userId: USER,
          courseId: 'fire-safety',
          version: 1,
          previousCompletedOn: '2026-03-01',
          completedOn: '2026-02-27',
          previousScore: 80,
          score: 85,
          previousExpiresOn: '2027-03-01',
          expiresOn: '2027-02-27',
          ...due('2026-02-02'),
          reason: 'the paper record says 27 February',
          correctedBy: 'admin',
          correctedAt: '2026-03-05T10:00:00Z',
        },
      },
    ]);
    expect(when.run().message).toBe(
      'completion of Fire Safety v1 by u1 corrected: completed on 2026-03-01 → 2026-02-27, score 80 → 85; the completion now expires on 2027-02-27: the paper record says 27 February',
    );
    expect(when.state().assignments.get('fire-safety')).toMatchObject({
      status: 'completed',
      completedOn: '2026-02-27',
      score: 85,
      expiresOn: '2027-02-27',
      version: 1,
      completions: [
        { completedOn: '2026-02-27', score: 85, version: 1, correctedFrom: { completedOn: '2026-03-01', score: 80 } },
      ],
    });
  });

  test('R26: a score alone may be corrected; the date and expiry stay', () => {
    given(history)
      .when(
        { type: 'CorrectCompletion', courseId: 'fire-safety', score: 90, reason: 'marked again' },
        { courses: [fireSafety] },
      )
      .then(([event]) =>
        expect(event?.data).toMatchObject({ completedOn: '2026-03-01', expiresOn: '2027-03-01', score: 90 }),
      );
  });

  test('R26: a corrected date in the future, or nothing to correct, is refused; the same values change nothing', () => {
    given(history)
      .when(
        { type: 'CorrectCompletion', courseId: 'fire-safety', completedOn: '2026-03-09', reason: 'typo' },
        { now: '2026-03-05T10:00:00Z', courses: [fireSafety] },
      )
      .thenRefused('RULE_VIOLATION', /the corrected completion date 2026-03-09 is in the future/);
    given([assigned(ruleSource(), '2026-02-02'), started])
      .when({ type: 'CorrectCompletion', courseId: 'fire-safety', score: 50, reason: 'typo' })
      .thenRefused('RULE_VIOLATION', /u1 has no completion of Fire Safety to be corrected: it is in progress/);
    given(history)
      .when(
        { type: 'CorrectCompletion', courseId: 'fire-safety', completedOn: '2026-03-01', score: 80, reason: 'check' },
        { courses: [fireSafety] },
      )
      .thenNothingHappened(/already reads completed on 2026-03-01, score 80/);
  });

  test('R26: an expired completion is not in force and cannot be corrected', () => {
    const expired: TrainingEvent = {
      type: 'CompletionExpired',
      data: { userId: USER, courseId: 'fire-safety', expiredOn: '2026-03-01', renewed: [], ...due('2026-03-29') },
    };
    given([assigned(ruleSource(), '2026-02-02'), started, completed('2025-03-01', '2026-03-01'), expired])
      .when({ type: 'CorrectCompletion', courseId: 'fire-safety', score: 70, reason: 'typo' })
      .thenRefused('RULE_VIOLATION', /its last completion \(2025-03-01\) has expired/);
  });
});

describe('R26: revoking a completion', () => {
  test('R26: revoking a completion returns the assignment to In Progress with its progress', () => {
    const history = [assigned(ruleSource(), '2026-02-02'), started, progressed, completed('2026-03-01', '2027-03-01')];
    const when = given(history).when(
      { type: 'RevokeCompletion', courseId: 'fire-safety', reason: 'recorded for the wrong person' },
      { now: '2026-03-05T10:00:00Z', courses: [fireSafety] },
    );
    when.then([
      {
        type: 'CompletionRevoked',
        data: {
          userId: USER,
          courseId: 'fire-safety',
          version: 1,
          completedOn: '2026-03-01',
          score: 80,
          status: 'inProgress',
          progress: 40,
          reason: 'recorded for the wrong person',
          revokedBy: 'admin',
          revokedAt: '2026-03-05T10:00:00Z',
        },
      },
    ]);
    // Due as before: the due date 2026-02-02 has passed, and the reply says so.
    expect(when.run().warnings).toEqual([
      'the due date 2026-02-02 has already passed (today is 2026-03-05): the assignment is overdue',
    ]);
    const after = when.state().assignments.get('fire-safety');
    expect(after).toMatchObject({
      status: 'inProgress',
      progress: 40,
      startedOn: '2026-01-10',
      completedOn: null,
      expiresOn: null,
      dueDate: '2026-02-02',
      completions: [
        {
          completedOn: '2026-03-01',
          revoked: { reason: 'recorded for the wrong person', revokedBy: 'admin', revokedAt: '2026-03-05T10:00:00Z' },
        },
      ],
    });
    // Its expiry no longer applies: a year on, nothing lapses; the training is overdue once instead.
    const revoked = [...history, ...when.run().events];
    given(revoked)
      .when({ type: 'RunScheduledTransitions' }, { now: '2027-03-02T10:00:00Z', courses: [fireSafety] })
      .then((events) => expect(events.map((event) => event.type)).toEqual(['AssignmentOverdue']));
    given(revoked)
      .when({ type: 'RevokeCompletion', courseId: 'fire-safety', reason: 'again' })
      .thenRefused('RULE_VIOLATION', /no completion of Fire Safety to be revoked/);
  });

  test('R26: a back-dated completion without a start is registered on its completion date, and revoking it leaves the training Not Started', () => {
    const history = [assigned(ruleSource(), '2026-04-02')];
    const completing = given(history).when(
      { type: 'CompleteCourse', courseId: 'fire-safety', completedOn: '2026-02-20', score: 75 },
      { now: '2026-03-05T10:00:00Z', courses: [fireSafety] },
    );
    completing.then([
      {
        type: 'CourseStarted',
        data: { userId: USER, courseId: 'fire-safety', version: 1, startedOn: '2026-02-20', withCompletion: true },
      },
      completed('2026-02-20', '2027-02-20', 75),
    ]);
    const revoking = given([...history, ...completing.run().events]).when(
      { type: 'RevokeCompletion', courseId: 'fire-safety', reason: 'never attended' },
      { now: '2026-03-06T10:00:00Z', courses: [fireSafety] },
    );
    revoking.then(([event]) => expect(event?.data).toMatchObject({ status: 'notStarted', progress: 0 }));
    expect(revoking.state().assignments.get('fire-safety')).toMatchObject({
      status: 'notStarted',
      progress: 0,
      startedOn: null,
      completedOn: null,
      dueDate: '2026-04-02',
    });
  });

  test('R26: a registration the completion implied moves with its corrected date; one recorded before stays', () => {
    const implied: TrainingEvent = {
      type: 'CourseStarted',
      data: { userId: USER, courseId: 'fire-safety', version: 1, startedOn: '2026-02-20', withCompletion: true },
    };
    const correct = {
      type: 'CorrectCompletion' as const,
      courseId: 'fire-safety',
      completedOn: '2026-02-18',
      reason: 'the register says the 18th',
    };
    const options = { now: '2026-03-05T10:00:00Z', courses: [fireSafety] };
    const moved = given([assigned(ruleSource(), '2026-04-02'), implied, completed('2026-02-20', '2027-02-20')]);
    expect(moved.when(correct, options).state().assignments.get('fire-safety')).toMatchObject({
      startedOn: '2026-02-18',
      completedOn: '2026-02-18',
    });
    const kept = given([assigned(ruleSource(), '2026-04-02'), started, completed('2026-02-20', '2027-02-20')]);
    expect(kept.when(correct, options).state().assignments.get('fire-safety')).toMatchObject({
      startedOn: '2026-01-10',
      completedOn: '2026-02-18',
    });
  });

  test("R26, R24: revoking a retake's completion puts the completion it renewed back in force", () => {
    const recertification: TrainingEvent = {
      type: 'RecertificationDue',
      data: {
        userId: USER,
        courseId: 'fire-safety',
        opensOn: '2027-02-01',
        expiresOn: '2027-03-01',
        renewed: [],
        ...due('2027-03-01'),
      },
    };
    const history = [
      assigned(ruleSource(), '2026-02-02'),
      started,
      completed('2026-03-01', '2027-03-01'),
      recertification,
      completed('2027-02-10', '2028-02-10', 95),
    ];
    const revoking = given(history).when(
      { type: 'RevokeCompletion', courseId: 'fire-safety', reason: 'a colleague took it for them' },
      { now: '2027-02-12T10:00:00Z', courses: [fireSafety] },
    );
    revoking.then(([event]) => expect(event?.data).toMatchObject({ completedOn: '2027-02-10', status: 'completed' }));
    expect(revoking.state().assignments.get('fire-safety')).toMatchObject({
      status: 'completed',
      completedOn: '2026-03-01',
      expiresOn: '2027-03-01',
      retake: { dueOn: '2027-03-01' },
    });
  });
});

describe('R26: due dates corrected', () => {
  test('R26, R18: a corrected hire date moves a new-starter due date but not an admin override', () => {
    const history = [assigned(newStarterSource('2025-06-01'), '2025-07-01')];
    const correction = { type: 'CorrectHireDate' as const, previousHireDate: '2025-06-01', hireDate: '2025-05-01' };
    const moved = given(history).when(correction, { now: '2025-06-10T10:00:00Z' });
    moved.then([
      {
        type: 'DueDateChanged',
        data: {
          userId: USER,
          courseId: 'fire-safety',
          ...due('2025-05-31'),
          previousDueDate: '2025-07-01',
          override: null,
          reason: 'hire date corrected from 2025-06-01 to 2025-05-01',
          correction: {
            kind: 'hireDateCorrected',
            previousHireDate: '2025-06-01',
            hireDate: '2025-05-01',
            sourceKeys: ['r-new'],
          },
        },
      },
    ]);
    expect(moved.state().assignments.get('fire-safety')?.sources[0]?.anchorDate).toBe('2025-05-01');

    const override: TrainingEvent = {
      type: 'DueDateChanged',
      data: {
        userId: USER,
        courseId: 'fire-safety',
        ...due('2025-09-01'),
        previousDueDate: '2025-07-01',
        override: '2025-09-01',
      },
    };
    const held = given([...history, override]).when(correction, { now: '2025-06-10T10:00:00Z' });
    held.then(([event]) => expect(event?.data).toMatchObject({ dueDate: '2025-09-01', override: '2025-09-01' }));
    expect(held.run().message).toBe(
      "u1: hire date corrected from 2025-06-01 to 2025-05-01: Fire Safety stays due 2025-09-01 (an admin's date)",
    );
    // The window moved underneath the override: dropping the override lands on the corrected hire date's window.
    const afterHeld = [...history, override, ...held.run().events];
    given(afterHeld)
      .when({ type: 'ChangeDueDate', courseId: 'fire-safety', dueDate: null })
      .then(([event]) => expect(event?.data).toMatchObject({ dueDate: '2025-05-31', override: null }));
  });

  test('R26, R18: a window renewed at a reset, completed training and other sources do not move', () => {
    const history = [
      assigned(newStarterSource('2025-06-01'), '2025-07-01', 'fire-safety'),
      assigned(ruleSource(), '2026-02-02', 'security'),
    ];
    given(history)
      .when({ type: 'CorrectHireDate', previousHireDate: '2025-01-01', hireDate: '2025-02-01' })
      .thenNothingHappened(/no due date counts from it/);
    given([...history, started, completed('2025-06-20', null)])
      .when({ type: 'CorrectHireDate', previousHireDate: '2025-06-01', hireDate: '2025-05-01' })
      .thenNothingHappened();
  });

  test('R26: extending a due date by days is an admin override that holds until the next reset', () => {
    const history = [assigned(ruleSource(), '2026-02-02')];
    const extending = given(history).when(
      { type: 'ExtendDueDate', courseId: 'fire-safety', by: { days: 14 }, reason: 'the LMS was down' },
      { now: '2026-01-20T10:00:00Z' },
    );
    extending.then([
      {
        type: 'DueDateChanged',
        data: {
          userId: USER,
          courseId: 'fire-safety',
          ...due('2026-02-16'),
          previousDueDate: '2026-02-02',
          override: '2026-02-16',
          reason: 'the LMS was down',
          correction: { kind: 'extended', by: { days: 14 } },
        },
      },
    ]);
    expect(stateOf([...history, ...extending.run().events]).assignments.get('fire-safety')).toMatchObject({
      dueDate: '2026-02-16',
      dueOverride: '2026-02-16',
    });
  });

  test('R26: no due date, a later due date, and completed training are left unchanged, each saying why', () => {
    const toDate = {
      type: 'ExtendDueDate' as const,
      courseId: 'fire-safety',
      by: { toDate: '2026-03-01' },
      reason: 'x',
    };
    given([assigned(ruleSource({ due: { kind: 'none' } }), null)])
      .when(toDate)
      .thenNothingHappened(/has no due date for u1: there is none to extend/);
    given([assigned(ruleSource(), '2026-04-01')])
      .when(toDate)
      .thenNothingHappened(/already due 2026-04-01, on or after 2026-03-01/);
    given([assigned(ruleSource(), '2026-02-02'), started, completed('2026-01-20', null)])
      .when(toDate)
      .thenNothingHappened(/completed Fire Safety on 2026-01-20: nothing is due/);
    given([])
      .when(toDate)
      .then((events, decision) => expect([events, decision.outcome]).toEqual([[], 'skipped']));
  });
});
