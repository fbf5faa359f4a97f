/**
 * The start points of a Streams.Read request, as the server's option conversions read them
 * (src/EventStore.Core/Services/Transport/Grpc/Streams.Read.cs and the ToPosition / ToStreamRevision /
 * ToSubscription* extensions, v24.10.0).
 */
import type { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { TfPos } from './allReader';
import { handlerException } from './rpcErrors';
import { parseUint64 } from './wire';

const UINT64_MAX = 0xffffffffffffffffn;
const INT64_MAX = 0x7fffffffffffffffn;

/** AllOptions.AllOptionCase / StreamOptions.RevisionOptionCase values of the client's stubs. */
const ALL_POSITION = 1;
const ALL_START = 2;
const ALL_END = 3;
const REVISION = 2;
const REVISION_START = 3;
const REVISION_END = 4;

export type AllFrom = { kind: 'start' } | { kind: 'end' } | { kind: 'position'; position: TfPos };
export type StreamFrom = { kind: 'start' } | { kind: 'end' } | { kind: 'revision'; revision: number };

function toNumber(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/**
 * A `$all` position. `Position` (Transport/Common/Position.cs) refuses commit < prepare and values above
 * long.MaxValue other than ulong.MaxValue, which is the end (Position.End); a constructor exception is unhandled.
 */
export function allFrom(options: ReadReq.Options.AllOptions | undefined): AllFrom {
  switch (options?.getAllOptionCase()) {
    case ALL_START:
      return { kind: 'start' };
    case ALL_END:
      return { kind: 'end' };
    case ALL_POSITION: {
      const position = options.getPosition();
      if (position === undefined) throw handlerException();
      let commit: bigint;
      let prepare: bigint;
      try {
        commit = parseUint64(position.getCommitPosition());
        prepare = parseUint64(position.getPreparePosition());
      } catch {
        throw handlerException();
      }
      if (commit === UINT64_MAX) return { kind: 'end' };
      if (commit < prepare || commit > INT64_MAX || prepare > INT64_MAX) throw handlerException();
      return { kind: 'position', position: { commit: toNumber(commit), prepare: toNumber(prepare) } };
    }
    default:
      throw handlerException();
  }
}

/** A stream revision; `StreamRevision.ToInt64()` maps ulong.MaxValue (StreamRevision.End) to -1 (the end). */
export function streamFrom(options: ReadReq.Options.StreamOptions): StreamFrom {
  switch (options.getRevisionOptionCase()) {
    case REVISION_START:
      return { kind: 'start' };
    case REVISION_END:
      return { kind: 'end' };
    case REVISION: {
      const revision = parseUint64(options.getRevision());
      return revision === UINT64_MAX ? { kind: 'end' } : { kind: 'revision', revision: toNumber(revision) };
    }
    default:
      throw handlerException();
  }
}

/** `count` (uint64): how many events a read returns at most. */
export function countOf(options: ReadReq.Options): number {
  return toNumber(parseUint64(options.getCount()));
}
