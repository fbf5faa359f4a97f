import { assigned, due, given, individualSource, rule, ruleSource } from '../support/trainingSpec';

describe('one assignment, many sources (R1) and individual removal (R4)', () => {
  test('R1: assigning a course the user holds via a group adds the individual source, no second assignment, and says which source held it', () => {
    const decision = given([assigned(ruleSource(), '2026-02-02')])
      .when({ type: 'AssignIndividually', courseId: 'fire-safety', dueDate: null, required: true })
      .then(([event]) => expect(event?.type).toBe('AssignmentSourceAdded'));
    expect(decision.outcome).toBe('sourceAdded');
    expect(decision.heldVia).toEqual(['Group: Engineering']);
    expect(decision.message).toMatch(/already holds Fire Safety via Group: Engineering/);
  });

  test('R1: a second rule for the same course adds a source; the same rule again decides nothing', () => {
    const history = [assigned(ruleSource(), '2026-02-02')];
    given(history)
      .when({ type: 'ApplyRule', rule: rule({ ruleId: 'r-all', kind: 'mandatory', groupId: null, groupName: null }) })
      .then(([event]) =>
        expect(event).toMatchObject({
          type: 'AssignmentSourceAdded',
          data: { source: { kind: 'mandatory', ruleId: 'r-all' } },
        }),
      );
    given(history).when({ type: 'ApplyRule', rule: rule() }).then([]);
  });

  test('R1: assigning individually twice decides nothing the second time', () => {
    const decision = given([assigned(individualSource(), null)])
      .when({ type: 'AssignIndividually', courseId: 'fire-safety', dueDate: null, required: true })
      .then([]);
    expect(decision.outcome).toBe('unchanged');
  });

  test('R4: UnassignCourse refuses a group-sourced assignment and says how to remove it', () => {
    given([assigned(ruleSource(), '2026-02-02')])
      .when({ type: 'UnassignCourse', courseId: 'fire-safety' })
      .thenRefused(
        'RULE_VIOLATION',
        /assigned via Group: Engineering: remove the user from the group or change the group's assignment/,
      );
  });

  test('R4: UnassignCourse refuses a mandatory assignment with "the course is mandatory"', () => {
    given([assigned(ruleSource({ kind: 'mandatory', ruleId: 'r-all', groupId: null, groupName: null }), null)])
      .when({ type: 'UnassignCourse', courseId: 'fire-safety' })
      .thenRefused('RULE_VIOLATION', /the course is mandatory/);
  });

  test('R4: removing the individual source of a course also held via a group keeps the assignment and says why', () => {
    const history = [
      assigned(ruleSource(), '2026-02-02'),
      {
        type: 'AssignmentSourceAdded' as const,
        data: { userId: 'u1', courseId: 'fire-safety', source: individualSource(), ...due('2026-02-02') },
      },
    ];
    const decision = given(history)
      .when({ type: 'UnassignCourse', courseId: 'fire-safety' })
      .then([
        {
          type: 'AssignmentSourceRemoved',
          data: {
            userId: 'u1',
            courseId: 'fire-safety',
            sourceKey: 'individual',
            cause: 'admin',
            remainingSources: 1,
            ...due('2026-02-02'),
          },
        },
      ]);
    expect(decision.message).toMatch(/stays because assigned via Group: Engineering/);
  });

  test('R4: with no source left the assignment is removed and its history stays', () => {
    const history = [
      assigned(individualSource(), null),
      {
        type: 'CourseStarted' as const,
        data: { userId: 'u1', courseId: 'fire-safety', version: 1, startedOn: '2026-01-10' },
      },
    ];
    const when = given(history).when({ type: 'UnassignCourse', courseId: 'fire-safety' });
    when.then([
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
        data: { userId: 'u1', courseId: 'fire-safety', cause: 'admin', status: 'inProgress' },
      },
    ]);
    const after = when.state().assignments.get('fire-safety');
    expect(after).toMatchObject({
      active: false,
      status: 'inProgress',
      startedOn: '2026-01-10',
      lastRemoval: { cause: 'admin' },
    });
  });

  test('R4: removing an assignment the user does not hold is NOT_FOUND', () => {
    given()
      .when({ type: 'UnassignCourse', courseId: 'fire-safety' })
      .thenRefused('NOT_FOUND', /u1 has no assignment of fire-safety/);
  });

  test('R22: a new assignment carries the portal notifyOnAssign setting', () => {
    given()
      .when(
        { type: 'AssignIndividually', courseId: 'fire-safety', dueDate: null, required: true },
        { preferences: { notifyOnAssign: false } },
      )
      .then(([event]) => expect(event?.data).toMatchObject({ notify: false }));
  });
});
