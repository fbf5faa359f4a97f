import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { EventStore } from '../../handlers/ports/eventStore';
import type { Result } from '../measure';
import { check, round } from '../measure';

/**
 * SLO: rebuild ≥ 100,000 events/s into all read models; 1,000,000 events under 512 MB resident. Runs in a child
 * process.
 */
export async function rebuildWorkload(store: EventStore, dir: string): Promise<Result> {
  const events = await store.headPosition();
  // The child is compiled into dist/bench/, one folder up from this workload. It runs with the bench's Node flags,
  // which are the Docker image's (`lms rebuild` there: a 64 MB young generation, the old generation grown by 30%).
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      path.join(__dirname, '..', 'rebuildChild.js'),
      path.join(dir, 'events.db'),
      path.join(dir, 'rebuilt.db'),
    ],
    { encoding: 'utf8' },
  );
  check(child.status === 0, `rebuild child failed: ${child.stderr}`);
  const report = JSON.parse(child.stdout) as { events: number; ms: number; maxRssMb: number; assignments: number };
  check(report.events === events, `rebuild applied ${report.events} of ${events} events`);
  const perSecond = Math.round(report.events / (report.ms / 1000));
  return {
    workload: 'projection rebuild, all read models',
    size: `${events.toLocaleString('en')} events → ${report.assignments.toLocaleString('en')} assignment rows`,
    figures: { eventsPerS: perSecond, seconds: round(report.ms / 1000), peakRssMb: report.maxRssMb },
    target: '≥ 100,000 events/s; < 512 MB at 1M',
    met: perSecond >= 100_000 && report.maxRssMb < 512,
  };
}
