/**
 * Pure translation of names, revisions, positions and events between the event-store port and EventStoreDB
 * (`@eventstore/db-client` 6.x). Nothing here talks to a server; the I/O is in eventStoreDbEventStore.ts and the
 * eventStoreDb*.ts files beside it, and test/infra/eventStoreDbMapping.test.ts proves every rule below. The other pure
 * rules have their own files: error recognition (eventStoreDbErrors.ts), the append check
 * (eventStoreDbAppendSteps.ts), the subscription filter and checkpoint (eventStoreDbSubscription.ts).
 *
 * - Stream names: the engine's logical stream `training-ada` lives in EventStoreDB as `{prefix}-training-ada`
 *   (prefix default `lms`). A prefix is letters, digits and `_` only: with a `-` in it, prefix `lms` would also
 *   match the streams of prefix `lms-x`. The adapter's own streams use `:` instead (`{prefix}:command-{id}`,
 *   `{prefix}:checkpoint-{name}`), so they can never collide with a logical stream name, stay out of the
 *   `{prefix}-` filter and out of the `$ce-{prefix}` category. Reading maps a name back only when it carries
 *   this store's `{prefix}-`; anything else (other prefixes, `$` system streams, our own `:` streams) is ignored.
 * - Expected revisions: `no_stream`, `stream_exists`, `any` become the client's NO_STREAM / STREAM_EXISTS / ANY,
 *   a revision `n` becomes `BigInt(n)`. The memory and SQLite stores treat `-1` as "no stream" (it equals the
 *   revision of a missing stream), so `-1` maps to NO_STREAM: `-1n` is never sent to the server.
 * - Positions: the port's position of an event is its `$all` commit position. Events appended over gRPC are
 *   "implicitly committed", so each event has its own commit position (equal to its prepare position), and
 *   these increase in `$all` order. They are byte offsets in the transaction log: they increase but are not
 *   consecutive and do not start at 1. Values above Number.MAX_SAFE_INTEGER (an 8 PiB log) are refused
 *   with a clear error rather than rounded; so is the "no position" sentinel 2^64-1 that servers without
 *   `$all` positions on stream reads send. Reading from port position `p` asks the server for `{commit: p,
 *   prepare: p}`; the server reads from there inclusively, so events at or before `p` are dropped here.
 */
import {
  ANY,
  type AppendExpectedRevision,
  type EventData,
  type JSONType,
  jsonEvent,
  NO_STREAM,
  type Position,
  type ReadPosition,
  type RecordedEvent,
  START,
  STREAM_EXISTS,
} from '@eventstore/db-client';
import type { EventMetadata, ExpectedRevision, NewEvent, StoredEvent } from '../../handlers/ports/eventStore';

/** Data read from EventStoreDB that the port cannot represent (position overflow, non-JSON event, ...). */
export class EventStoreDbMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventStoreDbMappingError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Stream names

export const DEFAULT_STREAM_PREFIX = 'lms';
const PREFIX_PATTERN = /^[A-Za-z0-9_]{1,64}$/;

export function validateStreamPrefix(prefix: string): string {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new RangeError(
      `EventStoreDB stream prefix must be 1 to 64 letters, digits or _ (no "-", which separates it from the stream name), not ${JSON.stringify(prefix)}`,
    );
  }
  return prefix;
}

export function toPhysicalStream(prefix: string, stream: string): string {
  if (stream.length === 0) throw new RangeError('stream name must not be empty');
  return `${prefix}-${stream}`;
}

/** The logical stream name, or undefined when the EventStoreDB stream is not one of this prefix's event streams. */
export function toLogicalStream(prefix: string, physical: string): string | undefined {
  const head = `${prefix}-`;
  if (!physical.startsWith(head) || physical.length === head.length) return undefined;
  return physical.slice(head.length);
}

export function commandStream(prefix: string, commandId: string): string {
  if (commandId.length === 0) throw new RangeError('command id must not be empty');
  return `${prefix}:command-${commandId}`;
}

export function checkpointStream(prefix: string, name: string): string {
  if (name.length === 0) throw new RangeError('checkpoint name must not be empty');
  return `${prefix}:checkpoint-${name}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Revisions

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      if (expected === -1) return NO_STREAM;
      if (!Number.isSafeInteger(expected) || expected < 0) {
        throw new RangeError(
          `expected revision must be no_stream, stream_exists, any or a revision >= 0, not ${String(expected)}`,
        );
      }
      return BigInt(expected);
  }
}

/** A revision from the server (`no_stream` or a bigint) as the port's number (-1: no stream). */
export function fromEsdbRevision(revision: bigint | typeof NO_STREAM): number {
  if (revision === NO_STREAM) return -1;
  if (revision < -1n || revision > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new EventStoreDbMappingError(`EventStoreDB stream revision ${revision} is outside the port's range`);
  }
  return Number(revision);
}

