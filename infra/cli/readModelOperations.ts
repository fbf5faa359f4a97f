import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StoredParkedWorkLog } from '../../handlers/parkedWorkLog';
import { systemClock } from '../../handlers/ports/clock';
import type { EventStore } from '../../handlers/ports/eventStore';
import { ReadModelDb } from '../../projections/readModelDb';
import { rebuildFromEvents } from '../../projections/streamRebuild';
import { compareReadModels } from '../../projections/verifyReadModels';
import type { Config } from '../config';
import { ConfigError } from '../config';
import { readModelFileOf } from '../engine/buildEngine';
import { openEventStore } from '../openEventStore';
import { ProgressBar } from './progressBar';
import { renderTable } from './table';

/** Projects the whole log into a new read-model file, with a progress bar; returns the events applied. */
async function project(store: EventStore, file: string, label: string, until?: number): Promise<number> {
  const readModels = ReadModelDb.open({ file, bulk: true });
  try {
    const bar = new ProgressBar(label);
    const started = Date.now();
    const events = await rebuildFromEvents(store, readModels, {
      ...(until === undefined ? {} : { until }),
      onProgress: (progress) => bar.update(progress.position, progress.head, progress.elapsedMs, progress.events),
    });
    bar.finish(events, Date.now() - started);
    readModels.finishBulk();
    readModels.db.pragma('wal_checkpoint(TRUNCATE)');
    return events;
  } finally {
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
    const live = readModelFileOf(config);
    const scratch = `${live}.rebuild`;
    removeDatabase(scratch);
    await project(store, scratch, 'rebuild');
    // The new file replaces the old in one rename; the old WAL must not be replayed onto it.
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${live}${suffix}`, { force: true });
    fs.renameSync(scratch, live);
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
  } finally {
    await store.close();
  }
}

/** `lms verify`: rebuild into a scratch folder up to the live read models' position and compare every row. */
export async function verifyReadModels(config: Config): Promise<number> {
  if (config.EVENT_STORE === 'memory')
    throw new ConfigError('verify needs a durable store: the memory store holds nothing between runs');
  if (!fs.existsSync(readModelFileOf(config)))
    throw new ConfigError(
      `there are no read models to verify in ${config.LMS_DATA}: run a command or "lms rebuild" first`,
    );
  const store = openEventStore(config);
  const live = ReadModelDb.open({ file: readModelFileOf(config) });
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-verify-'));
  try {
    // One read transaction on the live file: the position and every table are read from the same snapshot,
    // so a server projecting meanwhile cannot make verify see a moving target.
    live.db.exec('BEGIN');
    const position = live.position();
    const scratchFile = path.join(scratchDir, 'readmodels.db');
    await project(store, scratchFile, 'verify: rebuilding', position);
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
    await store.close();
    fs.rmSync(scratchDir, { recursive: true, force: true });
  }
}
