/**
 * The in-memory transaction log of the test server: every record at its log position, the stream index and the
 * committed-event-id cache the write check uses.
 *
 * Positions follow EventStoreDB v24.10 (tag v24.10.0 of github.com/EventStore/EventStore):
 * - A record's position is the byte offset at which it starts; the next record starts after its serialized size.
 *   Sizes are those of PrepareLogRecord.SizeOnDisk (src/EventStore.Core/TransactionLog/LogRecords/
 *   PrepareLogRecord.cs: length prefix and suffix, header fields, 7-bit-length-prefixed stream id and event type,
 *   data and metadata) and of SystemLogRecord (SystemLogRecord.cs WriteTo). So positions grow by hundreds of bytes
 *   per event: tests that take positions for event counts fail here as they would on a real server.
 * - An append over gRPC writes implicitly committed prepares (StorageWriterService.Handle(WritePrepares): flags
 *   `Data | IsCommitted`, TransactionBegin on the first, TransactionEnd on the last), and the `$all` reader gives
 *   such a prepare the position `(LogPosition, LogPosition)` (AllReader.cs, ReadAllEventsForwardInternal), so each
 *   event's commit position equals its prepare position.
 * - A fresh node starts its log with an epoch record and an `$epoch-information` event (EpochManager.cs,
 *   WriteEpochRecordWithRetry / WriteEpochInformationWithRetry): the first event a client writes is not at 0.
 * - Chunk boundaries (256 MiB chunks) are not modelled.
 */
import { randomUUID } from 'node:crypto';

/** Server-side expected versions (src/EventStore.Core/Data/ExpectedVersion.cs). */
export const ExpectedVersion = { Any: -2, NoStream: -1, StreamExists: -4 } as const;

export interface LoggedEvent {
  kind: 'event';
  position: number;
  postPosition: number;
  stream: string;
  revision: number;
  id: string;
  type: string;
  isJson: boolean;
  data: Uint8Array;
  metadata: Uint8Array;
  created: Date;
}

/** A record that is not an event: the epoch record, or the prepare an append without events writes. */
export interface OtherRecord {
  kind: 'system' | 'empty-prepare';
  position: number;
  postPosition: number;
}

export type LogRecord = LoggedEvent | OtherRecord;

export interface ProposedEvent {
  id: string;
  type: string;
  isJson: boolean;
  data: Uint8Array;
  metadata: Uint8Array;
}

/** The stream metadata the stream reads honour (`$maxCount`, `$tb`), from the stream's last `$metadata` event. */
export interface StreamLimits {
  maxCount: number | undefined;
  truncateBefore: number | undefined;
}

/** Bytes of a string written by .NET's BinaryWriter: a 7-bit encoded length, then UTF-8 (StringSizeWithLengthPrefix). */
function stringSize(text: string): number {
  const bytes = Buffer.byteLength(text, 'utf8');
  let prefix = 1;
  for (let rest = bytes >>> 7; rest > 0; rest >>>= 7) prefix += 1;
  return prefix + bytes;
}

/** PrepareLogRecord.SizeOnDisk for a V1 record (64-bit expected version). */
export function prepareSize(stream: string, type: string, data: Uint8Array, metadata: Uint8Array): number {
  const header = 2 * 4 + 1 + 1 + 8 + 2 + 8 + 4 + 8;
  return header + stringSize(stream) + 16 + 16 + 8 + stringSize(type) + 4 + data.length + 4 + metadata.length;
}

/** SystemLogRecord: prefix/suffix, type, version, position, timestamp, system type, serialization, reserved, data. */
function systemRecordSize(data: Uint8Array): number {
  return 2 * 4 + 1 + 1 + 8 + 8 + 1 + 1 + 8 + 4 + data.length;
}

export function metastreamOf(stream: string): string {
  return `$$${stream}`;
}

export class AllLog {
  readonly records: LogRecord[] = [];
  private writerPosition = 0;
  private readonly streams = new Map<string, LoggedEvent[]>();
  private readonly committedEvents = new Map<string, { stream: string; revision: number }>();
  private readonly recordAt = new Map<number, number>();
  private readonly listeners = new Set<() => void>();

