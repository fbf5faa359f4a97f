/**
 * R6's exemption lifecycle (issue #17): an end date after which the exemption lapses by itself with the R9 reset, one
 * command for many users (the per-user decision), and an exemption that stays with the user and the rule across dynamic
 * removal and reassignment (R11) until it is removed or ends. Given the user's training events, when a command is
 * decided, then these events.
 */
import type { TrainingEvent } from '../../domain/userTraining/trainingState';
import { isVisible } from '../../domain/userTraining/trainingState';
import { assigned, due, given, individualSource, rule, ruleSource, stateOf } from '../support/trainingSpec';

const groupSource = ruleSource({ anchorDate: '2026-01-05' });
const mandatorySource = ruleSource({
  kind: 'mandatory',
  ruleId: 'r-all',
  groupId: null,
  groupName: null,
  due: { kind: 'relative', days: 60 },
  anchorDate: '2026-01-05',
});

const APPLIED_AT = '2026-01-20T09:00:00.000Z';

function exempted(until?: string, ruleId = 'r-eng', dueDate: string | null = null, visible = false): TrainingEvent {
  return {
    type: 'ExemptionApplied',
    data: {
      userId: 'u1',
      courseId: 'fire-safety',
      ruleId,
      reason: 'on long-term leave',
      appliedBy: 'admin',
      appliedAt: APPLIED_AT,
      ...(until ? { until } : {}),
      ...due(dueDate),
      visible,
    },
  };
}

/** Dynamic removal of the rule's source, the last one (R10): the assignment goes, its history stays. */
const dynamicallyRemoved = (ruleId = 'r-eng'): TrainingEvent[] => [
  {
    type: 'AssignmentSourceRemoved',
    data: {
      userId: 'u1',
      courseId: 'fire-safety',
      sourceKey: ruleId,
      cause: 'dynamic',
      remainingSources: 0,
      ...due(null),
    },
  },
  {
    type: 'TrainingUnassigned',
    data: { userId: 'u1', courseId: 'fire-safety', cause: 'dynamic', status: 'notStarted' },
  },
];

/** The user's midnight in London (summer time): 00:30 local is 23:30 UTC the day before. */
const londonMidnight = (date: string) => {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return `${day.toISOString().slice(0, 10)}T23:30:00.000Z`;
};

