import path from 'node:path';
import type { Result } from '../measure';
import { check, runChild } from '../measure';

/**
 * The NATS workloads run in a process of their own (bench/natsChild.ts) with their own engine and portal: the
 * full-size portal held by this process must not pause the engine they measure.
 */
export async function natsWorkloads(quick: boolean): Promise<Result[]> {
  // The child is compiled into dist/bench/, one folder up from this workload.
  const child = await runChild(path.join(__dirname, '..', 'natsChild.js'), quick ? ['--quick'] : []);
  check(child.status === 0, `NATS workloads failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as Result[];
}