  constructor(now: Date = new Date()) {
    const epochId = randomUUID();
    const epoch = Buffer.from(
      JSON.stringify({
        EpochPosition: 0,
        EpochNumber: 0,
        EpochId: epochId,
        PrevEpochPosition: -1,
        TimeStamp: now.toISOString(),
        LeaderInstanceId: randomUUID(),
      }),
    );
    this.push({ kind: 'system', position: 0, postPosition: systemRecordSize(epoch) });
    this.appendEvents('$epoch-information', -1, [
      { id: randomUUID(), type: '$epoch-information', isJson: true, data: epoch, metadata: new Uint8Array() },
    ]);
  }

  /** The writer checkpoint: where the next record starts (the end of the log). */
  get head(): number {
    return this.writerPosition;
  }

  /** The revision of a stream's last event, -1 when it has none. */
  lastRevision(stream: string): number {
    return (this.streams.get(stream)?.length ?? 0) - 1;
  }

  eventAt(stream: string, revision: number): LoggedEvent | undefined {
    return this.streams.get(stream)?.[revision];
  }

  /** The committed-events cache of IndexWriter (event id → stream and revision); the latest write of an id wins. */
  committed(id: string): { stream: string; revision: number } | undefined {
    return this.committedEvents.get(id);
  }

  limitsOf(stream: string): StreamLimits {
    const meta = metastreamOf(stream);
    const last = this.eventAt(meta, this.lastRevision(meta));
    if (last === undefined || !last.isJson) return { maxCount: undefined, truncateBefore: undefined };
    try {
      const parsed: unknown = JSON.parse(Buffer.from(last.data).toString('utf8'));
      const read = (key: string): number | undefined => {
        const value: unknown = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, key) : undefined;
        return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
      };
      return { maxCount: read('$maxCount'), truncateBefore: read('$tb') };
    } catch {
      return { maxCount: undefined, truncateBefore: undefined };
    }
  }

  /**
   * The lowest revision a stream read returns: IndexReader's minEventNumber from `$maxCount` and `$tb`
   * (ReadStreamEventsForwardInternal / BackwardInternal); `$maxAge` is not modelled.
   */
  firstReadableRevision(stream: string): number {
    const { maxCount, truncateBefore } = this.limitsOf(stream);
    let minimum = 0;
    if (maxCount !== undefined) minimum = Math.max(minimum, this.lastRevision(stream) - maxCount + 1);
    if (truncateBefore !== undefined) minimum = Math.max(minimum, truncateBefore);
    return minimum;
  }

  /** True when a record starts at `position`, or it is the end of the log. */
  isBoundary(position: number): boolean {
    return position === this.writerPosition || this.recordAt.has(position);
  }

  /** Index of the first record starting at or after `position` (records.length when none). */
  firstIndexAtOrAfter(position: number): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.records[middle]?.position ?? Infinity) < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Writes the events as one implicitly committed transaction after revision `current` (checked by the caller). */
  appendEvents(stream: string, current: number, events: readonly ProposedEvent[]): LoggedEvent[] {
    const created = new Date();
    let list = this.streams.get(stream);
    if (list === undefined) {
      list = [];
      this.streams.set(stream, list);
    }
    const written: LoggedEvent[] = [];
    for (const [offset, event] of events.entries()) {
      const position = this.writerPosition;
      const size = prepareSize(stream, event.type, event.data, event.metadata);
      const logged: LoggedEvent = {
        kind: 'event',
        position,
        postPosition: position + size,
        stream,
        revision: current + 1 + offset,
        ...event,
        created,
      };
      list.push(logged);
      this.committedEvents.set(event.id, { stream, revision: logged.revision });
      this.push(logged);
      written.push(logged);
    }
    this.notify();
    return written;
  }

  /** The prepare an append without events writes (no Data flag: in no read). Returns its position. */
  appendEmptyPrepare(stream: string): number {
    const position = this.writerPosition;
    this.push({
      kind: 'empty-prepare',
      position,
      postPosition: position + prepareSize(stream, '', new Uint8Array(), new Uint8Array()),
    });
    return position;
  }

  /** Calls `listener` after every append; returns the function that removes it. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private push(record: LogRecord): void {
    this.recordAt.set(record.position, this.records.length);
    this.records.push(record);
    this.writerPosition = record.postPosition;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
