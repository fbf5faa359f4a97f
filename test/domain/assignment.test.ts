import { assigned, due, given, individualSource, rule, ruleSource } from '../support/trainingSpec';

/** A standard group rule's source: it does not follow its group (only a dynamic rule does, R10). */
const standard = ruleSource({ dynamic: false, dynamicReassignment: false });

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

  test('R4: UnassignCourse refuses a group-sourced assignment while the user is in the group, and says what to do', () => {
    given([assigned(ruleSource(), '2026-02-02')])
      .when({ type: 'UnassignCourse', courseId: 'fire-safety' })
      .thenRefused('RULE_VIOLATION', /remove u1 from the group \(its dynamic rule then takes the course away\)/);
    given([assigned(standard, '2026-02-02')])
      .when({ type: 'UnassignCourse', courseId: 'fire-safety' })
      .thenRefused(
        'RULE_VIOLATION',
        /cannot remove Fire Safety from u1: it is assigned via Group: Engineering: remove u1 from the group and then remove the course again \(a standard rule does not follow its group\), or change the group's course assignment/,
      );
  });

  test("R4: once the user has left the group, UnassignCourse takes the standard rule's source away as an admin removal", () => {
    const when = given([assigned(standard, '2026-02-02')]).when(
      { type: 'UnassignCourse', courseId: 'fire-safety' },
      { reachingRules: [] },
    );
    when.then([
      {
        type: 'AssignmentSourceRemoved',
        data: {
          userId: 'u1',
          courseId: 'fire-safety',
          sourceKey: 'r-eng',
          cause: 'admin',
          remainingSources: 0,
          ...due(null),
        },
      },
      {
        type: 'TrainingUnassigned',
        data: { userId: 'u1', courseId: 'fire-safety', cause: 'admin', status: 'notStarted' },
      },
    ]);
    expect(when.run().message).toMatch(/Group: Engineering removed: Fire Safety is no longer assigned to u1/);
    // An admin removal: R11 never brings it back (not among the dynamically removed rules).
    expect(when.state().assignments.get('fire-safety')).toMatchObject({ active: false, dynamicallyRemovedRules: [] });
  });

  test("R4: an individual source and a left group's source go together; a mandatory source stays and says why", () => {
    const history = [
      assigned(standard, '2026-02-02'),
      {
        type: 'AssignmentSourceAdded' as const,
        data: { userId: 'u1', courseId: 'fire-safety', source: individualSource(), ...due('2026-02-02') },
      },
      {
        type: 'AssignmentSourceAdded' as const,
        data: {
          userId: 'u1',
          courseId: 'fire-safety',
          source: ruleSource({ kind: 'mandatory', ruleId: 'r-all', groupId: null, groupName: null }),
          ...due('2026-02-02'),
        },
      },
    ];
    const decision = given(history)
      .when({ type: 'UnassignCourse', courseId: 'fire-safety' }, { reachingRules: ['r-all'] })
      .then((events) =>
        expect(events.map((event) => event.type)).toEqual(['AssignmentSourceRemoved', 'AssignmentSourceRemoved']),
      );
    expect(decision.message).toMatch(
      /Group: Engineering and Individual removed; Fire Safety stays assigned to u1 because the course is mandatory for everyone: exempt u1 from that rule/,
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
    expect(decision.message).toMatch(/stays assigned to u1 because it is assigned via Group: Engineering/);
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