describe('R6: an exemption with an end date', () => {
  test('R6: an end date in the past is refused, nothing appended', () => {
    const history = [assigned(groupSource, '2026-02-02')];
    given(history)
      .when(
        { type: 'ExemptUser', courseId: 'fire-safety', reason: 'on leave', until: '2026-03-01' },
        { now: '2026-03-02T10:00:00.000Z' },
      )
      .thenRefused('RULE_VIOLATION', /end date 2026-03-01 must be after today \(2026-03-02 for u1\)/);
    // Today itself is not after today: the exemption would end before it began.
    given(history)
      .when(
        { type: 'ExemptUser', courseId: 'fire-safety', reason: 'on leave', until: '2026-03-02' },
        { now: '2026-03-02T10:00:00.000Z' },
      )
      .thenRefused('RULE_VIOLATION', /must be after today/);
  });

  test('R6: the end date is recorded on the exemption and said in the reply', () => {
    const when = given([assigned(groupSource, '2026-02-02')]).when(
      { type: 'ExemptUser', courseId: 'fire-safety', reason: 'on long-term leave', until: '2026-06-01' },
      { now: APPLIED_AT },
    );
    const decision = when.then([exempted('2026-06-01')]);
    expect(decision.message).toBe(
      'u1 exempted from Fire Safety (Group: Engineering): on long-term leave; exempt until 2026-06-01',
    );
    expect(when.state().assignments.get('fire-safety')?.sources[0]?.exemption).toEqual({
      reason: 'on long-term leave',
      appliedBy: 'admin',
      appliedAt: APPLIED_AT,
      until: '2026-06-01',
    });
  });

  test('R6: another end date for an exemption in force is recorded; the same one, or none given, changes nothing', () => {
    const history = [assigned(groupSource, '2026-02-02'), exempted('2026-06-01')];
    const decision = given(history)
      .when(
        { type: 'ExemptUser', courseId: 'fire-safety', reason: 'leave extended', until: '2026-09-01' },
        { now: '2026-05-02T10:00:00.000Z' },
      )
      .then(([event]) => expect(event?.data).toMatchObject({ until: '2026-09-01', reason: 'leave extended' }));
    expect(decision.message).toBe("u1's exemption from Fire Safety (Group: Engineering) now ends on 2026-09-01");
    given(history)
      .when({ type: 'ExemptUser', courseId: 'fire-safety', reason: 'again', until: '2026-06-01' }, { now: APPLIED_AT })
      .thenNothingHappened(/already exempt for u1 .*, exempt until 2026-06-01\)/);
    given(history).when({ type: 'ExemptUser', courseId: 'fire-safety', reason: 'again' }).thenNothingHappened();
  });

  test('R6, R8: a tick of SaveExemptions may carry an end date', () => {
    const decision = given([assigned(groupSource, '2026-02-02')])
      .when(
        {
          type: 'SaveExemptions',
          exemptions: [{ courseId: 'fire-safety', exempted: true, reason: 'on long-term leave', until: '2026-06-01' }],
        },
        { now: APPLIED_AT },
      )
      .then([exempted('2026-06-01')]);
    expect(decision.message).toBe('Exemptions saved for u1: exempted from Fire Safety; exempt until 2026-06-01');
  });

  test("R6, R9: an exemption with an end date lapses at the user's midnight and resets a 28-day deadline to that day + 28", () => {
    const history: TrainingEvent[] = [
      assigned(groupSource, '2026-02-02'),
      { type: 'CourseStarted', data: { userId: 'u1', courseId: 'fire-safety', version: 1, startedOn: '2026-01-10' } },
      { type: 'ProgressRecorded', data: { userId: 'u1', courseId: 'fire-safety', progress: 40 } },
      exempted('2026-06-01'),
    ];
    // 23:00 UTC on 31 May is still 31 May in London: the exemption holds.
    given(history).when({ type: 'RunScheduledTransitions' }, { now: '2026-05-31T22:59:00.000Z' }).then([]);
    const at = londonMidnight('2026-06-01');
    const when = given(history).when({ type: 'RunScheduledTransitions' }, { now: at, actorId: 'system:scheduler' });
    when.then([
      {
        type: 'ExemptionRemoved',
        data: {
          userId: 'u1',
          courseId: 'fire-safety',
          ruleId: 'r-eng',
          removedBy: 'system:scheduler',
          removedAt: at,
          renewed: {
            sourceKey: 'r-eng',
            due: { kind: 'relative', days: 28 },
            required: true,
            anchorDate: '2026-06-01',
          },
          lapsed: true,
          ...due('2026-06-29'),
          visible: true,
        },
      },
    ]);
    const assignment = when.state().assignments.get('fire-safety');
    expect(isVisible(assignment)).toBe(true);
    // R9: progress is kept.
    expect(assignment).toMatchObject({ status: 'inProgress', progress: 40, dueDate: '2026-06-29' });
    expect(when.run().message).toMatch(/1 exemptions ended/);
  });

  test('R6: a lapse is applied once however many ticks', () => {
    const history = [assigned(groupSource, '2026-02-02'), exempted('2026-06-01')];
    const first = given(history).when({ type: 'RunScheduledTransitions' }, { now: '2026-06-01T10:00:00.000Z' });
    const after = [...history, ...first.run().events];
    for (const now of ['2026-06-01T10:00:00.000Z', '2026-06-01T23:00:00.000Z', '2026-06-05T10:00:00.000Z'])
      given(after)
        .when({ type: 'RunScheduledTransitions' }, { now })
        .then((events) => expect(events.filter((event) => event.type === 'ExemptionRemoved')).toEqual([]));
  });

  test('R6, R9: after downtime the lapse is applied late, counting the window from the day the training is shown again', () => {
    given([assigned(groupSource, '2026-02-02'), exempted('2026-06-01')])
      .when({ type: 'RunScheduledTransitions' }, { now: '2026-06-10T10:00:00.000Z' })
      .then(([event]) =>
        expect(event?.data).toMatchObject({
          lapsed: true,
          renewed: { anchorDate: '2026-06-10' },
          dueDate: '2026-07-08',
        }),
      );
  });

  test('R6, R9: a fixed due date stays fixed when the exemption lapses', () => {
    const fixed = ruleSource({ due: { kind: 'fixed', date: '2026-12-31' } });
    given([assigned(fixed, '2026-12-31'), exempted('2026-06-01')])
      .when({ type: 'RunScheduledTransitions' }, { now: '2026-06-01T10:00:00.000Z' })
      .then(([event]) => expect(event?.data).toMatchObject({ lapsed: true, dueDate: '2026-12-31' }));
  });

  test('R6: an exemption without an end date never lapses', () => {
    given([assigned(groupSource, '2026-02-02'), exempted()])
      .when({ type: 'RunScheduledTransitions' }, { now: '2036-06-01T10:00:00.000Z' })
      .then([]);
  });
});

