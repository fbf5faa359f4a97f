/**
 * Proposed messages (Append and BatchAppend) as the events the log stores, and the expected-revision options of both
 * requests as the server's internal expected version (src/EventStore.Core/Services/Transport/Grpc/Streams.Append.cs
 * and Streams.BatchAppend.cs, v24.10.0).
 */
import type { UUID } from '@eventstore/db-client/generated/shared_pb';
import { ExpectedVersion, type ProposedEvent } from './allLog';
import { parseEventId, parseUint64 } from './wire';

/** The shape shared by AppendReq.ProposedMessage and BatchAppendReq.ProposedMessage. */
export interface WireProposedMessage {
  getId(): UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

/** A required metadata entry (`type`, `content-type`) is missing. */
export class MissingMetadataError extends Error {
  constructor(readonly property: string) {
    // What .NET's dictionary indexer says, which BatchAppend passes on as its BadRequest message.
    super(`The given key '${property}' was not present in the dictionary.`);
  }
}

/**
 * A proposed message as an event. `is_json` is `content-type == application/json`; the id is parsed as
 * `Uuid.FromDto(...).ToGuid()` does (wire.ts).
 */
export function toProposedEvent(message: WireProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  if (type === undefined) throw new MissingMetadataError('type');
  const contentType = metadata.get('content-type');
  if (contentType === undefined) throw new MissingMetadataError('content-type');
  return {
    id: parseEventId(message.getId()),
    type,
    isJson: contentType === 'application/json',
    data: Uint8Array.from(message.getData_asU8()),
    metadata: Uint8Array.from(message.getCustomMetadata_asU8()),
  };
}

/**
 * The size an append counts against MaxAppendSize. `Event.SizeOnDisk` (src/EventStore.Core/Data/Event.cs) is
 * `data?.Length ?? 0 + metadata?.Length ?? 0 + eventType.Length * 2`, which C# precedence reads as
 * `data?.Length ?? (…)`: the data length alone. Mirrored, so the limit trips exactly where the server's does.
 */
export function appendSize(event: ProposedEvent): number {
  return event.data.length;
}

/** `new StreamRevision(value).ToInt64()`: ulong.MaxValue (StreamRevision.End) becomes -1, i.e. no_stream. */
export function revisionAsExpectedVersion(text: string): number {
  const value = parseUint64(text);
  if (value === 0xffffffffffffffffn) return ExpectedVersion.NoStream;
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}
