import { asOfFromText, statusFromText, statusText } from '../../infra/cli/labels';
import { UsageError } from '../../infra/cli/usageError';

describe('CLI inputs as people type them (issue #16)', () => {
  test('a status is accepted as the label the tables print or as its contract name, in any case and spacing', () => {
    expect(['Not Started', 'not started', 'notStarted', 'NOT-STARTED'].map(statusFromText)).toEqual([
      'notStarted',
      'notStarted',
      'notStarted',
      'notStarted',
    ]);
    expect(statusFromText('In Progress')).toBe('inProgress');
    expect(statusText(statusFromText('completed'))).toBe('Completed');
    expect(() => statusFromText('Done')).toThrow(UsageError);
  });

  test('--as-of: a plain date is the end of that day in the portal time zone; an instant is taken as it is', () => {
    expect(asOfFromText('2026-12-03', 'Europe/London')).toBe('2026-12-03T23:59:59.999Z');
    expect(asOfFromText('2026-12-03', 'America/New_York')).toBe('2026-12-04T04:59:59.999Z');
    expect(asOfFromText('2026-07-01', 'Europe/London')).toBe('2026-07-01T22:59:59.999Z');
    expect(asOfFromText('2026-12-03T10:00:00Z', 'Europe/London')).toBe('2026-12-03T10:00:00Z');
    expect(asOfFromText(undefined, 'Europe/London')).toBeUndefined();
    expect(() => asOfFromText('2026-02-30', 'Europe/London')).toThrow(UsageError);
  });
});
