import fs from 'node:fs';
import type { RebuildHelper, TrainingRangeJob, TrainingRangeResult } from '../../projections/streamRebuild';
import { scriptBeside, ThreadRequests } from '../threads/threadRequests';
import type { RebuildHelperRequest } from './rebuildHelperMessages';

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
    );
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
