import type { CacheUse, SnapshotUse } from '../../handlers/aggregateStore';
import { AssignmentReactor } from '../../handlers/reactors/assignmentReactor';
import { RELAY_CHECKPOINT } from '../nats/eventRelay';
import type { Engine } from './engine';

/** How far one consumer of the log has come. */
export interface CheckpointStatus {
  name: string;
  position: number;
  /** Events stored after it. */
  lagEvents: number;
  /** How long the oldest event it has not handled has waited, in seconds (0 when it is caught up). */
  lagSeconds: number;
}

export interface EngineStatus {
  head: number;
  checkpoints: CheckpointStatus[];
  parked: { total: number; byLoop: Record<string, number>; latest: { key: string; loop: string; error: string }[] };
  /** Per time zone in use: the last local date the scheduler applied (R5), and today there. */
  scheduler: { zone: string; appliedThrough: string | null; today: string }[];
  /** The folded-state cache of the deciding thread (issue #19). */
  stateCache: CacheUse;
  /** Snapshots of long streams read, written and refused since start (issue #19). */
  snapshots: SnapshotUse;
  /** What needs someone, in sentences; empty when all is well. */
  problems: string[];
}

export interface StatusThresholds {
  /** A checkpoint further behind than this many events is a problem. */
  maxLagEvents: number;
  /** ... or whose oldest unhandled event waited longer than this. */
  maxLagSeconds: number;
}

export const DEFAULT_THRESHOLDS: StatusThresholds = { maxLagEvents: 10_000, maxLagSeconds: 300 };

/**
 * `lms status` and the NATS health endpoint: the head of the log, each checkpoint with its lag in events and in
 * seconds, parked work, and the problems among them. The relay's checkpoint counts where a relay runs.
 */
export async function engineStatus(
  engine: Engine,
  now: string,
  options: { relay: boolean | 'when it ran'; thresholds?: StatusThresholds; scheduled?: true | 'when it ran' },
): Promise<EngineStatus> {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const head = await engine.store.headPosition();
  const positions: [string, number][] = [
    ['read models', engine.projections.position],
    ['reactor', await engine.store.readCheckpoint(AssignmentReactor.checkpointName)],
  ];
  const relayed = await engine.store.readCheckpoint(RELAY_CHECKPOINT);
  // The embedded CLI runs no relay: its checkpoint counts only once `lms serve` has relayed.
  if (options.relay === true || (options.relay === 'when it ran' && relayed > 0)) positions.push(['relay', relayed]);
  const checkpoints: CheckpointStatus[] = [];
  for (const [name, position] of positions) {
    const [oldest] = position < head ? await engine.store.readAll(position, 1) : [];
    const waited = oldest ? (Date.parse(now) - Date.parse(oldest.metadata.occurredAt)) / 1000 : 0;
    checkpoints.push({
      name,
      position,
      lagEvents: Math.max(0, head - position),
      lagSeconds: Math.max(0, Math.round(waited)),
    });
  }
  const parked = await engine.parked.list();
  const byLoop: Record<string, number> = {};
  for (const work of parked) byLoop[work.loop] = (byLoop[work.loop] ?? 0) + 1;
  const scheduler = await engine.scheduler.days();
  const problems = [
    ...(parked.length > 0
      ? [`${parked.length} piece(s) of work parked: see lms parked, then lms retry after a fix`]
      : []),
    ...checkpoints
      .filter((c) => c.lagEvents > thresholds.maxLagEvents || c.lagSeconds > thresholds.maxLagSeconds)
      .map((c) => `${c.name} is ${c.lagEvents} events (${c.lagSeconds} s) behind the head`),
    ...scheduler
      .filter((day) => schedulerBehind(day, options.scheduled ?? 'when it ran'))
      .map(
        (day) =>
          `the scheduler has not applied ${day.today} in ${day.zone} yet (last: ${day.appliedThrough ?? 'never'})`,
      ),
  ];
  const latest = parked
    .slice(-5)
    .map((work) => ({ key: work.key, loop: work.loop, error: work.lastRetry?.error ?? work.error }));
  const stateCache = engine.commands.aggregates.cacheUse;
  const snapshots = engine.commands.aggregates.snapshots;
  const parkedWork = { total: parked.length, byLoop, latest };
  return { head, checkpoints, parked: parkedWork, scheduler, stateCache, snapshots, problems };
}

/**
 * Under `lms serve` the scheduler runs by itself: a zone whose today is not applied is behind. Embedded, `lms tick`
 * runs under cron: a zone is behind when it was ticked before but not since yesterday.
 */
function schedulerBehind(
  day: { appliedThrough: string | null; today: string },
  expected: true | 'when it ran',
): boolean {
  if (expected === true) return day.appliedThrough === null || day.appliedThrough < day.today;
  if (day.appliedThrough === null) return false;
  const yesterday = new Date(Date.parse(`${day.today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return day.appliedThrough < yesterday;
}
