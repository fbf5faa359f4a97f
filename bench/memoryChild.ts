import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { threadHeaps } from '../infra/threads/threadRequests';
import { ADMIN, createRuleOverEveryone } from './adminCommands';
import { benchEngine } from './benchEngine';
import { type GeneratedPortal, generatePortal } from './portalGenerator';

/**
 * Issue #19: the engine's resident memory for a portal of `users` users, in a fresh process built as `lms serve`
 * builds it (writer thread, projections on their thread, the default state-cache bound). The portal is generated
 * first by another process (`memoryChild --generate DIR USERS`, which also projects it), so what is measured is an
 * engine started on a data folder that holds the portal, as after a restart: `rules` dynamic rules over everyone are
 * applied and projected (`users × rules` assignments), then one command per user in 64 in flight (RecordProgress on
 * the first rule's course) touches every user's training once more. Reports the peak RSS and the RSS after a full
 * garbage collection.
 */
async function main(): Promise<void> {
  if (process.argv[2] === '--generate') return generate(process.argv[3] as string, Number(process.argv[4]));
  const [usersText, rulesText] = process.argv.slice(2);
  const users = Number(usersText);
  const rules = Number(rulesText);
  if (!Number.isInteger(users) || !Number.isInteger(rules)) throw new Error('usage: memoryChild USERS RULES');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-bench-memory-'));
  const generated = spawnSync(process.execPath, [...process.execArgv, __filename, '--generate', dir, String(users)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: process.env,
  });
  if (generated.status !== 0) throw new Error(`generating the portal failed (exit ${generated.status})`);
  const portal = JSON.parse(fs.readFileSync(path.join(dir, PORTAL_FILE), 'utf8')) as GeneratedPortal;
  const built = benchEngine(dir, process.env);
  let phase = 'start';
  const peaks: Record<string, number> = {};
  const rssPeaks: Record<string, number> = {};
  // A diagnostic: MEMORY_SNAPSHOT_MB writes one heap snapshot when the heap first grows past it.
  let snapshotTaken = false;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    const used = Math.round(usage.heapUsed / 1024 / 1024);
    peaks[phase] = Math.max(peaks[phase] ?? 0, used);
    rssPeaks[phase] = Math.max(rssPeaks[phase] ?? 0, Math.round(usage.rss / 1024 / 1024));
    const snapshotAt = Number(process.env.MEMORY_SNAPSHOT_MB ?? Number.POSITIVE_INFINITY);
    if (used > snapshotAt && !snapshotTaken) {
      snapshotTaken = true;
      process.stderr.write(`heap snapshot: ${v8.writeHeapSnapshot()}\n`);
    }
  }, 20);
  // Each worker thread's heap, asked of the thread: the peak of what it held (used) and took (total).
  const threadPeaks: Record<string, { usedMb: number; totalMb: number }> = {};
  const threadSampler = setInterval(() => {
    void threadHeaps().then((heaps) => {
      for (const heap of heaps) {
        const peak = threadPeaks[heap.thread] ?? { usedMb: 0, totalMb: 0 };
        peak.usedMb = Math.max(peak.usedMb, Math.round(heap.usedBytes / 1024 / 1024));
        peak.totalMb = Math.max(peak.totalMb, Math.round(heap.totalBytes / 1024 / 1024));
        threadPeaks[heap.thread] = peak;
      }
    });
  }, 250);
  try {
    const started = performance.now();
    // The engine takes up the stored portal: its reference data, the reactor's and the projections' positions.
    await built.reactor.runUntilIdle();
    await built.projections.catchUp();
    let firstRuleMs = 0;
    for (let r = 0; r < rules; r++) {
      // Each rule's phases apart: the command (R25's counting), the reactor applying it, the projection.
      phase = `rule ${r} command`;
      const ruleStarted = performance.now();
      await createRuleOverEveryone(built.commands, `r-memory-${r}`, portal.courseIds[r + 1] as string, 28 + r);
      phase = `rule ${r} reactor`;
      await built.reactor.runUntilIdle();
      phase = `rule ${r} projection`;
      await built.projections.catchUp();
      if (r === 0) firstRuleMs = performance.now() - ruleStarted;
    }
    phase = 'commands';
    const commandsStarted = performance.now();
    const courseId = portal.courseIds[1] as string;
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        for (let i = next++; i < portal.userIds.length; i = next++) {
          const reply = await built.commands.handle({
            commandId: ulidFor(i),
            type: 'RecordProgress',
            actor: { userId: ADMIN },
            data: { userId: portal.userIds[i], courseId, progress: 10 },
          });
          if (!reply.ok) throw new Error(`RecordProgress refused: ${reply.error.message}`);
        }
      }),
    );
    const commandsS = (performance.now() - commandsStarted) / 1000;
    await built.projections.catchUp();
    const cache = built.commands.aggregates.cacheUse;
    global.gc?.();
    console.log(
      JSON.stringify({
        users,
        rules,
        events: await built.store.headPosition(),
        seconds: Math.round((performance.now() - started) / 1000),
        firstRuleInMiS: Math.round(firstRuleMs / 100) / 10,
        // One RecordProgress per user in user order, 64 in flight: most users are cold when the portal outgrows the
        // state cache.
        commandsPerS: Math.round(portal.userIds.length / commandsS),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        rssAfterGcMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
        heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1024 / 1024),
        stateCacheMb: Math.round(cache.bytes / 1024 / 1024),
        mainHeapPeakMb: Math.max(...Object.values(peaks)),
        threadHeapPeaksMb: threadPeaks,
        ...(process.env.MEMORY_DETAIL ? { detail: memoryDetail(), heapPeaksMb: peaks, rssPeaksMb: rssPeaks } : {}),
      }),
    );
  } finally {
    clearInterval(sampler);
    clearInterval(threadSampler);
    await built.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const PORTAL_FILE = 'portal.json';

/** The portal's events, written by an engine on `dir` and projected, then the ids the workload needs in a file. */
async function generate(dir: string, users: number): Promise<void> {
  const built = benchEngine(dir, process.env);
  try {
    const portal = await generatePortal(built.store, { users, courses: 20, seed: 42 }, () => undefined);
    await built.reactor.runUntilIdle();
    await built.projections.catchUp();
    fs.writeFileSync(path.join(dir, PORTAL_FILE), JSON.stringify(portal));
  } finally {
    await built.close();
  }
}

function memoryDetail(): Record<string, number> {
  const mb = (n: number) => Math.round(n / 1024 / 1024);
  const usage = process.memoryUsage();
  const heap = v8.getHeapStatistics();
  return {
    heapTotalMb: mb(usage.heapTotal),
    externalMb: mb(usage.external),
    arrayBuffersMb: mb(usage.arrayBuffers),
    mallocedMb: mb(heap.malloced_memory),
    peakMallocedMb: mb(heap.peak_malloced_memory),
    totalPhysicalMb: mb(heap.total_physical_size),
  };
}

/** A valid, distinct ULID per command (the time part fixed, the index in the random part). */
function ulidFor(i: number): string {
  return `01J0000000${i.toString(32).toUpperCase().padStart(16, '0')}`.replace(/[ILOU]/g, 'Z');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