describe('R6, R16: one user of many exempted in one command', () => {
  test('R6, R16: a user who does not hold the rule source is skipped, saying so, not refused', () => {
    const command = { type: 'ExemptUser' as const, courseId: 'fire-safety', ruleId: 'r-eng', reason: 'x', bulk: true };
    given([])
      .when(command)
      .thenNothingHappened(/u1 does not hold Fire Safety: nothing to exempt/);
    given([assigned(mandatorySource, '2026-03-06')])
      .when(command)
      .thenNothingHappened(/u1 does not hold Fire Safety via rule r-eng: nothing to exempt/);
    given([assigned(individualSource(), null)])
      .when({ ...command, ruleId: undefined })
      .thenNothingHappened(/u1 holds Fire Safety only individually: nothing to exempt/);
    expect(given([]).when(command).run().outcome).toBe('skipped');
    // One user alone is still refused, as before.
    given([])
      .when({ ...command, bulk: undefined })
      .thenRefused('NOT_FOUND', /u1 has no assignment of fire-safety/);
  });
});

describe('R6, R11: an exemption stays with the user and the rule across dynamic removal and reassignment', () => {
  test('R6, R11: an exemption stays with the user across dynamic removal and reassignment', () => {
    const history = [assigned(groupSource, '2026-02-02'), exempted('2026-09-01'), ...dynamicallyRemoved()];
    expect(stateOf(history).assignments.get('fire-safety')?.keptExemptions).toEqual([
      {
        ruleId: 'r-eng',
        exemption: { reason: 'on long-term leave', appliedBy: 'admin', appliedAt: APPLIED_AT, until: '2026-09-01' },
      },
    ]);
    const when = given(history).when({ type: 'ApplyRule', rule: rule() }, { now: '2026-04-01T10:00:00.000Z' });
    const decision = when.then((events) => {
      expect(events.map((event) => event.type)).toEqual(['TrainingReassigned', 'ExemptionApplied']);
      // The original exemption: its reason, who applied it and when, and its end date.
      expect(events[1]?.data).toEqual({
        ...exempted('2026-09-01').data,
        restored: true,
      });
    });
    expect(decision.message).toMatch(
      /; still exempt from Group: Engineering \(on long-term leave, applied by admin on 2026-01-20, exempt until 2026-09-01\)$/,
    );
    const assignment = when.state().assignments.get('fire-safety');
    expect(isVisible(assignment)).toBe(false);
    expect(assignment?.sources[0]?.exemption).toEqual({
      reason: 'on long-term leave',
      appliedBy: 'admin',
      appliedAt: APPLIED_AT,
      until: '2026-09-01',
    });
    expect(assignment?.keptExemptions).toBeUndefined();
  });

  test('R6, R1: a source added again to an assignment another source kept comes back exempt; the other source stays due', () => {
    const history: TrainingEvent[] = [
      assigned(groupSource, '2026-02-02'),
      {
        type: 'AssignmentSourceAdded',
        data: { userId: 'u1', courseId: 'fire-safety', source: mandatorySource, ...due('2026-02-02') },
      },
      exempted(undefined, 'r-eng', '2026-03-06', true),
      {
        type: 'AssignmentSourceRemoved',
        data: {
          userId: 'u1',
          courseId: 'fire-safety',
          sourceKey: 'r-eng',
          cause: 'dynamic',
          remainingSources: 1,
          ...due('2026-03-06'),
        },
      },
    ];
    given(history)
      .when({ type: 'ApplyRule', rule: rule() }, { now: '2026-04-01T10:00:00.000Z' })
      .then((events) => {
        expect(events.map((event) => event.type)).toEqual(['AssignmentSourceAdded', 'ExemptionApplied']);
        expect(events[1]?.data).toMatchObject({
          ruleId: 'r-eng',
          restored: true,
          dueDate: '2026-03-06',
          visible: true,
        });
      });
  });

  test('R6, R11: an exemption that ended while the source was away does not come back: the training is due from today', () => {
    const history = [assigned(groupSource, '2026-02-02'), exempted('2026-03-01'), ...dynamicallyRemoved()];
    const decision = given(history)
      .when({ type: 'ApplyRule', rule: rule() }, { now: '2026-04-01T10:00:00.000Z' })
      .then((events) => {
        expect(events.map((event) => event.type)).toEqual(['TrainingReassigned']);
        expect(events[0]?.data).toMatchObject({ dueDate: '2026-04-29' });
      });
    expect(decision.message).toMatch(/; its exemption ended on 2026-03-01$/);
  });

  test('R6: an exemption removed while the source is away does not come back with it', () => {
    const history = [assigned(groupSource, '2026-02-02'), exempted(), ...dynamicallyRemoved()];
    const when = given(history).when(
      { type: 'RemoveExemption', courseId: 'fire-safety', ruleId: 'r-eng' },
      { now: '2026-03-01T10:00:00.000Z' },
    );
    when.then([
      {
        type: 'KeptExemptionRemoved',
        data: {
          userId: 'u1',
          courseId: 'fire-safety',
          ruleId: 'r-eng',
          removedBy: 'admin',
          removedAt: '2026-03-01T10:00:00.000Z',
        },
      },
    ]);
    const after = [...history, ...when.run().events];
    expect(stateOf(after).assignments.get('fire-safety')?.keptExemptions).toBeUndefined();
    given(after)
      .when({ type: 'ApplyRule', rule: rule() }, { now: '2026-04-01T10:00:00.000Z' })
      .then((events) => expect(events.map((event) => event.type)).toEqual(['TrainingReassigned']));
    // Nothing kept and nothing assigned: nothing to remove.
    given(after)
      .when({ type: 'RemoveExemption', courseId: 'fire-safety' })
      .thenRefused('NOT_FOUND', /has no assignment/);
  });

  test('R6: only dynamic removal keeps an exemption: a retired rule takes it with its source', () => {
    const history: TrainingEvent[] = [
      assigned(groupSource, '2026-02-02'),
      exempted(),
      {
        type: 'AssignmentSourceRemoved',
        data: {
          userId: 'u1',
          courseId: 'fire-safety',
          sourceKey: 'r-eng',
          cause: 'retired',
          remainingSources: 0,
          ...due(null),
        },
      },
    ];
    expect(stateOf(history).assignments.get('fire-safety')?.keptExemptions).toBeUndefined();
  });

  test('R6: a log without kept exemptions folds to the states it always did (no new field)', () => {
    const history = [assigned(groupSource, '2026-02-02'), ...dynamicallyRemoved()];
    const assignment = stateOf(history).assignments.get('fire-safety');
    expect(assignment && 'keptExemptions' in assignment).toBe(false);
    expect(
      Object.keys(stateOf([assigned(groupSource, '2026-02-02'), exempted()]).assignments.get('fire-safety') ?? {}),
    ).not.toContain('keptExemptions');
  });
});
