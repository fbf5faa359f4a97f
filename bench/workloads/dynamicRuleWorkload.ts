import type { CommandHandler } from '../../handlers/commandHandler';
import type { AssignmentReactor } from '../../handlers/reactors/assignmentReactor';
import type { Projections } from '../../projections/projectionRuntime';
import type { QueryHandler } from '../../projections/queryHandler';
import { actor, send } from '../adminCommands';
import type { Result } from '../measure';
import { check, round } from '../measure';
import type { GeneratedPortal } from '../portalGenerator';

/** SLO: a dynamic rule applied to 100,000 users: every assignment stored and visible in MI within 10 s. */
export async function dynamicRuleWorkload(
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
  // The reply counts who the rule will reach (R25) before the reactor assigns anyone.
  const replyMs = performance.now() - started;
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
  const assigned = await countAssignmentsSince(engine, before, courseId);
  check(assigned === portal.userIds.length, `expected ${portal.userIds.length} assignments stored, found ${assigned}`);
  const summary = await queries.handle({ type: 'MiSummary', actor, params: { groupBy: 'course', courseId } });
  const row = summary.ok ? (summary.result as { assigned: number }[])[0] : undefined;
  check(row?.assigned === portal.userIds.length, `MI shows ${row?.assigned} of ${portal.userIds.length}`);
  return {
    workload: 'dynamic rule → every assignment stored and in MI',
    size: `${portal.userIds.length.toLocaleString('en')} users`,
    figures: {
      replyS: round(replyMs / 1000),
      storedS: round(storedMs / 1000),
      visibleInMiS: round(visibleMs / 1000),
      assignmentsPerS: Math.round(portal.userIds.length / (visibleMs / 1000)),
    },
    target: '≤ 10 s for 100,000 users',
    met: portal.userIds.length >= 100_000 ? visibleMs <= 10_000 : 'n/a',
  };
}

/** TrainingAssigned events of the course stored after `before`: the rule's assignments, read back from the store. */
async function countAssignmentsSince(engine: CommandHandler, before: number, courseId: string): Promise<number> {
  let assigned = 0;
  for (let position = before; ; ) {
    const page = await engine.store.readAll(position, 10_000);
    if (page.length === 0) break;
    assigned += page.filter(
      (event) => event.type === 'TrainingAssigned' && (event.data as { courseId: string }).courseId === courseId,
    ).length;
    position = page[page.length - 1]?.position as number;
  }
  return assigned;
}
