import type { CommandHandler } from '../../handlers/commandHandler';
import { orderedCommandIds } from '../../infra/commandIds';
import { actor } from '../adminCommands';
import type { Result } from '../measure';
import { check, runConcurrently, summarize } from '../measure';
import type { GeneratedPortal } from '../portalGenerator';
import { seededRandom } from '../portalGenerator';

/** SLO: ≥ 10,000 commands/s in one process (embedded). Commands: RecordProgress on assigned training. */
export async function commandThroughputWorkload(
  engine: CommandHandler,
  portal: GeneratedPortal,
  quick: boolean,
): Promise<Result> {
  const count = quick ? 2_000 : 20_000;
  const random = seededRandom(7);
  const courseId = portal.courseIds[1] as string;
  const before = await engine.store.headPosition();
  let failures = 0;
  // Callers bring their command ids: generating them is the caller's cost, not the engine's. Made in order, as a
  // client sending them over time makes them (infra/commandIds.ts, orderedCommandIds).
  const commandId = orderedCommandIds();
  const commandIds = Array.from({ length: count }, () => commandId());
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

function pick<T extends object, K extends keyof T>(value: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, value[key]])) as Pick<T, K>;
}
