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
