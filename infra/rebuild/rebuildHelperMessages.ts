import type { TrainingRangeJob } from '../../projections/streamRebuild';

/** What the rebuild helper thread starts with: the event store's file, read through a connection of its own. */
export interface RebuildHelperData {
  eventsFile: string;
}

/** One half to rebuild, into `file` (created empty by the helper thread). */
export type RebuildHelperRequest = TrainingRangeJob & { file: string };
