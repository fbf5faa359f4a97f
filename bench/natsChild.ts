import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from 'nats';
import pino from 'pino';
import { ulid } from 'ulid';
import { ManualClock } from '../handlers/ports/clock';
import { loadConfig } from '../infra/config';
import { createClient } from '../infra/nats/client';
import { loadNatsConfig } from '../infra/nats/natsConfig';
import { EngineServer } from '../infra/server/engineServer';
import { NatsServerProcess } from '../test/support/natsServer';
import type { Result } from './measure';
import { check, runChild, runConcurrently, summarize } from './measure';
import { generatePortal } from './portalGenerator';

const ADMIN = 'admin';
const actor = { userId: ADMIN };
const silent = pino({ level: 'silent' });

/** SLOs over NATS: ≥ 5,000 commands/s sustained; p99 < 25 ms at 1,000 commands/s. With a JetStream reference. */
async function natsWorkloads(quick: boolean): Promise<Result[]> {
  const nats = await NatsServerProcess.start().catch(() => undefined);
  if (!nats) return [{ workload: 'NATS', size: 'nats-server not installed', figures: {}, target: '', met: 'n/a' }];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-bench-nats-'));
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  const server = new EngineServer({
    config: loadConfig({}, { LMS_DATA: dir, LMS_BOOTSTRAP_ADMIN: ADMIN }),
    nats: loadNatsConfig({ NATS_URL: nats.url }),
    clock,
    logger: silent,
  });
  try {
    const portal = await generatePortal(server.store, { users: 2_000, courses: 5, seed: 5 });
    await server.start();
    const nc = await connect({ servers: nats.url });
    const client = createClient(nc, { timeoutMs: 30_000 });
    const rule = await client.commands.CreateAssignmentRule({
      actor,
      data: {
        ruleId: 'r-all',
        courseId: portal.courseIds[0] as string,
        target: { kind: 'group', groupId: 'everyone' },
        mode: 'dynamic',
      },
    });
    check(rule.ok, 'rule refused');
    await new Promise((resolve) => setTimeout(resolve, quick ? 1000 : 3000));
    const courseId = portal.courseIds[0] as string;
    const sustainedCount = quick ? 2_000 : 20_000;
    const rateCount = quick ? 2_000 : 10_000;
    // One command per user before the timed run (see natsLoadChild.ts).
    const warmUpCount = portal.userIds.length;
    const before = await server.store.headPosition();
    // The load comes from another process, as an upstream service's would.
    // Not spawnSync: the engine serving the load runs in this process and must keep its event loop.
    const load = await runChild(path.join(__dirname, 'natsLoadChild.js'), [
      JSON.stringify({ url: nats.url, userIds: portal.userIds, courseId, sustainedCount, rateCount, warmUpCount }),
    ]);
    check(load.status === 0, `NATS load process failed: ${load.stderr}`);
    const report = JSON.parse(load.stdout) as {
      failures: number;
      warmUpCommandsPerS: number;
      commandsPerS: number;
      sustained: ReturnType<typeof summarize>;
      atRate: ReturnType<typeof summarize>;
    };
    check(report.failures === 0, `${report.failures} NATS commands refused`);
    const stored = (await server.store.headPosition()) - before;
    check(
      stored >= warmUpCount + sustainedCount + rateCount,
      `expected ${warmUpCount + sustainedCount + rateCount} progress events stored, found ${stored}`,
    );
    const throughput = report.commandsPerS;
    const s = report.sustained;
    const r = report.atRate;
    // Reference: JetStream publish throughput to the same server.
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: 'BENCH', subjects: ['bench.>'] });
    const js = nc.jetstream();
    const pubCount = quick ? 5_000 : 50_000;
    const payload = new TextEncoder().encode(
      JSON.stringify({
        commandId: ulid(),
        type: 'RecordProgress',
        actor,
        data: { userId: 'u0000001', courseId, progress: 50 },
      }),
    );
    const pubStarted = performance.now();
    await runConcurrently(pubCount, 256, async (i) => void (await js.publish(`bench.${i % 10}`, payload)));
    const pubPerS = Math.round(pubCount / ((performance.now() - pubStarted) / 1000));
    await nc.close();
    return [
      {
        workload: 'NATS request-reply, sustained',
        size: `${sustainedCount.toLocaleString('en')} RecordProgress, 128 in flight, client in its own process, after ${warmUpCount.toLocaleString('en')} to warm up`,
        figures: {
          commandsPerS: throughput,
          p50Ms: s.p50Ms,
          p99Ms: s.p99Ms,
          warmUpCommandsPerS: report.warmUpCommandsPerS,
        },
        target: '≥ 5,000 commands/s',
        met: throughput >= 5_000,
      },
      {
        workload: 'NATS request-reply at 1,000 commands/s',
        size: `${rateCount.toLocaleString('en')} commands`,
        figures: { p50Ms: r.p50Ms, p99Ms: r.p99Ms },
        target: 'p99 < 25 ms',
        met: r.p99Ms < 25,
      },
      {
        workload: 'reference: JetStream publish, same server',
        size: `${pubCount.toLocaleString('en')} messages, 256 in flight`,
        figures: { messagesPerS: pubPerS },
        target: 'transport limit',
        met: 'n/a',
      },
    ];
  } finally {
    await server.stop().catch(() => undefined);
    await nats.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

natsWorkloads(process.argv.includes('--quick')).then(
  (results) => console.log(JSON.stringify(results)),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
