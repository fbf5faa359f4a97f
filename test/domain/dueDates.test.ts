import { explainDueDate } from '../../domain/policies/dueDatePolicy';
import { isOverdueAt } from '../../domain/policies/overduePolicy';
import { addDays, todayIn } from '../../domain/shared/calendar';
import { assigned, due, given, individualSource, rule, ruleSource } from '../support/trainingSpec';

describe('due dates (R2, R3, R9) in calendar days of the user time zone', () => {
  test('R2: a relative rule counts N days from the day the user was assigned', () => {
    given()
      .when({ type: 'ApplyRule', rule: rule({ due: { kind: 'relative', days: 28 } }) }, { now: '2026-03-02T10:00:00Z' })
      .then(([event]) => expect(event).toMatchObject({ type: 'TrainingAssigned', data: { dueDate: '2026-03-30' } }));
  });

  test('R2: a fixed rule gives its date and a rule without due date gives none', () => {
    given()
      .when({ type: 'ApplyRule', rule: rule({ due: { kind: 'fixed', date: '2026-06-30' } }) })
      .then(([event]) => expect(event?.data).toMatchObject({ dueDate: '2026-06-30' }));
    given()
      .when({ type: 'ApplyRule', rule: rule({ due: { kind: 'none' } }) })
      .then(([event]) => expect(event?.data).toMatchObject({ dueDate: null }));
  });

  test('R2: an individual assignment may carry a due date', () => {
    given()
      .when({ type: 'AssignIndividually', courseId: 'fire-safety', dueDate: '2026-04-15', required: true })
      .then(([event]) =>
        expect(event?.data).toMatchObject({
          dueDate: '2026-04-15',
          source: { kind: 'individual', due: { kind: 'fixed', date: '2026-04-15' } },
        }),
      );
  });

  test('R3: with two sources the earliest due date wins by default', () => {
    const history = [assigned(ruleSource({ anchorDate: '2026-03-02' }), '2026-03-30')];
    given(history)
      .when({ type: 'AssignIndividually', courseId: 'fire-safety', dueDate: '2026-03-10', required: true })
      .then(([event]) =>
        expect(event).toMatchObject({ type: 'AssignmentSourceAdded', data: { ...due('2026-03-10') } }),
      );
  });

  test('R3: the portal policy "latest" picks the latest candidate', () => {
    const history = [assigned(ruleSource({ anchorDate: '2026-03-02' }), '2026-03-30')];
    given(history)
      .when(
        { type: 'AssignIndividually', courseId: 'fire-safety', dueDate: '2026-03-10', required: true },
        { preferences: { dueDatePolicy: 'latest' } },
      )
      .then(([event]) => expect(event?.data).toMatchObject({ dueDate: '2026-03-30' }));
  });

  test('R3: exempt sources and sources without a date are not candidates; the explanation lists every candidate and the winner', () => {
    const explanation = explainDueDate(
      [
        { ...ruleSource({ ruleId: 'r1', anchorDate: '2026-03-02' }), exempt: true },
        { ...ruleSource({ ruleId: 'r2', due: { kind: 'fixed', date: '2026-05-01' } }), exempt: false },
        { ...individualSource({ kind: 'none' }), exempt: false },
      ],
      null,
      'earliest',
    );
    expect(explanation.dueDate).toBe('2026-05-01');
    expect(explanation.winner).toBe('r2');
    expect(explanation.candidates.map((candidate) => [candidate.sourceKey, candidate.date, candidate.exempt])).toEqual([
      ['r1', '2026-03-30', true],
      ['r2', '2026-05-01', false],
      ['individual', null, false],
    ]);
  });

  test('R3: an admin ChangeDueDate overrides the policy until the next reset (R9)', () => {
    const history = [assigned(ruleSource({ anchorDate: '2026-03-02' }), '2026-03-30')];
    const overridden = given(history).when({ type: 'ChangeDueDate', courseId: 'fire-safety', dueDate: '2026-08-01' });
    const [changed] = overridden.run().events;
    expect(changed).toMatchObject({
      type: 'DueDateChanged',
      data: { ...due('2026-08-01'), previousDueDate: '2026-03-30', override: '2026-08-01' },
    });
    // A later source does not end the override...
    given([...history, changed!])
      .when({ type: 'AssignIndividually', courseId: 'fire-safety', dueDate: '2026-03-05', required: true })
      .then(([event]) => expect(event?.data).toMatchObject({ dueDate: '2026-08-01' }));
    // ...but clearing it brings the policy back.
    given([...history, changed!])
      .when({ type: 'ChangeDueDate', courseId: 'fire-safety', dueDate: null })
      .then(([event]) => expect(event?.data).toMatchObject({ dueDate: '2026-03-30', override: null }));
  });

  test('month ends: 28 days from 31 January is 28 February, and from 31 January in a leap year is 28 February too', () => {
    expect(addDays('2026-01-31', 28)).toBe('2026-02-28');
    expect(addDays('2028-01-31', 28)).toBe('2028-02-28');
    expect(addDays('2028-02-01', 28)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  test('DST: a 28-day window that spans the spring and autumn clock changes is still 28 calendar days', () => {
    // Europe/London springs forward on 2026-03-29 and falls back on 2026-10-25.
    given()
      .when({ type: 'ApplyRule', rule: rule() }, { now: '2026-03-28T23:30:00Z', timeZone: 'Europe/London' })
      .then(([event]) =>
        expect(event?.data).toMatchObject({ source: { assignedOn: '2026-03-28' }, dueDate: '2026-04-25' }),
      );
    given()
      .when({ type: 'ApplyRule', rule: rule() }, { now: '2026-10-24T23:30:00Z', timeZone: 'Europe/London' })
      // 23:30 UTC on 24 October is 00:30 on 25 October in London (still BST, UTC+1).
      .then(([event]) =>
        expect(event?.data).toMatchObject({ source: { assignedOn: '2026-10-25' }, dueDate: '2026-11-22' }),
      );
  });

  test('a user in another time zone than the portal gets "today" from their own zone', () => {
    // 2026-03-02T20:00Z is already 3 March in Auckland, still 2 March in London.
    expect(todayIn('2026-03-02T20:00:00Z', 'Pacific/Auckland')).toBe('2026-03-03');
    expect(todayIn('2026-03-02T20:00:00Z', 'Europe/London')).toBe('2026-03-02');
    given()
      .when({ type: 'ApplyRule', rule: rule() }, { now: '2026-03-02T20:00:00Z', timeZone: 'Pacific/Auckland' })
      .then(([event]) =>
        expect(event?.data).toMatchObject({ source: { assignedOn: '2026-03-03' }, dueDate: '2026-03-31' }),
      );
  });

  test('a due date ends at the end of that day in the user time zone', () => {
    // 2026-03-30 ends at 23:59:59.999 BST = 22:59:59.999Z.
    const due = { status: 'notStarted', dueDate: '2026-03-30' };
    expect(isOverdueAt(due, '2026-03-30T22:59:00Z', 'Europe/London')).toBe(false);
    expect(isOverdueAt(due, '2026-03-30T23:00:00Z', 'Europe/London')).toBe(true);
    expect(isOverdueAt(due, '2026-03-30T23:00:00Z', 'America/New_York')).toBe(false);
    expect(isOverdueAt({ ...due, status: 'completed' }, '2026-04-02T00:00:00Z', 'Europe/London')).toBe(false);
  });
});
