import fc from 'fast-check';
import type { DomainEvent } from '../../domain/events';
import { eventSchemas } from '../../domain/events';
import { RuleHolders } from '../../domain/reactions/ruleHolders';
import { UserBitSet } from '../../domain/reactions/userBitSet';

/** A rule's source given to a user, as the training decider records it (checked against the published schema). */
function given(type: 'TrainingAssigned' | 'AssignmentSourceAdded', ruleId: string | null, userId: string): DomainEvent {
  const source = {
    kind: ruleId === null ? 'individual' : 'mandatory',
    ruleId,
    groupId: null,
    groupName: null,
    due: { kind: 'relative', days: 28 },
    anchorDate: '2026-03-02',
    assignedOn: '2026-03-02',
    assignedBy: 'admin',
    required: true,
    dynamic: true,
    dynamicReassignment: true,
    upgradeToLatestVersion: false,
  };
  const data =
    type === 'TrainingAssigned'
      ? { userId, courseId: 'c1', source, version: 1, dueDate: '2026-03-30', dueDatePolicy: 'earliest', notify: true }
      : { userId, courseId: 'c1', source, dueDate: '2026-03-30', dueDatePolicy: 'earliest' };
  return { type, data: eventSchemas[type].parse(data) } as DomainEvent;
}

function removed(ruleId: string, userId: string): DomainEvent {
  const data = {
    userId,
    courseId: 'c1',
    sourceKey: ruleId,
    cause: 'dynamic',
    remainingSources: 1,
    dueDate: null,
    dueDatePolicy: 'earliest',
  };
  return { type: 'AssignmentSourceRemoved', data: eventSchemas.AssignmentSourceRemoved.parse(data) } as DomainEvent;
}

function holdersAfter(events: DomainEvent[]): RuleHolders {
  const holders = new RuleHolders();
  for (const event of events) holders.apply(event);
  return holders;
}

describe('rule holders (R10, R11: what reactions compare a rule reach with), one bit per user (issue #19)', () => {
  test('given a rule source assigned and another added, both users hold the rule; the rule lists them sorted', () => {
    const holders = holdersAfter([given('TrainingAssigned', 'r1', 'zoe'), given('AssignmentSourceAdded', 'r1', 'ada')]);
    expect(holders.holds('r1', 'zoe')).toBe(true);
    expect(holders.holds('r1', 'ada')).toBe(true);
    expect(holders.holds('r2', 'ada')).toBe(false);
    expect(holders.of('r1')).toEqual(['ada', 'zoe']);
  });

  test('given a source removed, that user no longer holds the rule and the others still do', () => {
    const holders = holdersAfter([
      given('TrainingAssigned', 'r1', 'ada'),
      given('TrainingAssigned', 'r1', 'bob'),
      removed('r1', 'ada'),
    ]);
    expect(holders.holds('r1', 'ada')).toBe(false);
    expect(holders.of('r1')).toEqual(['bob']);
  });

  test('an individual source holds no rule, and removing a source nobody held changes nothing', () => {
    const holders = holdersAfter([given('TrainingAssigned', null, 'ada'), removed('r1', 'never-seen')]);
    expect(holders.of('r1')).toEqual([]);
    expect(holders.holds('r1', 'never-seen')).toBe(false);
  });

  test('ids that name object properties are users and rules like any other', () => {
    const holders = holdersAfter([
      given('TrainingAssigned', 'constructor', 'valueOf'),
      given('TrainingAssigned', 'toString', 'constructor'),
    ]);
    expect(holders.holds('constructor', 'valueOf')).toBe(true);
    expect(holders.holds('constructor', 'constructor')).toBe(false);
    expect(holders.holds('hasOwnProperty', 'valueOf')).toBe(false);
    expect(holders.of('toString')).toEqual(['constructor']);
  });

  test('any sequence of sources given and removed leaves the holders a set per rule would hold', () => {
    const step = fc.record({
      give: fc.boolean(),
      rule: fc.constantFrom('r1', 'r2', 'constructor'),
      user: fc.integer({ min: 0, max: 200 }).map((n) => `u${n}`),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        const holders = new RuleHolders();
        const model = new Map<string, Set<string>>();
        for (const { give, rule, user } of steps) {
          holders.apply(give ? given('AssignmentSourceAdded', rule, user) : removed(rule, user));
          const set = model.get(rule) ?? new Set<string>();
          if (give) set.add(user);
          else set.delete(user);
          model.set(rule, set);
        }
        for (const rule of ['r1', 'r2', 'constructor']) {
          expect(holders.of(rule)).toEqual([...(model.get(rule) ?? [])].sort());
          for (let n = 0; n <= 200; n += 17)
            expect(holders.holds(rule, `u${n}`)).toBe(model.get(rule)?.has(`u${n}`) ?? false);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('a set of user numbers, one bit each', () => {
  test('members come back ascending across word boundaries and growth, including bit 31 of a word', () => {
    const set = new UserBitSet();
    const numbers = [0, 31, 32, 63, 64, 1_000, 99_999, 5];
    for (const n of numbers) set.add(n);
    set.delete(64);
    set.delete(200_000);
    expect([...set.members()]).toEqual([0, 5, 31, 32, 63, 1_000, 99_999]);
    expect(set.has(31)).toBe(true);
    expect(set.has(64)).toBe(false);
    expect(set.has(1_000_000)).toBe(false);
  });
});
