/**
 * Pure translation between the event-store port and EventStoreDB (`@eventstore/db-client` 6.x). Nothing here
 * talks to a server; eventStoreDbEventStore.ts does the I/O and test/infra/eventStoreDbMapping.test.ts proves
 * every rule below.
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
 * - Errors: WrongExpectedVersionError becomes the port's WrongExpectedRevisionError (with the server's actual
 *   revision), StreamNotFoundError means "empty stream" to the readers, and everything that means "the server
 *   cannot be reached or used right now" (unavailable, deadline exceeded, timeout, not leader, cancelled by
 *   the server, access denied, cluster discovery failed, raw gRPC UNAVAILABLE / DEADLINE_EXCEEDED) becomes
 *   EventStoreUnavailableError. Errors are recognised by the client's `type` tag, not `instanceof`, so they are
 *   still recognised when jest loads a second copy of the client module.
 * - Subscription filter: a server-side stream-name regex `^{prefix}-`. EventStoreDB filters on one
 *   dimension only (stream name or event type), so the event-type part (no `$` system types) is checked here,
 *   client-side, by `toStoredEvent`.
 * - Checkpoints: a (re)subscription resumes after the position of the last event handed to the consumer
 *   (`advanceCheckpoint`). The filter carries no `checkpointReached` callback: the server's checkpoint can lie
 *   past events the consumer has not received yet (buffered in the stream), so resuming there could skip them.
 * - `planAppend`: the check of a whole multi-stream append against the streams as read before anything is
 *   written (see eventStoreDbEventStore.ts for why and for the race it leaves).
 */
import {
  ANY,
  ErrorType,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  jsonEvent,
  streamNameFilter,
  type AppendExpectedRevision,
  type EventData,
  type JSONType,
  type Position,
  type ReadPosition,
  type RecordedEvent,
  type RegexFilter,
} from '@eventstore/db-client';
import {
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type EventMetadata,
  type ExpectedRevision,
  type NewEvent,
  type StoredEvent,
  type StreamWrite,
  type StreamWriteResult,
} from '../../handlers/ports/eventStore';
import { matchesExpected } from './writeRules';

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

// ---------------------------------------------------------------------------------------------------------------
// Subscriptions

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The server-side `$all` filter: this prefix's event streams only. No checkpointReached callback (see header). */
export function subscriptionFilter(prefix: string): RegexFilter {
  return streamNameFilter({ regex: `^${escapeRegex(validateStreamPrefix(prefix))}-` });
}

/**
 * The checkpoint rule: an event is handed to the consumer only when it lies after the checkpoint, and the
 * checkpoint then becomes that event's position. A resubscription starts from the checkpoint, so events seen
 * twice (the server re-sends from an inclusive position) are dropped and none is skipped.
 */
export function advanceCheckpoint(
  checkpoint: number,
  event: { position: number },
): { deliver: boolean; checkpoint: number } {
  if (event.position <= checkpoint) return { deliver: false, checkpoint };
  return { deliver: true, checkpoint: event.position };
}

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
}

/** Delay before resubscription attempt `attempt` (0-based): doubling from initialMs, capped at maxMs. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 100;
  const max = options.maxMs ?? 5000;
  const steps = Math.max(0, Math.min(Math.floor(attempt), 30));
  return Math.min(max, initial * 2 ** steps);
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

interface TaggedError {
  type?: unknown;
  code?: unknown;
  message?: unknown;
}

function tag(error: unknown): TaggedError {
  return typeof error === 'object' && error !== null ? (error as TaggedError) : {};
}

export function isWrongExpectedVersion(error: unknown): boolean {
  return tag(error).type === ErrorType.WRONG_EXPECTED_VERSION;
}

export function isStreamNotFound(error: unknown): boolean {
  return tag(error).type === ErrorType.STREAM_NOT_FOUND;
}

const UNAVAILABLE_TYPES: readonly unknown[] = [
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
  ErrorType.ACCESS_DENIED,
];

/** gRPC status codes: 4 DEADLINE_EXCEEDED, 14 UNAVAILABLE. */
const UNAVAILABLE_GRPC_CODES: readonly unknown[] = [4, 14];

export function isUnavailable(error: unknown): boolean {
  const { type, code, message } = tag(error);
  if (type !== undefined) return UNAVAILABLE_TYPES.includes(type);
  if (UNAVAILABLE_GRPC_CODES.includes(code)) return true;
  // Cluster discovery (gossip) throws a plain Error once it gives up.
  return typeof message === 'string' && /^Failed to discover after \d+ attempts/.test(message);
}

/** The server's "actual revision" of a WrongExpectedVersionError as the port's number (-1: no stream). */
export function actualRevisionOf(error: unknown): number | undefined {
  const actual: unknown = (error as { actualVersion?: unknown } | null)?.actualVersion;
  if (actual === NO_STREAM) return -1;
  if (typeof actual === 'bigint') return fromEsdbRevision(actual);
  return undefined;
}

