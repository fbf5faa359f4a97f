import { spawn } from 'node:child_process';
import { PerformanceObserver, performance } from 'node:perf_hooks';

/** Timing helpers for the benchmarks (never used in tests). */

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return 0;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)] as number;
}

export function summarize(latenciesMs: number[]) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
  };
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The work's result, its time, and when it started (performance.now()). */
export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; startMs: number }> {
  const startMs = performance.now();
  const result = await work();
  return { result, ms: performance.now() - startMs, startMs };
}

/** A garbage collection's pause on this thread: when it began (performance.now()) and how long it took. */
export interface GcPause {
  startMs: number;
  ms: number;
}

/** Runs `work`, noting the garbage collector's pauses on this thread meanwhile (what makes a latency's tail). */
export async function withGcPauses<T>(work: () => Promise<T>): Promise<{ result: T; pauses: GcPause[] }> {
  const pauses: GcPause[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push({ startMs: entry.startTime, ms: entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    const result = await work();
    // Entries are delivered after the turn that made them.
    await new Promise((resolve) => setTimeout(resolve, 10));
    return { result, pauses };
  } finally {
    observer.disconnect();
  }
}

/** Runs `count` tasks with at most `concurrency` in flight; returns each task's latency. */
export async function runConcurrently(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const started = performance.now();
      await task(i);
      latencies[i] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return latencies;
}

/** Offers `count` tasks at a fixed rate (per second), whatever the previous ones are doing; returns latencies. */
export async function runAtRate(
  count: number,
  perSecond: number,
  task: (i: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = new Array(count);
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = performance.now();
    pending.push(task(i).then(() => void (latencies[i] = performance.now() - sent)));
  }
  await Promise.all(pending);
  return latencies;
}

export class CheckFailed extends Error {}

/** A benchmark checks its own result: a fast wrong answer must not pass. */
export function check(condition: boolean, message: string): void {
  if (!condition) throw new CheckFailed(message);
}

/** One workload's figures, as printed in the table and the JSON. */
export interface Result {
  workload: string;
  size: string;
  figures: Record<string, number | string>;
  target: string;
  met: boolean | 'n/a';
}

/** Runs a bench script in a process of its own (not spawnSync: the caller may serve the load meanwhile). */
export function runChild(
  script: string,
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // With this process's V8 flags (npm run bench sets the young generation as lms serve runs with).
    const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
