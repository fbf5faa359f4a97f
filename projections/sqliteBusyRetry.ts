/**
 * Retries a step SQLite refuses with SQLITE_BUSY without waiting for the busy timeout. Switching a file to WAL is
 * one: when another process opens or closes the same file at that instant, `PRAGMA journal_mode = WAL` fails at
 * once, whatever busy_timeout says (seen: engines starting together on one data folder). Used only while opening
 * a file, where blocking the thread for a few milliseconds between tries is harmless.
 */
export function retryWhileBusy<T>(step: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs;
  for (let pauseMs = 2; ; pauseMs = Math.min(pauseMs * 2, 50)) {
    try {
      return step();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
      Atomics.wait(PAUSE, 0, 0, pauseMs);
    }
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
