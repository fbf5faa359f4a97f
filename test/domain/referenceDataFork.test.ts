import type { DomainEvent } from '../../domain/events';
import { LayeredMap } from '../../domain/referenceData/layeredMap';
import { ReferenceData } from '../../domain/referenceData/referenceData';

const profile = (userId: string, managerId: string | null) => ({
  name: userId,
  email: `${userId}@acme.test`,
  orgUnitId: 'root',
  department: null,
  role: null,
  location: null,
  managerId,
  hireDate: '2024-01-01',
  timeZone: null,
});
const user = (userId: string, managerId: string | null = null): DomainEvent => ({
  type: 'UserRegistered',
  data: { userId, ...profile(userId, managerId) },
});

/** Given a portal: grace manages ada; group eng holds ada. */
function present(): ReferenceData {
  const referenceData = new ReferenceData('admin');
  const events = [
    user('grace'),
    user('ada', 'grace'),
    user('sam'),
    { type: 'GroupCreated', data: { groupId: 'eng', name: 'Engineering', kind: 'static', criteria: null } },
    { type: 'GroupMemberAdded', data: { groupId: 'eng', userId: 'ada' } },
  ] as DomainEvent[];
  for (const event of events) referenceData.apply(event);
  return referenceData;
}

describe('R25: the reference data a preview folds its planned events into', () => {
  test('R25: given a fork, when members, managers and users change in it, then the fork sees them and the present does not', () => {
    const base = present();
    const fork = base.fork();
    const changes = [
      { type: 'GroupMemberAdded', data: { groupId: 'eng', userId: 'sam' } },
      { type: 'GroupMemberRemoved', data: { groupId: 'eng', userId: 'ada' } },
      { type: 'UserProfileUpdated', data: { userId: 'ada', changed: ['managerId'], profile: profile('ada', 'sam') } },
      user('newbie', 'grace'),
    ] as DomainEvent[];
    for (const event of changes) fork.apply(event);

    expect([...(fork.groups.get('eng')?.members ?? [])]).toEqual(['sam']);
    expect([...fork.groupsOf('sam')]).toEqual(['eng']);
    expect(fork.groupsOf('ada').size).toBe(0);
    expect(fork.directReports('sam')).toEqual(['ada']);
    expect(fork.directReports('grace')).toEqual(['newbie']);
    expect(fork.users.size).toBe(4);
    expect([...fork.users.keys()].sort()).toEqual(['ada', 'grace', 'newbie', 'sam']);

    expect([...(base.groups.get('eng')?.members ?? [])]).toEqual(['ada']);
    expect([...base.groupsOf('ada')]).toEqual(['eng']);
    expect(base.groupsOf('sam').size).toBe(0);
    expect(base.directReports('grace')).toEqual(['ada']);
    expect(base.directReports('sam')).toEqual([]);
    expect(base.users.has('newbie')).toBe(false);
    expect(base.users.get('ada')?.managerId).toBe('grace');
  });

  test('R25: given a layered map, when entries are set and deleted, then reads, size and iteration agree with a plain map', () => {
    const base = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const layered = new LayeredMap(base);
    layered.set('b', 20);
    layered.delete('c');
    layered.set('d', 4);
    expect(layered.get('a')).toBe(1);
    expect(layered.get('b')).toBe(20);
    expect(layered.has('c')).toBe(false);
    expect(layered.size).toBe(3);
    expect(new Map(layered)).toEqual(
      new Map([
        ['b', 20],
        ['d', 4],
        ['a', 1],
      ]),
    );
    layered.set('c', 30);
    expect(layered.get('c')).toBe(30);
    expect(base).toEqual(
      new Map([
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ]),
    );
  });
});

describe("issue #19: a lagging copy of the reference data (the reactor's) holds users once with the present", () => {
  const moved: DomainEvent = {
    type: 'UserProfileUpdated',
    data: { userId: 'ada', changed: ['managerId'], profile: profile('ada', 'sam') },
  };
  const log = [user('grace'), user('ada', 'grace'), user('sam'), moved];

  test("given a copy that has caught up, then every user is the present copy's object", () => {
    const head = new ReferenceData('admin');
    for (const event of log) head.apply(event);
    const lagging = new ReferenceData('admin');
    lagging.shareUsersWith(head);
    for (const event of log) lagging.apply(event);
    for (const userId of ['grace', 'ada', 'sam']) expect(lagging.users.get(userId)).toBe(head.users.get(userId));
  });

  test('given the lagging copy folded the portal first (the reactor starts before the first command), then the present takes its users', () => {
    const lagging = new ReferenceData('admin');
    const head = new ReferenceData('admin');
    head.shareUsersWith(lagging);
    for (const event of log.slice(0, 3)) lagging.apply(event);
    for (const event of log) head.apply(event);
    expect(head.users.get('grace')).toBe(lagging.users.get('grace'));
    expect(head.users.get('sam')).toBe(lagging.users.get('sam'));
    expect(head.users.get('ada')?.managerId).toBe('sam');
    expect(lagging.users.get('ada')?.managerId).toBe('grace');
  });

  test('given a copy behind a profile change, then it holds the profile as of its place and shares the rest', () => {
    const head = new ReferenceData('admin');
    for (const event of log) head.apply(event);
    const lagging = new ReferenceData('admin');
    lagging.shareUsersWith(head);
    for (const event of log.slice(0, 3)) lagging.apply(event);

    expect(lagging.users.get('ada')?.managerId).toBe('grace');
    expect(lagging.users.get('ada')).not.toBe(head.users.get('ada'));
    expect(lagging.directReports('grace')).toEqual(['ada']);
    expect(lagging.users.get('sam')).toBe(head.users.get('sam'));

    lagging.apply(moved);
    expect(lagging.users.get('ada')).toBe(head.users.get('ada'));
    expect(lagging.directReports('sam')).toEqual(['ada']);
    expect(lagging.directReports('grace')).toEqual([]);
  });

  test('given a copy without the email index (the reactor decides no command), then it holds the users and refuses to look up an email', () => {
    const head = new ReferenceData('admin');
    const lagging = new ReferenceData('admin', undefined, { emailIndex: false });
    for (const event of log) {
      head.apply(event);
      lagging.apply(event);
    }

    expect(head.emailOwner('ADA@acme.test')).toBe('ada');
    expect(head.fork().emailOwner('sam@acme.test')).toBe('sam');
    expect(lagging.users.get('ada')?.email).toBe('ada@acme.test');
    expect(lagging.reportingLine('sam')).toEqual(['ada']);
    expect(() => lagging.emailOwner('ada@acme.test')).toThrow('keeps no email index');
    expect(() => lagging.fork().emailOwner('ada@acme.test')).toThrow('keeps no email index');
  });
});
