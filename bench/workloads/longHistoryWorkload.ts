import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { streams } from '../../domain/streams';
import { aggregateKinds } from '../../handlers/aggregateKinds';
import type { AggregateStoreOptions } from '../../handlers/aggregateStore';
import { AggregateStore } from '../../handlers/aggregateStore';
import { domainFingerprint } from '../../infra/engine/domainFingerprint';
import { send } from '../adminCommands';
import { benchEngine } from '../benchEngine';
import type { Result } from '../measure';
import { check, round, runConcurrently, summarize } from '../measure';
import { generatePortal } from '../portalGenerator';

const COURSES_PER_USER = 10;

/**
 * Long histories (issue #19: snapshots if a stream is long): users whose training holds about 500 events (ten
 * courses started, their progress recorded 49 times each), on a fresh data folder of their own. Each user is loaded
 * cold three times, one after another: folded from every event (no snapshots), then with snapshots on (that load
 * folds every event and leaves a snapshot), then from the snapshot. The states from the snapshot must equal the
 * states folded from every event. No service level: the figures say what a snapshot saves.
 */
export async function longHistoryWorkload(quick: boolean): Promise<Result> {
  const users = quick ? 20 : 200;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-bench-history-'));
  const built = benchEngine(dir);
  try {
    const portal = await generatePortal(built.store, { users, courses: 2 * COURSES_PER_USER, seed: 11 });
    await built.commands.feed.catchUp();
    const engine = built.commands;
    // Courses a learner starts and progresses through (not learning paths or curricula, whose progress is derived).
    const courseIds = portal.courseIds
      .filter((courseId) => engine.referenceData.courses.get(courseId)?.kind === 'course')
      .slice(0, COURSES_PER_USER);
    check(courseIds.length === COURSES_PER_USER, `only ${courseIds.length} courses of kind course`);
    await send(engine, 'AssignCourse', { userIds: portal.userIds, courseIds });
    // Each user's commands in order; users side by side.
    await runConcurrently(users, 64, async (u) => {
      const userId = portal.userIds[u] as string;
      for (const courseId of courseIds) await send(engine, 'StartCourse', { userId, courseId });
      for (let progress = 1; progress <= 49; progress++)
        for (const courseId of courseIds) await send(engine, 'RecordProgress', { userId, courseId, progress });
    });
    const userStreams = portal.userIds.map(streams.training);
    check(domainFingerprint() !== undefined, 'the domain code could not be read for its fingerprint');
    const snapshotsOn: AggregateStoreOptions = { snapshotDomain: domainFingerprint };
    const full = await coldLoads(new AggregateStore(built.store), userStreams);
    const writing = new AggregateStore(built.store, snapshotsOn);
    const first = await coldLoads(writing, userStreams);
    for (let tries = 0; writing.snapshots.written + writing.snapshots.failed < users && tries < 1000; tries++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    check(writing.snapshots.written === users, `${writing.snapshots.written} of ${users} snapshots written`);
    const reading = new AggregateStore(built.store, snapshotsOn);
    const fromSnapshot = await coldLoads(reading, userStreams);
    check(reading.snapshots.read === users, `${reading.snapshots.read} of ${users} loads started from a snapshot`);
    const differing = userStreams.filter((_, i) => !isDeepStrictEqual(fromSnapshot.states[i], full.states[i]));
    check(differing.length === 0, `${differing.length} states from a snapshot differ from every event folded`);
    const events = full.revisions.reduce((sum, revision) => sum + revision + 1, 0) / users;
    const p50 = (ms: number[]) => summarize(ms).p50Ms;
    return {
      workload: 'cold load of a long history (snapshots)',
      size: `${users} users × about ${Math.round(events)} training events, ${COURSES_PER_USER} assignments each`,
      figures: {
        everyEventP50Ms: p50(full.ms),
        leavingSnapshotP50Ms: p50(first.ms),
        fromSnapshotP50Ms: p50(fromSnapshot.ms),
        fromSnapshotP99Ms: summarize(fromSnapshot.ms).p99Ms,
        times: round(p50(full.ms) / Math.max(p50(fromSnapshot.ms), 0.001), 1),
      },
      target: 'n/a (no level: what a snapshot saves)',
      met: 'n/a',
    };
  } finally {
    await built.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Loads each stream once, one after another, through an aggregate store whose cache holds none of them. */
async function coldLoads(aggregates: AggregateStore, userStreams: readonly string[]) {
  const ms: number[] = [];
  const states: unknown[] = [];
  const revisions: number[] = [];
  for (const stream of userStreams) {
    const started = performance.now();
    const { state, revision } = await aggregates.load(stream, aggregateKinds.training);
    ms.push(performance.now() - started);
    states.push(state);
    revisions.push(revision);
  }
  return { ms, states, revisions };
}
