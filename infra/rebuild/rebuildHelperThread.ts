import fs from 'node:fs';
import type { RebuildHelper, TrainingRangeJob, TrainingRangeResult } from '../../projections/streamRebuild';
import { scriptBeside, ThreadRequests } from '../threads/threadRequests';
import type { RebuildHelperRequest } from './rebuildHelperMessages';

/**
 * The helper's young generation (semi-spaces of 48 MB, near the 64 MB that the Docker image's NODE_OPTIONS give the
 * process's own thread); 128 measured no faster, 64 and 16 slower.
 */
const HELPER_YOUNG_GENERATION_MB = 96;

/**
 * The rebuild on both cores (issue #19): a worker thread with its own connection to the SQLite event store rebuilds
 * half of the users into a scratch file beside the read models being built, which the rebuild then copies in.
 * `close` ends the thread and removes its files, whatever happened.
 */
export class RebuildHelperThread implements RebuildHelper {
  private readonly thread: ThreadRequests<RebuildHelperRequest, string>;
  private readonly files: string[] = [];

  /**
   * @param eventsFile the SQLite event store's file.
   * @param readModelsFile the read models being built: the helper's go beside them, `.part-0` after the name.
   */
  constructor(
    eventsFile: string,
    private readonly readModelsFile: string,
  ) {
    this.thread = new ThreadRequests(
      scriptBeside(__filename, 'rebuildHelperMain'),
      { eventsFile },
      {
        failure: (message) => new Error(`the rebuild's second thread failed: ${message}`),
        ended: (reason) => new Error(`the rebuild's second thread failed: ${reason}`),
      },
      // Its half of the log is garbage at a high rate (pages of events, their data, folded states): with the 16 MB
      // young generation of the engine's threads it spent a fifth of its time collecting (BENCHMARKS.md, session 14).
      { resourceLimits: { maxYoungGenerationSizeMb: HELPER_YOUNG_GENERATION_MB } },
    );
  }

  /** Messages posted to the thread since start, for tests. */
  get messagesPosted(): number {
    return this.thread.posted;
  }

  async rebuild(job: TrainingRangeJob): Promise<TrainingRangeResult> {
    const file = `${this.readModelsFile}.part-${this.files.length}`;
    this.files.push(file);
    removeDatabase(file);
    const result = (await this.thread.request({ ...job, file })) as Omit<TrainingRangeResult, 'file'>;
    return { ...result, file };
  }

  async close(): Promise<void> {
    try {
      await this.thread.stop();
    } finally {
      for (const file of this.files) removeDatabase(file);
    }
  }
}

function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true });
}
