import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StoredParkedWorkLog } from '../../handlers/parkedWorkLog';
import { systemClock } from '../../handlers/ports/clock';
import type { EventStore } from '../../handlers/ports/eventStore';
import { missingReactions } from '../../handlers/reactors/reactionAudit';
import { ReadModelDb } from '../../projections/readModelDb';
import { rebuildFromEvents } from '../../projections/streamRebuild';
import { compareReadModels } from '../../projections/verifyReadModels';
import type { Config } from '../config';
import { ConfigError } from '../config';
import { buildEngine, readModelFileOf } from '../engine/buildEngine';
import { eventsFileOf, openEventStore } from '../openEventStore';
import { RebuildHelperThread } from '../rebuild/rebuildHelperThread';
import { ProgressBar } from './progressBar';
import { assertReadModelsFree, ReadModelsInUse, swapReadModels } from './readModelSwap';
import { renderTable } from './table';

/**
 * Projects the whole log into a new read-model file, with a progress bar; returns the events applied. On the
 * embedded store a second thread rebuilds half of the users (issue #19); its share shows on the bar when it is in.
 * `currentStates`: store every folded state (verify compares them), not only removed assignments'.
 */
async function project(
  config: Config,
  store: EventStore,
  file: string,
  label: string,
  options: { until?: number; currentStates?: boolean } = {},
): Promise<number> {
  const readModels = ReadModelDb.open({ file, bulk: true });
  const helper = config.EVENT_STORE === 'sqlite' ? new RebuildHelperThread(eventsFileOf(config), file) : undefined;
  try {
    const bar = new ProgressBar(label);
    const started = Date.now();
    const events = await rebuildFromEvents(store, readModels, {
      ...options,
      ...(helper ? { helper } : {}),
      onProgress: (progress) => bar.update(progress.position, progress.head, progress.elapsedMs, progress.events),
    });
    bar.finish(events, Date.now() - started);
    readModels.finishBulk();
    readModels.db.pragma('wal_checkpoint(TRUNCATE)');
    return events;
  } finally {
    await helper?.close();
    readModels.close();
  }
}

function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
}

/** `lms rebuild`: rebuild every read model from position zero, then swap the new file in. */
export async function rebuildReadModels(config: Config): Promise<number> {
  if (config.EVENT_STORE === 'memory')
    throw new ConfigError('rebuild needs a durable store: the memory store holds nothing between runs');
  const store = openEventStore(config);
  try {
    return await rebuildAndSwap(config, store);
  } catch (error) {
    if (!(error instanceof ReadModelsInUse)) throw error;
    console.error(`rebuild refused: ${error.message}`);
    return 1;
  } finally {
    await store.close();
  }
}

async function rebuildAndSwap(config: Config, store: EventStore): Promise<number> {
  const live = readModelFileOf(config);
  const scratch = `${live}.rebuild`;
  // Refused before the long work, and again at the swap, while another process has the live file open.
  assertReadModelsFree(live);
  removeDatabase(scratch);
  await project(config, store, scratch, 'rebuild');
  try {
    swapReadModels(scratch, live);
  } catch (error) {
    removeDatabase(scratch);
    throw error;
  }
  const rebuilt = ReadModelDb.open({ file: live });
  const position = rebuilt.position();
  console.log(`read models rebuilt at position ${position}: ${live}`);
  rebuilt.close();
  // Events the live projection had parked (R29) are in the new read models, or fail there no more: cleared.
  const parked = new StoredParkedWorkLog(store, systemClock);
  for (const work of await parked.list()) {
    if (work.loop === 'projections') await parked.resolve(work.key, `read models rebuilt at position ${position}`);
  }
  return 0;
}

/**
 * `lms verify` (R20, R30): the log's integrity (SQLite's own check and every event's checksum), the read models
 * against a rebuild from the events, and the reactions done (nothing parked, every live dynamic rule's reach and its
 * holders agreeing). Exit status 1 names the first difference of each check that failed.
 */
