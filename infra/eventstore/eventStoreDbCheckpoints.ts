/**
 * Checkpoints of the EventStoreDB adapter: one event per write in `{prefix}:checkpoint-{name}`, whose `$maxCount` is
 * set to 1 on the first write through this store instance (when the stream metadata does not say so already), so
 * old checkpoints do not pile up; reads take the last event.
 */
import { type EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { checkpointStream, EventStoreDbMappingError } from './eventStoreDbMapping';
import type { EventStoreDbReader } from './eventStoreDbReads';

const CHECKPOINT_WRITTEN = 'CheckpointWritten';

export class EventStoreDbCheckpoints {
  /** Checkpoint streams whose `$maxCount = 1` this instance has made sure of. */
  private readonly limitedCheckpoints = new Set<string>();

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly prefix: string,
    private readonly reader: EventStoreDbReader,
  ) {}

  async read(name: string): Promise<number> {
    const last = await this.reader.lastOf(checkpointStream(this.prefix, name));
    if (last === undefined) return 0;
    const position: unknown = (last.data as { position?: unknown } | null)?.position;
    if (typeof position !== 'number') {
      throw new EventStoreDbMappingError(`checkpoint ${name}: the last event of ${last.streamId} holds no position`);
    }
    return position;
  }

  async write(name: string, position: number): Promise<void> {
    if (!Number.isSafeInteger(position) || position < 0) {
      throw new RangeError(`checkpoint position must be a non-negative safe integer, not ${position}`);
    }
    const stream = checkpointStream(this.prefix, name);
    await this.client.appendToStream(stream, jsonEvent({ type: CHECKPOINT_WRITTEN, data: { name, position } }));
    if (!this.limitedCheckpoints.has(stream)) {
      const { metadata } = await this.client.getStreamMetadata(stream);
      if (metadata?.maxCount !== 1) await this.client.setStreamMetadata(stream, { ...metadata, maxCount: 1 });
      this.limitedCheckpoints.add(stream);
    }
  }
}
