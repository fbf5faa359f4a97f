import { retryWhileBusy } from '../../projections/sqliteBusyRetry';

/** R21: the step SQLite refuses at once while another process opens or closes the file is tried again. */
const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

describe('retryWhileBusy', () => {
  test('R21: a step refused with SQLITE_BUSY is tried again until it succeeds', () => {
    let tries = 0;
    const result = retryWhileBusy(() => {
      tries++;
      if (tries < 3) throw busy();
      return 'wal';
    }, 5000);
    expect(result).toBe('wal');
    expect(tries).toBe(3);
  });

  test('any other failure is thrown at the first try', () => {
    let tries = 0;
    const corrupt = Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' });
    expect(() =>
      retryWhileBusy(() => {
        tries++;
        throw corrupt;
      }, 5000),
    ).toThrow(corrupt);
    expect(tries).toBe(1);
  });

  test('still busy when the timeout has passed: the last refusal is thrown', () => {
    let tries = 0;
    expect(() =>
      retryWhileBusy(() => {
        tries++;
        throw busy();
      }, 20),
    ).toThrow('database is locked');
    expect(tries).toBeGreaterThan(1);
  });
});
