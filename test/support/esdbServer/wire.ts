/**
 * Conversions between the wire messages of the client's own generated stubs (`@eventstore/db-client/generated`)
 * and the plain values the test server keeps: event ids, stream names, positions, revisions, timestamps.
 */
import { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';

const HYPHENATED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DIGITS_ONLY = /^[0-9a-f]{32}$/;
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
const UINT64_MAX = 0xffffffffffffffffn;

/** What the server's Guid parsing refuses; the handlers turn it into the server's answer for a bad request. */
export class BadEventIdError extends Error {}

function hyphenate(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toInt64Text(unsigned: bigint): string {
  return BigInt.asIntN(64, unsigned).toString(10);
}

/**
 * A wire UUID (string or structured form) as the lower-case hyphenated form the server answers with.
 * Server: `Uuid.FromDto(dto).ToGuid()` (Streams.Append.cs / Streams.BatchAppend.cs) parses either form.
 */
export function parseUuid(uuid: UUID | undefined): string {
  if (uuid === undefined) throw new BadEventIdError('Object reference not set to an instance of an object.');
  let id: string;
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured();
    const most = BigInt.asUintN(64, BigInt(structured?.getMostSignificantBits() ?? '0'));
    const least = BigInt.asUintN(64, BigInt(structured?.getLeastSignificantBits() ?? '0'));
    id = hyphenate(most.toString(16).padStart(16, '0') + least.toString(16).padStart(16, '0'));
  } else {
    const text = uuid
      .getString()
      .trim()
      .toLowerCase()
      .replace(/^\{(.*)\}$/, '$1');
    if (HYPHENATED.test(text)) id = text;
    else if (DIGITS_ONLY.test(text)) id = hyphenate(text);
    else throw new BadEventIdError(`Unrecognized Guid format: ${JSON.stringify(uuid.getString())}.`);
  }
  return id;
}

/** An event id: `new Event(...)` (src/EventStore.Core/Data/Event.cs) also refuses the empty Guid. */
export function parseEventId(uuid: UUID | undefined): string {
  const id = parseUuid(uuid);
  if (id === EMPTY_GUID) throw new BadEventIdError("Empty eventId provided. (Parameter 'eventId')");
  return id;
}

/**
 * An event id in the form the reader asked for (`uuid_option`). Server: ConvertToRecordedEvent in
 * Streams.Read.cs answers `UUID { String = EventId.ToString() }` for the string option and `Uuid.ToDto()` (most and
 * least significant 64 bits) otherwise; the client's parseUUID (dist/utils/grpcUUID.js) reads the structured form
 * back as big-endian halves.
 */
export function toWireUuid(id: string, structured: boolean): UUID {
  const uuid = new UUID();
  if (!structured) return uuid.setString(id);
  const hex = id.replace(/-/g, '');
  const parts = new UUID.Structured();
  parts.setMostSignificantBits(toInt64Text(BigInt(`0x${hex.slice(0, 16)}`)));
  parts.setLeastSignificantBits(toInt64Text(BigInt(`0x${hex.slice(16)}`)));
  return uuid.setStructured(parts);
}

/** A correlation id as the client sent it, echoed back unchanged (BatchAppend answers carry the request's id). */
export function copyUuid(uuid: UUID | undefined): UUID | undefined {
  return uuid === undefined ? undefined : UUID.deserializeBinary(uuid.serializeBinary());
}

export function streamNameOf(identifier: StreamIdentifier | undefined): string | undefined {
  if (identifier === undefined) return undefined;
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

export function toStreamIdentifier(name: string): StreamIdentifier {
  return new StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

/** A uint64 field (`jstype = JS_STRING` in the client's stubs) as a bigint. */
export function parseUint64(text: string): bigint {
  if (!/^[0-9]+$/.test(text)) throw new RangeError(`not a uint64: ${JSON.stringify(text)}`);
  const value = BigInt(text);
  if (value > UINT64_MAX) throw new RangeError(`not a uint64: ${text}`);
  return value;
}

/**
 * A log position as the server puts it on the wire: `Position.FromInt64` maps -1 to ulong.MaxValue
 * (src/EventStore.Core/Services/Transport/Common/Position.cs).
 */
export function positionText(position: number): string {
  return position === -1 ? UINT64_MAX.toString(10) : position.toString(10);
}

/** `StreamRevision.FromInt64`: -1 (no stream / end) is ulong.MaxValue on the wire. */
export function revisionText(revision: number): string {
  return revision === -1 ? UINT64_MAX.toString(10) : revision.toString(10);
}

/** .NET ticks (100 ns) since the Unix epoch, as the `created` metadata entry holds them (`ToTicksSinceEpoch()`). */
export function ticksSinceEpoch(date: Date): string {
  return (BigInt(date.getTime()) * 10000n).toString(10);
}
