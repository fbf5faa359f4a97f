import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Engine } from '../infra/engine/engine';
import { createRuleOverEveryone } from './adminCommands';
import { benchEngine } from './benchEngine';
import { profiled } from './cpuProfile';
import type { Result } from './measure';
import { round, timed } from './measure';
import { generatePortal } from './portalGenerator';
import { printResults } from './resultsOutput';
import { commandThroughputWorkload } from './workloads/commandThroughputWorkload';
import { dynamicRuleWorkload } from './workloads/dynamicRuleWorkload';
import { importWorkload } from './workloads/importWorkload';
import { longHistoryWorkload } from './workloads/longHistoryWorkload';
import { memoryWorkload } from './workloads/memoryWorkload';
import { mixedWorkloads } from './workloads/mixedWorkload';
import { natsWorkloads } from './workloads/natsWorkloads';
import { queryWorkload } from './workloads/queryWorkload';
import { rawInsertReference } from './workloads/rawInsertReference';
import { rebuildWorkload } from './workloads/rebuildWorkload';
import { webWorkload } from './workloads/webWorkload';

/**
 * `npm run bench [-- --quick] [-- --json] [-- --users N] [-- --rules N] [-- --only a,b] [-- --profile DIR] [-- --keep]`:
 * the service levels of
 * DESIGN.md section 6, measured on a generated portal, each workload checking its own result. Figures go to
 * BENCHMARKS.md. `--only` runs some of the workloads (names in WORKLOADS) on the same portal and `--profile` writes
 * each in-process workload's CPU profile, for looking into one path; the engine takes its LMS_* settings from the
 * environment (e.g. LMS_STATE_CACHE_MB), as `lms serve` does. `--keep` leaves the data folder (the generated portal's
 * events.db) for looking into one workload by hand, e.g. `node dist/bench/rebuildChild.js DIR/events.db out.db`.
 */

const WORKLOADS = [
  'dynamic',
  'commands',
  'queries',
  'web',
  'mixed',
  'rebuild',
  'import',
  'history',
  'memory',
  'raw',
  'nats',
];
type Workload = (typeof WORKLOADS)[number];

interface BenchOptions {
  quick: boolean;
  json: boolean;
  users: number;
  extraRules: number;
  skipNats: boolean;
  only: ReadonlySet<Workload> | null;
  profileDir: string | undefined;
  keep: boolean;
}

type Log = (line: string) => void;

function benchOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      users: { type: 'string' },
      rules: { type: 'string' },
      'skip-nats': { type: 'boolean', default: false },
      only: { type: 'string' },
      profile: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const quick = values.quick;
  const only = values.only === undefined ? null : new Set(values.only.split(',').map((name) => name.trim()));
  for (const name of only ?? []) {
    if (!WORKLOADS.includes(name)) throw new Error(`--only: no workload ${name} (${WORKLOADS.join(', ')})`);
  }
  return {
    quick,
    json: values.json,
    users: Number(values.users ?? (quick ? 2_000 : 100_000)),
    // Full size: ten rules over everyone give 1,000,000 assignments for 100,000 users.
    extraRules: Number(values.rules ?? (quick ? 2 : 9)),
    skipNats: values['skip-nats'],
    only,
    profileDir: values.profile,
    keep: values.keep,
  };
}

async function main(): Promise<void> {
  const options = benchOptions();
  const log: Log = (line) => process.stderr.write(`${line}\n`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-bench-'));
  log(`bench: ${options.users.toLocaleString('en')} users, data in ${dir}`);

  const settings = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('LMS_')));
  const built = benchEngine(dir, settings);
  let results: Result[];
  try {
    results = await runWorkloads(built, options, dir, log);
  } finally {
    await built.close();
    if (options.keep) log(`bench: data left in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
  printResults(options, results);
}

/** Generates the portal into the engine's store (in `dir`), then runs every workload in turn. */
async function runWorkloads(built: Engine, options: BenchOptions, dir: string, log: Log): Promise<Result[]> {
  const { quick, users, extraRules } = options;
  const { store, commands: engine, reactor, projections, queries } = built;
  const results: Result[] = [];
  // Each result records the peak resident memory reached by the end of its workload.
  const add = (...done: Result[]) => results.push(...done.map(withPeakRss));
  // The engine's reactions and read models caught up, so a workload measures its own work only.
  const settle = async () => {
    await reactor.runUntilIdle();
    await projections.catchUp();
  };
  const generation = await timed(() =>
    generatePortal(store, { users, courses: quick ? 20 : 200, seed: 42 }, (done, total) =>
      log(`  generating portal: ${done}/${total} users`),
    ),
  );
  const portal = generation.result;
  log(`  portal: ${portal.events.toLocaleString('en')} events in ${round(generation.ms / 1000, 1)} s`);
  await settle();

  const runs = (name: Workload) => options.only === null || options.only.has(name);
  const profile = <T>(name: Workload, work: () => Promise<T>) => profiled(options.profileDir, name, work);
  // The first rule over everyone: the dynamic-rule workload, or the same rule applied without measuring it.
  if (runs('dynamic'))
    add(await profile('dynamic', () => dynamicRuleWorkload(engine, reactor, projections, queries, portal)));
  else {
    await createRuleOverEveryone(engine, 'r-everyone', portal.courseIds[1] as string, 28);
    await reactor.runUntilIdle();
  }
  for (let r = 1; r <= extraRules; r++) {
    await createRuleOverEveryone(engine, `r-extra-${r}`, portal.courseIds[r + 1] as string, 30 + r);
    await reactor.runUntilIdle();
    log(`  extra rule ${r}/${extraRules} applied`);
  }
  await projections.catchUp();
  const cacheLine = (when: string) => {
    const use = engine.aggregates.cacheUse;
    log(
      `  state cache ${when}: ${use.states} states, ${Math.round(use.bytes / 2 ** 20)} MiB, ${use.hits} hits, ${use.misses} misses`,
    );
  };
  cacheLine('before the commands');
  if (runs('commands')) add(await profile('commands', () => commandThroughputWorkload(engine, portal, quick)));
  cacheLine('after the commands');
  await settle();
  if (runs('queries')) add(await profile('queries', () => queryWorkload(queries, portal, 1 + extraRules)));
  if (runs('web')) add(await profile('web', () => webWorkload(built, portal, quick)));
  // After the queries, whose MI check counts the rules' assignments only.
  if (runs('mixed')) add(...(await profile('mixed', () => mixedWorkloads(engine, portal, quick))));
  // Settled first: the rebuild's child process should not share the cores with this engine's catch-up of the
  // mixed workload (its projection thread was still following 30,000 commands when the child started).
  await settle();
  if (runs('rebuild')) add(await rebuildWorkload(store, dir));
  if (runs('import')) add(importWorkload(quick));
  if (runs('history')) add(await longHistoryWorkload(quick));
  if (runs('memory')) add(memoryWorkload(quick));
  if (runs('raw')) add(rawInsertReference(await store.headPosition()));
  if (runs('nats') && !options.skipNats) add(...(await natsWorkloads(quick)));
  return results;
}

/**
 * The bench process's peak resident memory when the workload ended (issue #19: every workload's); a workload run in
 * a child process reports its own `peakRssMb` instead.
 */
function withPeakRss(result: Result): Result {
  if ('peakRssMb' in result.figures) return result;
  return { ...result, figures: { ...result.figures, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) } };
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
