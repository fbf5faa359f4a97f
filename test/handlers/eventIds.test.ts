import { ulid } from 'ulid';
import { eventIdFor, eventIdsFor } from '../../handlers/eventIds';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[57][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const msOf = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('event ids: derived from the command id (R21 retries store once), time-ordered when the command id is', () => {
  test('the same command id and index give the same id; another index or command another id', () => {
    const commandId = ulid();
    expect(eventIdFor(commandId, 0)).toBe(eventIdFor(commandId, 0));
    expect(eventIdFor(commandId, 1)).not.toBe(eventIdFor(commandId, 0));
    expect(eventIdFor(ulid(), 0)).not.toBe(eventIdFor(commandId, 0));
  });

  test('a ULID command id gives UUID v7 ids carrying its time, so later commands sort later', () => {
    const earlier = ulid(Date.UTC(2026, 0, 5, 9));
    const later = ulid(Date.UTC(2026, 0, 5, 9, 0, 0, 1));
    const id = eventIdFor(earlier, 0);
    expect(id).toMatch(UUID);
    expect(id[14]).toBe('7');
    expect(msOf(id)).toBe(Date.UTC(2026, 0, 5, 9));
    for (let index = 0; index < 50; index++)
      expect(eventIdFor(later, index) > eventIdFor(earlier, 49 - index)).toBe(true);
  });

  test("a reactor's command id naming a v7 event id gives ids with that event's time", () => {
    const trigger = eventIdFor(ulid(Date.UTC(2026, 5, 1)), 0);
    const id = eventIdFor(`reactor:${trigger}:3`, 7);
    expect(id[14]).toBe('7');
    expect(msOf(id)).toBe(Date.UTC(2026, 5, 1));
  });

  test('any other command id gives name-based v5 ids', () => {
    for (const commandId of ['cmd-1', 'reactor:not-a-uuid:0', '8ZZZZZZZZZZZZZZZZZZZZZZZZZ', 'x'.repeat(128)]) {
      const id = eventIdFor(commandId, 0);
      expect(id).toMatch(UUID);
      expect(id[14]).toBe('5');
    }
  });
});

describe('event ids of a large command', () => {
  test('every index of a command gives its own id, past the 16,777,216 the last three bytes can hold too', () => {
    const idOf = eventIdsFor(ulid());
    const ids = new Set(Array.from({ length: 5000 }, (_, index) => idOf(index)));
    expect(ids.size).toBe(5000);
    expect(idOf(0x1000000)).not.toBe(idOf(0));
    expect(idOf(0x1000000)).toMatch(UUID);
    expect(idOf(0x1000000)).toBe(idOf(0x1000000));
  });
});

describe('event ids never change across versions (R21: a command retried after an upgrade stores its events once)', () => {
  // Derived by the implementation of session 16 (before ids were written from a prefix kept per command).
  const known: [string, string[]][] = [
    [
      '01JEXAMPLE0000000000000000',
      [
        '1b4428c1-c148-5373-aa16-a736ef000000',
        '1b4428c1-c148-5373-aa16-a736ef000001',
        '1b4428c1-c148-5373-aa16-a736ef0000ff',
        '1b4428c1-c148-5373-aa16-a736efffffff',
        'b0cabc88-e2bb-5170-be8d-102d50852780',
      ],
    ],
    [
      '01HZ8Y3K2M4N5P6Q7R8S9T0V1W',
      [
        '018fd1e1-cc54-71ec-9765-58d452000000',
        '018fd1e1-cc54-71ec-9765-58d452000001',
        '018fd1e1-cc54-71ec-9765-58d4520000ff',
        '018fd1e1-cc54-71ec-9765-58d452ffffff',
        '018fd1e1-cc54-776c-915a-99bedc904c2c',
      ],
    ],
    [
      'reactor:01938a6c-3f00-7a12-8b34-56789abcdef0:2',
      [
        '01938a6c-3f00-73e1-9f37-b9f6a1000000',
        '01938a6c-3f00-73e1-9f37-b9f6a1000001',
        '01938a6c-3f00-73e1-9f37-b9f6a10000ff',
        '01938a6c-3f00-73e1-9f37-b9f6a1ffffff',
        '01938a6c-3f00-7512-ae1e-deb441a7b6d5',
      ],
    ],
    [
      'cmd-1',
      [
        '056f000f-61f5-5b7f-ae59-2afae6000000',
        '056f000f-61f5-5b7f-ae59-2afae6000001',
        '056f000f-61f5-5b7f-ae59-2afae60000ff',
        '056f000f-61f5-5b7f-ae59-2afae6ffffff',
        'c12bef72-2edd-5179-b4a5-a35a9eb5a915',
      ],
    ],
  ];

  test.each(known)('%s: indexes 0, 1, 255, 2^24 - 1 and 2^24 give the ids stored before', (commandId, ids) => {
    const idOf = eventIdsFor(commandId);
    expect([0, 1, 255, 0xffffff, 0x1000000].map(idOf)).toEqual(ids);
  });
});
