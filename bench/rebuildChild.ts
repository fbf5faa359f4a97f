import { SqliteEventStore } from '../infra/eventstore/sqliteEventStore';
import { RebuildHelperThread } from '../infra/rebuild/rebuildHelperThread';
import { ReadModelDb } from '../projections/readModelDb';
import { rebuildFromEvents } from '../projections/streamRebuild';

/** Rebuilds every read model from an event store file in a fresh process, reporting time and peak memory. */
async function main(): Promise<void> {
  const [eventsFile, readModelFile] = process.argv.slice(2);
  if (!eventsFile || !readModelFile) throw new Error('usage: rebuildChild EVENTS_DB READMODELS_DB');
  const store = SqliteEventStore.open({ file: eventsFile });
  // As `lms rebuild` does: a scratch file in bulk mode, switched to WAL when complete.
  const readModels = ReadModelDb.open({ file: readModelFile, bulk: true });
  // As `lms rebuild` does, with its second thread whatever the size, so the bench's quick run takes that path too
  // (LMS_BENCH_REBUILD_THREADS=1: this thread alone, for comparison).
  const helper =
    process.env.LMS_BENCH_REBUILD_THREADS === '1' ? undefined : new RebuildHelperThread(eventsFile, readModelFile);
  const started = performance.now();
  let events: number;
  try {
    events = await rebuildFromEvents(store, readModels, helper ? { helper, helperFromEvents: 0 } : {});
    readModels.finishBulk();
  } finally {
    await helper?.close();
  }
  const ms = performance.now() - started;
  const assignments = readModels.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM assignments').get()?.n ?? 0;
  readModels.close();
  await store.close();
  console.log(JSON.stringify({ events, ms, assignments, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
