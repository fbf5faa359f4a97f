import { dateOfDayNumber, dayNumberOf } from '../../domain/shared/dayNumbers';

/** The UTC calendar, as an independent reference for the integer arithmetic. */
const viaDate = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

describe('issue #19: calendar dates as day numbers for the packed state cache', () => {
  test('every day from 1900 to 2200 converts to the day number the UTC calendar gives, and back to the same text', () => {
    const first = Date.UTC(1900, 0, 1) / 86_400_000;
    const last = Date.UTC(2200, 11, 31) / 86_400_000;
    const wrong: string[] = [];
    for (let day = first; day <= last; day++) {
      const date = viaDate(day);
      if (dayNumberOf(date) !== day || dateOfDayNumber(day) !== date) wrong.push(date);
    }
    expect(wrong).toEqual([]);
  });

  test('four-digit years at both ends of the calendar and leap days convert exactly', () => {
    for (const date of ['0001-01-01', '0400-02-29', '1600-02-29', '2000-02-29', '2024-02-29', '9999-12-31']) {
      const day = dayNumberOf(date);
      expect(day).toEqual(expect.any(Number));
      expect(dateOfDayNumber(day as number)).toBe(date);
    }
    expect(dayNumberOf('1970-01-01')).toBe(0);
    expect(dayNumberOf('1969-12-31')).toBe(-1);
  });

  test('text that is not a real canonical date is not converted (the packed state keeps it as it is)', () => {
    for (const text of [
      '2026-02-30',
      '2026-13-01',
      '2023-02-29',
      '1900-02-29',
      '2026-1-05',
      '2026-01-05T00:00',
      '',
      'x',
    ])
      expect(dayNumberOf(text)).toBeUndefined();
  });

  test('past its bound the memory is dropped and conversions stay exact', () => {
    const start = dayNumberOf('1800-01-01') as number;
    const wrong: number[] = [];
    for (let day = start; day < start + 60_000; day++) if (dayNumberOf(dateOfDayNumber(day)) !== day) wrong.push(day);
    expect(wrong).toEqual([]);
    expect(dateOfDayNumber(start)).toBe('1800-01-01');
  });
});
