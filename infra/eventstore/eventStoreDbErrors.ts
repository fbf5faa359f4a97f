/**
 * Which EventStoreDB client errors mean what to the event-store port (pure; tested in
 * test/infra/eventStoreDbMapping.test.ts).
 *
 * WrongExpectedVersionError becomes the port's WrongExpectedRevisionError (with the server's actual revision),
 * StreamNotFoundError means "empty stream" to the readers, and everything that means "the server cannot be reached
 * or used right now" (unavailable, deadline exceeded, timeout, not leader, cancelled by the server, access denied,
 * cluster discovery failed, raw gRPC UNAVAILABLE / DEADLINE_EXCEEDED) becomes EventStoreUnavailableError (access
 * denied as its EventStoreAccessDeniedError); see translateError for deleted streams and the append-size limit. Errors
 * are recognised by the client's `type` tag, not `instanceof`, so they are still recognised when jest loads a
 * second copy of the client module.
 */
import { ErrorType, NO_STREAM } from '@eventstore/db-client';
import {
  AppendTooLargeError,
  EventStoreAccessDeniedError,
  EventStoreCorruptError,
  EventStoreUnavailableError,
  type ExpectedRevision,
  WrongExpectedRevisionError,
} from '../../handlers/ports/eventStore';
import { fromEsdbRevision } from './eventStoreDbMapping';

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

/**
 * WrongExpectedVersionError → the port's WrongExpectedRevisionError for the logical stream and the caller's
 * expectation.
 */
export function toWrongExpectedRevision(
  error: unknown,
  stream: string,
  expected: ExpectedRevision,
  fallbackActual: number,
): WrongExpectedRevisionError {
  return new WrongExpectedRevisionError(stream, expected, actualRevisionOf(error) ?? fallbackActual);
}

/**
 * Unavailable errors become EventStoreUnavailableError (EventStoreAccessDeniedError for refused credentials), a
 * deleted stream EventStoreCorruptError (the engine never deletes: the log was changed outside it), the server's
 * append-size refusal AppendTooLargeError; anything else is returned unchanged.
 */
export function translateError(error: unknown, doing: string): unknown {
  if (error instanceof EventStoreUnavailableError) return error;
  const { type } = tag(error);
  if (type === ErrorType.ACCESS_DENIED) {
    return new EventStoreAccessDeniedError(
      `EventStoreDB refused access while ${doing}: check the user and password in EVENTSTORE_CONNECTION_STRING ` +
        'and that the user may read $all and write the prefix streams',
      { cause: error },
    );
  }
  if (type === ErrorType.STREAM_DELETED) {
    const stream = String((error as { streamName?: unknown }).streamName ?? 'a stream');
    return new EventStoreCorruptError(
      `EventStoreDB stream ${stream} was deleted while ${doing}; the engine never deletes streams, so the log was ` +
        'changed outside it: restore the database from a backup',
      { cause: error },
    );
  }
  if (type === ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED) {
    const limit = Number((error as { maxAppendSize?: unknown }).maxAppendSize ?? 0);
    return new AppendTooLargeError('one stream', undefined, limit);
  }
  if (isUnavailable(error)) {
    const detail = error instanceof Error && error.message !== '' ? error.message : String(tag(error).type ?? error);
    return new EventStoreUnavailableError(`EventStoreDB unavailable while ${doing}: ${detail}`, { cause: error });
  }
  return error;
}
