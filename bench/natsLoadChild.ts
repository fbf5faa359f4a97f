import { connect } from 'nats';
import { createClient } from '../infra/nats/client';
import { runAtRate, runConcurrently, summarize } from './measure';

/**
 * The upstream service of the NATS workloads, in its own process as a real one would be (its request bookkeeping
 * must not share the engine's thread): RecordProgress by request-reply, first as fast as 128 in flight allow,
 * then at a fixed 1,000 per second. Prints its figures as JSON.
 *
 * "Sustained" is the rate of an engine that has been running: one command per user goes first, untimed for the
 * level but reported (each thread's code is still being compiled then, and each user's first command also starts
 * the course). Without it the first second or two, at half the rate, made a 20,000-command run read 15-25% low.
 */
interface LoadPlan {
  url: string;
  userIds: string[];
  courseId: string;
  sustainedCount: number;
  rateCount: number;
  warmUpCount: number;
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2] ?? '{}') as LoadPlan;
  // As a tuned upstream service would connect: no stack trace captured per request (the engine does the same).
  const nc = await connect({ servers: plan.url, noAsyncTraces: true });
  const client = createClient(nc, { timeoutMs: 30_000 });
  const actor = { userId: 'admin' };
  let failures = 0;
  const users = plan.userIds.length;
  // Every command changes the progress it records, so each one stores an event.
  const command = (i: number) =>
    client.commands
      .RecordProgress({
        actor,
        data: {
          userId: plan.userIds[i % users] as string,
          courseId: plan.courseId,
          progress: 1 + (Math.floor(i / users) % 98) + ((i % users) % 2) * 0.5,
        },
      })
      .then((reply) => {
        if (!reply.ok) failures++;
      });
  const warmUpStarted = performance.now();
  await runConcurrently(plan.warmUpCount, 128, command);
  const warmUpS = (performance.now() - warmUpStarted) / 1000;
  const started = performance.now();
  const sustained = await runConcurrently(plan.sustainedCount, 128, (i) => command(plan.warmUpCount + i));
  const sustainedS = (performance.now() - started) / 1000;
  const atRate = await runAtRate(plan.rateCount, 1000, (i) => command(plan.warmUpCount + plan.sustainedCount + i));
  await nc.close();
  console.log(
    JSON.stringify({
      failures,
      warmUpCommandsPerS: Math.round(plan.warmUpCount / warmUpS),
      commandsPerS: Math.round(plan.sustainedCount / sustainedS),
      sustained: summarize(sustained),
      atRate: summarize(atRate),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
