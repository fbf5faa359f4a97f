import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { ulid } from 'ulid';
import { ManualClock } from '../handlers/ports/clock';
import type { CommandHandler } from '../handlers/commandHandler';
import type { AssignmentReactor } from '../handlers/reactors/assignmentReactor';
import { loadConfig } from '../infra/config';
import { buildEngine } from '../infra/engine/buildEngine';
import type { EventStore } from '../handlers/ports/eventStore';
import { renderTable } from '../infra/cli/table';
import type { Projections } from '../projections/projectionRuntime';
import type { QueryHandler } from '../projections/queryHandler';
import type { Result } from './measure';
import { check, round, runChild, runConcurrently, summarize, timed } from './measure';
import type { GeneratedPortal } from './portalGenerator';
import { generatePortal, seededRandom } from './portalGenerator';

/**
 * `npm run bench [-- --quick] [-- --json] [-- --users N]`: the service levels of DESIGN.md section 6, measured on
 * a generated portal, each workload checking its own result. Figures go to BENCHMARKS.md.
 */

const ADMIN = 'admin';

/**
 * The NATS workloads run in a process of their own (bench/natsChild.ts) with their own engine and portal: the
 * full-size portal held by this process must not pause the engine they measure.
 */
async function natsWorkloads(quick: boolean): Promise<Result[]> {
  const child = await runChild(path.join(__dirname, 'natsChild.js'), quick ? ['--quick'] : []);
  check(child.status === 0, `NATS workloads failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as Result[];
}
const actor = { userId: ADMIN };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      users: { type: 'string' },
      rules: { type: 'string' },
      'skip-nats': { type: 'boolean', default: false },
    },
  });
  const quick = values.quick;
  const users = Number(values.users ?? (quick ? 2_000 : 100_000));
  // Full size: ten rules over everyone give 1,000,000 assignments for 100,000 users.
  const extraRules = Number(values.rules ?? (quick ? 2 : 9));
  const results: Result[] = [];
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-bench-'));
  log(`bench: ${users.toLocaleString('en')} users, data in ${dir}`);

  // As `lms serve` builds it: appends through the writer thread, projections in a worker thread with their own
  // connections (the second core), background work driven here instead of by loops.
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  const built = buildEngine({
    config: loadConfig({}, { LMS_DATA: dir, LMS_BOOTSTRAP_ADMIN: ADMIN }),
    clock,
    mode: 'served',
    projectionThread: { batchSize: 5000 },
  });
  const { store, commands: engine, reactor, projections, queries } = built;

  try {
    const generation = await timed(() =>
      generatePortal(store, { users, courses: quick ? 20 : 200, seed: 42 }, (done, total) =>
        log(`  generating portal: ${done}/${total} users`),
      ),
    );
    const portal = generation.result;
    log(`  portal: ${portal.events.toLocaleString('en')} events in ${round(generation.ms / 1000, 1)} s`);
    await reactor.runUntilIdle();
    await projections.catchUp();

    results.push(await dynamicRuleWorkload(engine, reactor, projections, queries, portal));
    for (let r = 1; r <= extraRules; r++) {
      await send(engine, 'CreateAssignmentRule', {
        ruleId: `r-extra-${r}`,
        courseId: portal.courseIds[r + 1],
        target: { kind: 'group', groupId: 'everyone' },
        mode: 'dynamic',
        due: { kind: 'relative', days: 30 + r },
      });
      await reactor.runUntilIdle();
      log(`  extra rule ${r}/${extraRules} applied`);
    }
    await projections.catchUp();
    results.push(await commandThroughputWorkload(engine, portal, quick));
    await reactor.runUntilIdle();
    await projections.catchUp();
    results.push(await queryWorkload(queries, portal, 1 + extraRules));
    results.push(await rebuildWorkload(store, dir));
    results.push(rawInsertReference(await store.headPosition()));
    if (!values['skip-nats']) results.push(...(await natsWorkloads(quick)));
  } finally {
    await built.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  if (values.json) {
    console.log(JSON.stringify({ machine, quick, users, results }, null, 2));
  } else {
    console.log(
      `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}`,
    );
    console.log(
      renderTable(
        ['workload', 'size', 'figures', 'service level', 'met'],
        results.map((r) => [
          r.workload,
          r.size,
          Object.entries(r.figures)
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
          r.target,
          r.met === 'n/a' ? '' : r.met ? 'yes' : 'NO',
        ]),
      ),
    );
  }
}

async function send(engine: CommandHandler, type: string, data: unknown): Promise<void> {
  const reply = await engine.handle({ commandId: ulid(), type, actor, data });
  check(reply.ok, `${type} refused: ${reply.ok ? '' : reply.error.message}`);
}

/** SLO: a dynamic rule applied to 100,000 users: every assignment stored and visible in MI within 10 s. */
async function dynamicRuleWorkload(
  engine: CommandHandler,
  reactor: AssignmentReactor,
  projections: Projections,
  queries: QueryHandler,
  portal: GeneratedPortal,
): Promise<Result> {
  const courseId = portal.courseIds[1] as string;
  const before = await engine.store.headPosition();
  const started = performance.now();
  await send(engine, 'CreateAssignmentRule', {
    ruleId: 'r-everyone',
    courseId,
    target: { kind: 'group', groupId: 'everyone' },
    mode: 'dynamic',
    due: { kind: 'relative', days: 28 },
  });
  // The projection thread follows the reactor's appends while they happen, as the server's projection loop does.
  let reacting = true;
  const following = (async () => {
    while (reacting) if ((await projections.catchUp()) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  })();
  await reactor.runUntilIdle();
  reacting = false;
  const storedMs = performance.now() - started;
  await following;
  await projections.catchUp();
  const visibleMs = performance.now() - started;
  let assigned = 0;
  for (let position = before; ; ) {
    const page = await engine.store.readAll(position, 10_000);
    if (page.length === 0) break;
    assigned += page.filter(
      (event) => event.type === 'TrainingAssigned' && (event.data as { courseId: string }).courseId === courseId,
    ).length;
    position = page[page.length - 1]?.position as number;
  }
  check(assigned === portal.userIds.length, `expected ${portal.userIds.length} assignments stored, found ${assigned}`);
  const summary = await queries.handle({ type: 'MiSummary', actor, params: { groupBy: 'course', courseId } });
  const row = summary.ok ? (summary.result as { assigned: number }[])[0] : undefined;
  check(row?.assigned === portal.userIds.length, `MI shows ${row?.assigned} of ${portal.userIds.length}`);
  return {
    workload: 'dynamic rule → every assignment stored and in MI',
    size: `${portal.userIds.length.toLocaleString('en')} users`,
    figures: {
      storedS: round(storedMs / 1000),
      visibleInMiS: round(visibleMs / 1000),
      assignmentsPerS: Math.round(portal.userIds.length / (visibleMs / 1000)),
    },
    target: '≤ 10 s for 100,000 users',
    met: portal.userIds.length >= 100_000 ? visibleMs <= 10_000 : 'n/a',
  };
}

/** SLO: ≥ 10,000 commands/s in one process (embedded). Commands: RecordProgress on assigned training. */
async function commandThroughputWorkload(
  engine: CommandHandler,
  portal: GeneratedPortal,
  quick: boolean,
): Promise<Result> {
  const count = quick ? 2_000 : 20_000;
  const random = seededRandom(7);
  const courseId = portal.courseIds[1] as string;
  const before = await engine.store.headPosition();
  let failures = 0;
  // Callers bring their command ids: generating them is the caller's cost, not the engine's.
  const commandIds = Array.from({ length: count }, () => ulid());
  const started = performance.now();
  const latencies = await runConcurrently(count, 64, async (i) => {
    const userId = portal.userIds[i % portal.userIds.length] as string;
    const reply = await engine.handle({
      commandId: commandIds[i] as string,
      type: 'RecordProgress',
      actor,
      data: { userId, courseId, progress: 1 + Math.floor(random() * 98) + (i >= portal.userIds.length ? 0.5 : 0) },
    });
    if (!reply.ok) failures++;
  });
  const seconds = (performance.now() - started) / 1000;
  check(failures === 0, `${failures} commands refused`);
  const stored = (await engine.store.headPosition()) - before;
  check(stored >= count, `expected at least ${count} events stored, found ${stored}`);
  const throughput = Math.round(count / seconds);
  return {
    workload: 'command handling, embedded, one process',
    size: `${count.toLocaleString('en')} RecordProgress, 64 in flight, fsync on every commit`,
    figures: { commandsPerS: throughput, ...pick(summarize(latencies), ['p50Ms', 'p99Ms']) },
    target: '≥ 10,000 commands/s',
    met: throughput >= 10_000,
  };
}

/** SLOs: dashboard and 50-person My Team p99 < 5 ms; MI summary over 1,000,000 assignments < 200 ms. */
async function queryWorkload(queries: QueryHandler, portal: GeneratedPortal, rules: number): Promise<Result> {
  const random = seededRandom(11);
  const dashboard: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const userId = portal.userIds[Math.floor(random() * portal.userIds.length)] as string;
    const { result, ms } = await timed(() => queries.handle({ type: 'UserDashboard', actor, params: { userId } }));
    check(result.ok && (result.result as unknown[]).length >= rules, 'dashboard lacks assignments');
    dashboard.push(ms);
  }
  const team: number[] = [];
  for (let i = 0; i < 200; i++) {
    const managerId = portal.managerIds[i % portal.managerIds.length] as string;
    const { result, ms } = await timed(() =>
      queries.handle({ type: 'MyTeam', actor: { userId: managerId }, params: {} }),
    );
    check(
      result.ok &&
        (result.result as { members: unknown[] }).members.length >=
          Math.min(50, portal.userIds.length / portal.managerIds.length - 2),
      'team too small',
    );
    team.push(ms);
  }
  const summary: number[] = [];
  let total = 0;
  for (let i = 0; i < 10; i++) {
    const { result, ms } = await timed(() =>
      queries.handle({ type: 'MiSummary', actor, params: { groupBy: 'course' } }),
    );
    total = result.ok ? (result.result as { assigned: number }[]).reduce((sum, row) => sum + row.assigned, 0) : 0;
    summary.push(ms);
  }
  check(
    total === portal.userIds.length * rules,
    `MI summary counts ${total}, expected ${portal.userIds.length * rules}`,
  );
  const d = summarize(dashboard);
  const t = summarize(team);
  const m = summarize(summary);
  return {
    workload: 'queries: dashboard / My Team (50) / MI summary',
    size: `${total.toLocaleString('en')} assignments`,
    figures: {
      dashboardP50Ms: d.p50Ms,
      dashboardP99Ms: d.p99Ms,
      myTeamP50Ms: t.p50Ms,
      myTeamP99Ms: t.p99Ms,
      miSummaryP50Ms: m.p50Ms,
      miSummaryP99Ms: m.p99Ms,
    },
    target: 'p99 < 5 ms, < 5 ms, MI < 200 ms (1M)',
    met: d.p99Ms < 5 && t.p99Ms < 5 && (total < 1_000_000 ? true : m.p99Ms < 200),
  };
}

/** SLO: rebuild ≥ 100,000 events/s into all read models; 1,000,000 events under 512 MB resident. Runs in a child process. */
async function rebuildWorkload(store: EventStore, dir: string): Promise<Result> {
  const events = await store.headPosition();
  const child = spawnSync(
    process.execPath,
    [path.join(__dirname, 'rebuildChild.js'), path.join(dir, 'events.db'), path.join(dir, 'rebuilt.db')],
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

/** Reference: raw better-sqlite3 inserts of the same number of rows in one transaction (the storage limit). */
function rawInsertReference(rows: number): Result {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-bench-raw-'));
  const db = new Database(path.join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE events (position INTEGER PRIMARY KEY, id TEXT UNIQUE, stream TEXT, revision INTEGER, type TEXT, data TEXT, metadata TEXT)',
  );
  const insert = db.prepare(
    'INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const started = performance.now();
  db.transaction(() => {
    for (let i = 0; i < rows; i++)
      insert.run(
        `id-${i}`,
        `training-u${i}`,
        0,
        'TrainingAssigned',
        '{"userId":"u","courseId":"c"}',
        '{"actorId":"a"}',
      );
  })();
  const ms = performance.now() - started;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    workload: 'reference: raw SQLite inserts, one transaction',
    size: `${rows.toLocaleString('en')} rows`,
    figures: { rowsPerS: Math.round(rows / (ms / 1000)) },
    target: 'storage limit',
    met: 'n/a',
  };
}

function pick<T extends object, K extends keyof T>(value: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, value[key]])) as Pick<T, K>;
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
