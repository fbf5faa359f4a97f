import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Result } from '../measure';
import { check } from '../measure';

interface MemoryReport {
  users: number;
  rules: number;
  events: number;
  firstRuleInMiS: number;
  peakRssMb: number;
  rssAfterGcMb: number;
  stateCacheMb: number;
}

/**
 * Issue #19 / DESIGN.md section 6: the engine's resident memory bounded whatever the portal's size: ≤ 1 GB at 250,000
 * users and no more than 1.5× its size at 25,000. Each size runs in a fresh process (bench/memoryChild.ts) with the
 * young generation `lms serve` runs with, started on a data folder another process filled with the portal (the
 * generator's own memory is not the engine's); quick mode runs the same at a tenth of the sizes.
 */
export function memoryWorkload(quick: boolean): Result {
  const [small, large] = quick ? [2_500, 25_000] : [25_000, 250_000];
  const rules = quick ? 3 : 10;
  const at = (users: number) => runChild(users, rules);
  const low = at(small);
  const high = at(large);
  const ratio = Math.round((high.peakRssMb / low.peakRssMb) * 100) / 100;
  return {
    workload: 'engine memory, served threads, default state cache',
    size: `${small.toLocaleString('en')} and ${large.toLocaleString('en')} users × ${rules} rules`,
    figures: {
      peakRssMbSmall: low.peakRssMb,
      peakRssMbLarge: high.peakRssMb,
      ratio,
      rssAfterGcMbLarge: high.rssAfterGcMb,
      stateCacheMbLarge: high.stateCacheMb,
      firstRuleInMiSLarge: high.firstRuleInMiS,
    },
    target: '≤ 1,024 MB at 250,000 users; ≤ 1.5× the 25,000-user figure',
    met: quick ? 'n/a' : high.peakRssMb <= 1024 && ratio <= 1.5,
  };
}

function runChild(users: number, rules: number): MemoryReport {
  const child = spawnSync(
    process.execPath,
    [
      '--max-semi-space-size=64',
      '--heap-growing-percent=30',
      '--expose-gc',
      path.join(__dirname, '..', 'memoryChild.js'),
      String(users),
      String(rules),
    ],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  check(child.status === 0, `memory child (${users} users) failed: ${child.stderr}`);
  const report = JSON.parse(child.stdout.trim().split('\n').pop() as string) as MemoryReport;
  check(report.users === users && report.events > users * rules, `memory child stored ${report.events} events`);
  return report;
}