/** WrongExpectedVersionError → the port's WrongExpectedRevisionError for the logical stream and the caller's expectation. */
export function toWrongExpectedRevision(
  error: unknown,
  stream: string,
  expected: ExpectedRevision,
  fallbackActual: number,
): WrongExpectedRevisionError {
  return new WrongExpectedRevisionError(stream, expected, actualRevisionOf(error) ?? fallbackActual);
}

/** Unavailable errors become EventStoreUnavailableError; anything else is returned unchanged. */
export function translateError(error: unknown, doing: string): unknown {
  if (error instanceof EventStoreUnavailableError) return error;
  if (isUnavailable(error)) {
    const detail = error instanceof Error && error.message !== '' ? error.message : String(tag(error).type ?? error);
    return new EventStoreUnavailableError(`EventStoreDB unavailable while ${doing}: ${detail}`, { cause: error });
  }
  return error;
}

// ---------------------------------------------------------------------------------------------------------------
// Planning a multi-stream append

/** One stream as read before an append: its last revision and its events' ids in revision order. */
export interface StreamSnapshot {
  revision: number;
  events: { id: string; revision: number; position: Position | undefined }[];
}

export type AppendStep =
  /** Append these events; the server checks `expectedRevision` again. `lastRevision` is what the check predicts. */
  | { kind: 'append'; write: StreamWrite; lastRevision: number }
  /** Nothing to append: an empty write or a replay of stored events, with its result. */
  | { kind: 'done'; write: StreamWrite; result: StreamWriteResult };

interface KnownEvent {
  stream: string;
  revision: number;
  position: Position | undefined;
  /** Planned by an earlier write of the same append: not stored yet. */
  planned: boolean;
}

/**
 * Checks every write of an append against `snapshots` (keyed by logical stream; a missing one is an empty
 * stream) with the same rules as the memory and SQLite stores, simulating the earlier writes of the same call.
 * Throws WrongExpectedRevisionError before anything is written when one write fails.
 *
 * - A write whose first id is stored in its stream is a replay when all its ids sit there at consecutive
 *   revisions, in order: nothing is appended and the original result is returned (whatever its expectation).
 * - Otherwise the expected revision must match, and no id may be known already (stored in a stream read for
 *   this append, planned by an earlier write, or twice in the write).
 * - Ids stored in streams this append does not touch cannot be seen (EventStoreDB has no index by event id).
 * - A replay of events planned by an earlier write of the same call is refused (their positions are not
 *   known before they are written).
 */
export function planAppend(
  writes: readonly StreamWrite[],
  snapshots: ReadonlyMap<string, StreamSnapshot>,
): AppendStep[] {
  const known = new Map<string, KnownEvent>();
  const revisions = new Map<string, number>();
  for (const [stream, snapshot] of snapshots) {
    revisions.set(stream, snapshot.revision);
    for (const event of snapshot.events) {
      known.set(normalizeEventId(event.id), {
        stream,
        revision: event.revision,
        position: event.position,
        planned: false,
      });
    }
  }
  const steps: AppendStep[] = [];
  for (const write of writes) {
    const { stream, expectedRevision, events } = write;
    const current = revisions.get(stream) ?? -1;
    const refuse = (): never => {
      throw new WrongExpectedRevisionError(stream, expectedRevision, current);
    };
    const first = events[0];
    if (first !== undefined && known.has(normalizeEventId(first.id))) {
      let last: KnownEvent | undefined;
      for (const event of events) {
        const stored = known.get(normalizeEventId(event.id));
        if (stored === undefined || stored.stream !== stream || stored.planned) return refuse();
        if (last !== undefined && stored.revision !== last.revision + 1) return refuse();
        last = stored;
      }
      if (last === undefined) return refuse();
      steps.push({
        kind: 'done',
        write,
        result: { stream, nextRevision: last.revision, position: toPortPosition(last.position) },
      });
      continue;
    }
    if (!matchesExpected(expectedRevision, current)) refuse();
    if (first === undefined) {
      steps.push({ kind: 'done', write, result: { stream, nextRevision: current, position: 0 } });
      continue;
    }
    const inWrite = new Set<string>();
    for (const event of events) {
      const id = normalizeEventId(event.id);
      if (known.has(id) || inWrite.has(id)) refuse();
      inWrite.add(id);
    }
    let revision = current;
    for (const id of inWrite) {
      revision += 1;
      known.set(id, { stream, revision, position: undefined, planned: true });
    }
    revisions.set(stream, revision);
    steps.push({ kind: 'append', write, lastRevision: revision });
  }
  return steps;
}
