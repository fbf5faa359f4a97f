import type { TrainingEvent } from '../../domain/userTraining/trainingState';
import { isVisible } from '../../domain/userTraining/trainingState';
import { assigned, due, given, individualSource, ruleSource, stateOf } from '../support/trainingSpec';

const groupSource = ruleSource({ anchorDate: '2026-01-05' });
const mandatorySource = ruleSource({
  kind: 'mandatory',
  ruleId: 'r-all',
  groupId: null,
  groupName: null,
  due: { kind: 'relative', days: 60 },
  anchorDate: '2026-01-05',
});

function exempted(ruleId: string, dueDate: string | null, visible: boolean): TrainingEvent {
  return {
    type: 'ExemptionApplied',
    data: {
      userId: 'u1',
      courseId: 'fire-safety',
      ruleId,
      reason: 'on support plan',
      appliedBy: 'admin',
      appliedAt: '2026-01-20T09:00:00.000Z',
      ...due(dueDate),
      visible,
    },
  };
}

describe('exemptions (R6, R8) and reinstatement (R9)', () => {
  test('R6: exempting the only rule source hides the assignment and records reason, who and when', () => {
    const when = given([assigned(groupSource, '2026-02-02')]).when(
      { type: 'ExemptUser', courseId: 'fire-safety', reason: 'on support plan' },
      { now: '2026-01-20T09:00:00.000Z', actorId: 'admin' },
    );
    when.then([exempted('r-eng', null, false)]);
    const assignment = when.state().assignments.get('fire-safety');
    expect(isVisible(assignment)).toBe(false);
    expect(assignment?.sources[0]?.exemption).toEqual({
      reason: 'on support plan',
      appliedBy: 'admin',
      appliedAt: '2026-01-20T09:00:00.000Z',
    });
  });

  test('R6: an individual source cannot be exempted', () => {
    given([assigned(individualSource(), null)])
      .when({ type: 'ExemptUser', courseId: 'fire-safety', reason: 'x' })
      .thenRefused('RULE_VIOLATION', /individual assignment cannot be exempted: remove it with UnassignCourse/);
  });

  test('R6: exempting the first of two rule sources keeps the assignment visible, due from the other source', () => {
    const history = [
      assigned(groupSource, '2026-02-02'),
      {
        type: 'AssignmentSourceAdded' as const,
        data: { userId: 'u1', courseId: 'fire-safety', source: mandatorySource, ...due('2026-02-02') },
      },
    ];
    const decision = given(history)
      .when(
        { type: 'ExemptUser', courseId: 'fire-safety', ruleId: 'r-eng', reason: 'on support plan' },
        { now: '2026-01-20T09:00:00.000Z' },
      )
      .then([exempted('r-eng', '2026-03-06', true)]);
    expect(decision.warnings).toEqual(['Mandatory still assigns fire-safety: it stays on the dashboard']);
  });

  test('R6: exempting the last of two sources hides the assignment', () => {
    const history = [
      assigned(groupSource, '2026-02-02'),
      {
        type: 'AssignmentSourceAdded' as const,
        data: { userId: 'u1', courseId: 'fire-safety', source: mandatorySource, ...due('2026-02-02') },
      },
      exempted('r-eng', '2026-03-06', true),
    ];
    const when = given(history).when(
      { type: 'ExemptUser', courseId: 'fire-safety', ruleId: 'r-all', reason: 'on support plan' },
      { now: '2026-01-20T09:00:00.000Z' },
    );
    when.then([exempted('r-all', null, false)]);
    expect(isVisible(when.state().assignments.get('fire-safety'))).toBe(false);
  });

  test('R6: exempting an assignment already exempt changes nothing', () => {
    given([assigned(groupSource, '2026-02-02'), exempted('r-eng', null, false)])
      .when({ type: 'ExemptUser', courseId: 'fire-safety', reason: 'again' })
      .then([]);
  });

  test('R9: removing an exemption resets a 28-day deadline to today + 28 and keeps progress', () => {
    const history: TrainingEvent[] = [
      assigned(groupSource, '2026-02-02'),
      { type: 'CourseStarted', data: { userId: 'u1', courseId: 'fire-safety', version: 1, startedOn: '2026-01-10' } },
      { type: 'ProgressRecorded', data: { userId: 'u1', courseId: 'fire-safety', progress: 40 } },
      exempted('r-eng', null, false),
    ];
    const when = given(history).when(
      { type: 'RemoveExemption', courseId: 'fire-safety' },
      { now: '2026-11-23T10:00:00.000Z', actorId: 'admin' },
    );
    when.then([
      {
        type: 'ExemptionRemoved',
        data: {
          userId: 'u1',
          courseId: 'fire-safety',
          ruleId: 'r-eng',
          removedBy: 'admin',
          removedAt: '2026-11-23T10:00:00.000Z',
          renewed: {
            sourceKey: 'r-eng',
            due: { kind: 'relative', days: 28 },
            required: true,
            anchorDate: '2026-11-23',
          },
          ...due('2026-12-21'),
          visible: true,
        },
      },
    ]);
    const assignment = when.state().assignments.get('fire-safety');
    expect(isVisible(assignment)).toBe(true);
    expect(assignment).toMatchObject({ status: 'inProgress', progress: 40, dueDate: '2026-12-21' });
  });

  test("R9: reinstatement takes the rule's current window: a rule changed to 7 days gives today + 7", () => {
    given([assigned(groupSource, '2026-02-02'), exempted('r-eng', null, false)])
      .when(
        { type: 'RemoveExemption', courseId: 'fire-safety' },
        {
          now: '2026-11-23T10:00:00.000Z',
          rules: { 'r-eng': { due: { kind: 'relative', days: 7 }, required: false } },
        },
      )
      .then(([event]) =>
        expect(event?.data).toMatchObject({
          renewed: { due: { kind: 'relative', days: 7 }, required: false, anchorDate: '2026-11-23' },
          dueDate: '2026-11-30',
        }),
      );
  });

  test('R3: the explanation keeps the policy that chose the stored due date; a later policy change applies at the next recompute', () => {
    const history = [
      assigned(groupSource, '2026-02-02'),
      {
        type: 'AssignmentSourceAdded' as const,
        data: { userId: 'u1', courseId: 'fire-safety', source: mandatorySource, ...due('2026-02-02') },
      },
    ];
    const when = given(history).when(
      { type: 'ExemptUser', courseId: 'fire-safety', ruleId: 'r-eng', reason: 'x' },
      { preferences: { dueDatePolicy: 'latest' } },
    );
    expect(when.state().assignments.get('fire-safety')).toMatchObject({
      dueDate: '2026-03-06',
      dueDatePolicy: 'latest',
    });
    expect(stateOf(history).assignments.get('fire-safety')?.dueDatePolicy).toBe('earliest');
  });

  test('R9: a fixed due date stays fixed on reinstatement, and a passed one is reported as overdue', () => {
    const fixed = ruleSource({ due: { kind: 'fixed', date: '2026-06-30' } });
    const decision = given([assigned(fixed, '2026-06-30'), exempted('r-eng', null, false)])
      .when({ type: 'RemoveExemption', courseId: 'fire-safety' }, { now: '2026-11-23T10:00:00.000Z' })
      .then(([event]) => expect(event?.data).toMatchObject({ dueDate: '2026-06-30' }));
    expect(decision.warnings).toEqual([
      'the due date 2026-06-30 has already passed (today is 2026-11-23): the assignment is overdue',
    ]);
  });

  test('R9: reinstatement ends an admin due-date override', () => {
    const history: TrainingEvent[] = [
      assigned(groupSource, '2026-02-02'),
      {
        type: 'DueDateChanged',
        data: {
          userId: 'u1',
          courseId: 'fire-safety',
          ...due('2027-01-01'),
          previousDueDate: '2026-02-02',
          override: '2027-01-01',
        },
      },
      exempted('r-eng', '2027-01-01', false),
    ];
    const when = given(history).when(
      { type: 'RemoveExemption', courseId: 'fire-safety' },
      { now: '2026-11-23T10:00:00.000Z' },
    );
    when.then(([event]) => expect(event?.data).toMatchObject({ dueDate: '2026-12-21' }));
    expect(when.state().assignments.get('fire-safety')?.dueOverride).toBeNull();
  });

  test('R8: SaveExemptions applies ticks and unticks together and lists what changed', () => {
    const other = ruleSource({
      ruleId: 'r-induction',
      kind: 'newStarter',
      groupId: null,
      groupName: null,
      anchorDate: '2025-06-01',
    });
    const history: TrainingEvent[] = [
      assigned(groupSource, '2026-02-02'),
      { ...assigned(other, '2025-06-29', 'induction') },
      {
        type: 'ExemptionApplied',
        data: {
          userId: 'u1',
          courseId: 'induction',
          ruleId: 'r-induction',
          reason: 'r',
          appliedBy: 'admin',
          appliedAt: '2026-01-20T09:00:00.000Z',
          ...due(null),
          visible: false,
        },
      },
    ];
    const courses = [{ ...baseCourse('fire-safety', 'Fire Safety') }, { ...baseCourse('induction', 'Induction') }];
    const decision = given(history)
      .when(
        {
          type: 'SaveExemptions',
          exemptions: [
            { courseId: 'fire-safety', exempted: true, reason: 'long-term leave' },
            { courseId: 'induction', exempted: false },
          ],
        },
        { now: '2026-11-23T10:00:00.000Z', courses },
      )
      .then((events) => expect(events.map((event) => event.type)).toEqual(['ExemptionApplied', 'ExemptionRemoved']));
    expect(decision.message).toBe(
      'Exemptions saved for u1: exempted from Fire Safety; reinstated Induction, due 2026-12-21',
    );
  });

  test('R8: one bad tick refuses the whole set, so nothing is applied', () => {
    given([assigned(groupSource, '2026-02-02'), { ...assigned(individualSource(), null, 'induction') }])
      .when(
        {
          type: 'SaveExemptions',
          exemptions: [
            { courseId: 'fire-safety', exempted: true, reason: 'x' },
            { courseId: 'induction', exempted: true, reason: 'x' },
          ],
        },
        { courses: [baseCourse('fire-safety', 'Fire Safety'), baseCourse('induction', 'Induction')] },
      )
      .thenRefused('RULE_VIOLATION', /individual assignment cannot be exempted/);
  });

  test('R6: progress cannot be recorded on an exempted assignment', () => {
    given([assigned(groupSource, '2026-02-02'), exempted('r-eng', null, false)])
      .when({ type: 'StartCourse', courseId: 'fire-safety' })
      .thenRefused('RULE_VIOLATION', /exempt from fire-safety: remove the exemption/);
  });

  test('the exemption view data: each rule source carries its exemption', () => {
    const state = stateOf([assigned(groupSource, '2026-02-02'), exempted('r-eng', null, false)]);
    expect(
      state.assignments
        .get('fire-safety')
        ?.sources.map((source) => [source.ruleId, source.exempt, source.exemption?.reason]),
    ).toEqual([['r-eng', true, 'on support plan']]);
  });
});

function baseCourse(courseId: string, title: string) {
  return {
    exists: true as const,
    active: true,
    courseId,
    title,
    kind: 'course' as const,
    provider: 'Acme',
    trainingType: 'Compliance',
    versioning: 'standard' as const,
    validityDays: null,
    visibility: { kind: 'everyone' as const },
    location: null,
    version: 1,
    versions: [],
  };
}
