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