export async function verify(config: Config): Promise<number> {
  const store = openEventStore(config);
  try {
    const log = await verifyLogIntegrity(store);
    if (log !== 0) return log;
    const readModels = await verifyReadModels(config, store);
    const reactions = await verifyReactions(config, store);
    return readModels === 0 && reactions === 0 ? 0 : 1;
  } finally {
    await store.close();
  }
}

async function verifyLogIntegrity(store: EventStore): Promise<number> {
  if (!store.verifyIntegrity) return 0;
  const report = await store.verifyIntegrity();
  if (report.firstDamage) {
    const where = report.firstDamage.position === null ? '' : ` at position ${report.firstDamage.position}`;
    console.log(`verify FAILED: the event log is damaged${where}: ${report.firstDamage.problem}`);
    console.log('Stop every engine on it and restore events.db from a backup (README, Backups).');
    return 1;
  }
  const older = report.unchecked > 0 ? ` (${report.unchecked} written before checksums were kept)` : '';
  console.log(`event log OK: ${report.checked} events match their checksums${older}`);
  return 0;
}

async function verifyReactions(config: Config, store: EventStore): Promise<number> {
  const engine = buildEngine({ config, store, readModels: ReadModelDb.open({ file: ':memory:' }) });
  try {
    // Reactions are done when none is parked (the reactor's and the scheduler's); parked projection work shows in the
    // read models' comparison, a parked integration event in lms status.
    const parked = (await engine.parked.list()).filter((work) => work.loop === 'reactor' || work.loop === 'scheduler');
    const missing = await missingReactions(engine.commands);
    if (parked.length === 0 && missing.length === 0) {
      console.log('reactions OK: nothing parked, every dynamic rule reaches exactly the users who hold it');
      return 0;
    }
    if (parked.length > 0)
      console.log(`verify FAILED: ${parked.length} reaction(s) parked (lms parked, then lms retry)`);
    for (const difference of missing) console.log(`verify FAILED: ${difference}`);
    return 1;
  } finally {
    engine.readModels.close();
  }
}

/** Rebuilds into a scratch folder up to the live read models' position and compares every row. */
async function verifyReadModels(config: Config, store: EventStore): Promise<number> {
  if (config.EVENT_STORE === 'memory')
    throw new ConfigError('verify needs a durable store: the memory store holds nothing between runs');
  if (!fs.existsSync(readModelFileOf(config)))
    throw new ConfigError(
      `there are no read models to verify in ${config.LMS_DATA}: run a command or "lms rebuild" first`,
    );
  const live = ReadModelDb.open({ file: readModelFileOf(config) });
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-verify-'));
  try {
    // One read transaction on the live file: the position and every table are read from the same snapshot,
    // so a server projecting meanwhile cannot make verify see a moving target.
    live.db.exec('BEGIN');
    const position = live.position();
    const scratchFile = path.join(scratchDir, 'readmodels.db');
    await project(config, store, scratchFile, 'verify: rebuilding', { until: position, currentStates: true });
    const rebuilt = ReadModelDb.open({ file: scratchFile });
    try {
      const result = compareReadModels(live, rebuilt);
      live.db.exec('ROLLBACK');
      console.log(
        renderTable(
          ['table', 'rows equal'],
          result.tables.map((table) => [table.table, table.rows]),
        ),
      );
      if (result.difference) {
        const { table, key, live: liveRow, rebuilt: rebuiltRow } = result.difference;
        console.log(`\nverify FAILED at position ${position}: first difference in ${table} ${JSON.stringify(key)}`);
        console.log(`  live:    ${JSON.stringify(liveRow)}`);
        console.log(`  rebuilt: ${JSON.stringify(rebuiltRow)}`);
        console.log('Run "lms rebuild" to replace the live read models with the rebuild.');
        return 1;
      }
      console.log(`\nverify OK: the live read models equal a rebuild from the events at position ${position}`);
      return 0;
    } finally {
      rebuilt.close();
    }
  } finally {
    live.close();
    fs.rmSync(scratchDir, { recursive: true, force: true });
  }
}