// ---------------------------------------------------------------------------------------------------------------
// Positions

const NO_POSITION = 0xffffffffffffffffn;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An event's `$all` commit position as the port's number; refuses what a number cannot hold exactly. */
export function toPortPosition(position: Position | undefined): number {
  if (position === undefined) {
    throw new EventStoreDbMappingError('EventStoreDB returned an event without its $all position');
  }
  const { commit } = position;
  if (commit === NO_POSITION || commit === -1n) {
    throw new EventStoreDbMappingError(
      'EventStoreDB returned no $all position for a stream read (the server is too old to report it; use a server that fills positions on stream reads)',
    );
  }
  if (commit > MAX_SAFE) {
    throw new EventStoreDbMappingError(
      `EventStoreDB commit position ${commit} is beyond Number.MAX_SAFE_INTEGER (${Number.MAX_SAFE_INTEGER}): the port cannot represent it exactly`,
    );
  }
  if (commit <= 0n) {
    throw new EventStoreDbMappingError(
      `EventStoreDB commit position ${commit} is not above 0 (0 means "before the first event")`,
    );
  }
  return Number(commit);
}

function assertPortPosition(position: number): void {
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new RangeError(`position must be a non-negative safe integer, not ${position}`);
  }
}

/** The `$all` position to read or subscribe from for "events after port position p" (0: the start). */
export function toEsdbReadPosition(position: number): ReadPosition {
  assertPortPosition(position);
  if (position === 0) return START;
  const at = BigInt(position);
  return { commit: at, prepare: at };
}

/** The same position as a cursor for `isAfter` (0: before everything). */
export function toEsdbCursor(position: number): Position {
  assertPortPosition(position);
  const at = BigInt(position);
  return { commit: at, prepare: at };
}

/** True when `position` comes strictly after `cursor` in `$all` order (commit, then prepare). */
export function isAfter(position: Position, cursor: Position): boolean {
  return position.commit > cursor.commit || (position.commit === cursor.commit && position.prepare > cursor.prepare);
}

// ---------------------------------------------------------------------------------------------------------------
// Events

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** EventStoreDB answers ids in lower case; compare ids in that form. */
export function normalizeEventId(id: string): string {
  return id.toLowerCase();
}

/**
 * A port event as an EventStoreDB JSON event: the port id (a UUID, so a retried append is idempotent on the server),
 * `data` as the JSON body (undefined becomes null, as toJson does for the other adapters) and the port's
 * metadata as the JSON metadata.
 */
export function toEventData(event: NewEvent): EventData {
  if (!UUID_PATTERN.test(event.id)) {
    throw new RangeError(`EventStoreDB event ids must be UUIDs, not ${JSON.stringify(event.id)}`);
  }
  // The client JSON.stringify()s `data`; its type says object, array or string, but any JSON value round-trips.
  const data = (event.data === undefined ? null : event.data) as JSONType;
  return jsonEvent({ id: event.id, type: event.type, data, metadata: { ...event.metadata } });
}

export function isEngineEventType(type: string): boolean {
  return type.length > 0 && !type.startsWith('$');
}

/**
 * An EventStoreDB record as the port's StoredEvent, or undefined when it is not one of this prefix's events (another
 * prefix, a `$` stream, the adapter's `:` streams, a `$` system event type such as a link `$>`).
 */
export function toStoredEvent(prefix: string, recorded: RecordedEvent): StoredEvent | undefined {
  const stream = toLogicalStream(prefix, recorded.streamId);
  if (stream === undefined || !isEngineEventType(recorded.type)) return undefined;
  if (!recorded.isJson) {
    throw new EventStoreDbMappingError(
      `event ${recorded.id} in ${recorded.streamId} is not JSON: the engine writes JSON events only`,
    );
  }
  const metadata: unknown = recorded.metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || metadata instanceof Uint8Array) {
    throw new EventStoreDbMappingError(`event ${recorded.id} in ${recorded.streamId} has no JSON object metadata`);
  }
  return {
    id: normalizeEventId(recorded.id),
    stream,
    type: recorded.type,
    revision: fromEsdbRevision(recorded.revision),
    position: toPortPosition(recorded.position),
    data: recorded.data as unknown,
    metadata: metadata as EventMetadata,
  };
}
