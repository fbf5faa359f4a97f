import { decodeTime } from 'ulid';
import { CommandIdSchema } from '../../domain/shared/primitives';
import { newCommandId, orderedCommandIds } from '../../infra/commandIds';

describe('command ids made for callers', () => {
  test('R21: every id is a valid ULID carrying the time it was made, and 20,000 ids are all distinct', () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, () => newCommandId());
    expect(ids.filter((id) => !CommandIdSchema.safeParse(id).success)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    const times = ids.map((id) => decodeTime(id));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(before);
    expect(Math.max(...times)).toBeLessThanOrEqual(Date.now());
  });

  test('the random part uses all 32 characters evenly enough (no bias from the pool)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 4_000; i++)
      for (const character of newCommandId().slice(10)) counts.set(character, (counts.get(character) ?? 0) + 1);
    expect(counts.size).toBe(32);
    // 64,000 characters over 32 symbols: 2,000 each expected; a broken mapping leaves some far off.
    for (const count of counts.values()) expect(Math.abs(count - 2_000)).toBeLessThan(300);
  });

  test('R21: ordered ids are valid, distinct and sort in the order they were made, many within one millisecond', () => {
    const next = orderedCommandIds();
    const ids = Array.from({ length: 20_000 }, () => next());
    expect(ids.filter((id) => !CommandIdSchema.safeParse(id).success)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // Made in a burst: thousands share a millisecond, ordered by their random part.
    expect(new Set(ids.map((id) => decodeTime(id))).size).toBeLessThan(ids.length / 2);
  });
});
