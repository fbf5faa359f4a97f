/**
 * Streams.BatchAppend (bidirectional), after src/EventStore.Core/Services/Transport/Grpc/Streams.BatchAppend.cs
 * (v24.10.0), the path the 6.2.1 client takes when ServerFeatures lists BatchAppend (as 24.10 does):
 * - requests are grouped by correlation id; the one carrying options opens a write (stream identifier required:
 *   BadRequest "Required field StreamIdentifier not set."; the client's `deadline_21_10_0` timestamp, capped at
 *   WriteTimeoutMs, must lie ahead: Timeout otherwise, and a write still incomplete when it passes is answered
 *   Timeout); proposed messages add up (MaximumAppendSizeExceeded past MaxAppendSize); `is_final` writes it;
 * - every answer carries the request's correlation id and the stream; success is BatchAppendResp.Success
 *   (BatchAppendResp.cs, Success.Completed: revision or no_stream, position or no_position); failures are a
 *   google.rpc.Status whose details pack the reason (Status.cs): WrongExpectedVersion (code AlreadyExists, current
 *   revision or current_no_stream, the expected one), Timeout, BadRequest (an exception's message), ….
 * - when the client ends its side, the server answers what is pending and ends the call (the IsClosing marker).
 */

import { Code } from '@eventstore/db-client/generated/code_pb';
import {
  AllStreamPosition,
  BadRequest,
  MaximumAppendSizeExceeded,
  Timeout,
  type UUID,
  WrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import type { handleBidiStreamingCall } from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { ExpectedVersion, type ProposedEvent } from './allLog';
import { isOpen, send } from './callStream';
import { appendSize, MissingMetadataError, revisionAsExpectedVersion, toProposedEvent } from './proposedEvents';
import type { ServerContext } from './serverContext';
import { BadEventIdError, copyUuid, parseUuid, streamNameOf, toStreamIdentifier } from './wire';
import { type WriteOutcome, writeEvents } from './writeEvents';

const Case = BatchAppendReq.Options.ExpectedStreamPositionCase;

/** A request the server refuses with BadRequest (RpcExceptions.InvalidArgument's message). */
class RequestError extends Error {}

interface PendingWrite {
  stream: string;
  expected: number;
  events: ProposedEvent[];
  size: number;
  timer: NodeJS.Timeout;
}

interface Packable {
  serializeBinary(): Uint8Array;
}

function status(code: Code, message: string, details: Packable, typeName: string): Status {
  const packed = new Any();
  packed.pack(details.serializeBinary(), `event_store.client.${typeName}`);
  return new Status().setCode(code).setMessage(message).setDetails(packed);
}

export function badRequest(message: string): Status {
  return status(Code.INVALID_ARGUMENT, 'BadRequest', new BadRequest().setMessage(message), 'BadRequest');
}

function timeout(): Status {
  return status(Code.DEADLINE_EXCEEDED, 'Timeout', new Timeout(), 'Timeout');
}

function maximumAppendSizeExceeded(maxAppendSize: number): Status {
  const details = new MaximumAppendSizeExceeded().setMaxappendsize(maxAppendSize);
  return status(Code.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', details, 'MaximumAppendSizeExceeded');
}

/** Status.WrongExpectedVersion with WrongExpectedVersion.Create(current, expected) (WrongExpectedVersion.cs). */
function wrongExpectedVersion(current: number, expected: number): Status {
  const details = new WrongExpectedVersion();
  if (current === -1) details.setCurrentNoStream(new Empty());
  else details.setCurrentStreamRevision(String(current));
  if (expected === ExpectedVersion.Any) details.setExpectedAny(new Empty());
  else if (expected === ExpectedVersion.NoStream) details.setExpectedNoStream(new Empty());
  else if (expected === ExpectedVersion.StreamExists) details.setExpectedStreamExists(new Empty());
  else details.setExpectedStreamPosition(String(expected));
  return status(Code.ALREADY_EXISTS, 'WrongExpectedVersion', details, 'WrongExpectedVersion');
}

function success(outcome: Extract<WriteOutcome, { kind: 'success' }>): BatchAppendResp.Success {
  const result = new BatchAppendResp.Success();
  if (outcome.position === -1) result.setNoPosition(new Empty());
  else {
    const position = String(outcome.position);
    result.setPosition(new AllStreamPosition().setCommitPosition(position).setPreparePosition(position));
  }
  if (outcome.lastRevision === -1) result.setNoStream(new Empty());
  else result.setCurrentRevision(String(outcome.lastRevision));
  return result;
}

function expectedVersionOf(options: BatchAppendReq.Options): number {
  switch (options.getExpectedStreamPositionCase()) {
    case Case.STREAM_POSITION:
      return revisionAsExpectedVersion(options.getStreamPosition());
    case Case.ANY:
      return ExpectedVersion.Any;
    case Case.STREAM_EXISTS:
      return ExpectedVersion.StreamExists;
    case Case.NO_STREAM:
      return ExpectedVersion.NoStream;
    default:
      throw new RequestError(
        `'${options.getExpectedStreamPositionCase()}' is not a valid ExpectedStreamPositionOneofCase`,
      );
  }
}

/** GetRequestedTimeout capped at WriteTimeoutMs: `deadline_21_10_0 - now`, or no limit without one. */
function timeoutMs(options: BatchAppendReq.Options, writeTimeoutMs: number): number {
  const deadline = options.getDeadline();
  const requested = deadline === undefined ? Number.POSITIVE_INFINITY : deadline.toDate().getTime() - Date.now();
  return Math.min(requested, writeTimeoutMs);
}

export function batchAppendHandler(context: ServerContext): handleBidiStreamingCall<BatchAppendReq, BatchAppendResp> {
  return (call) => {
    const pending = new Map<string, PendingWrite>();
    let replies: Promise<unknown> = Promise.resolve();
    const reply = (
      correlation: UUID | undefined,
      stream: string | undefined,
      result: Status | BatchAppendResp.Success,
    ) => {
      const response = new BatchAppendResp().setCorrelationId(copyUuid(correlation));
      if (stream !== undefined) response.setStreamIdentifier(toStreamIdentifier(stream));
      if (result instanceof Status) response.setError(result);
      else response.setSuccess(result);
      replies = replies.then(() => send(call, response, context.stopping));
    };
    const handle = (request: BatchAppendReq): void => {
      const correlation = request.getCorrelationId();
      const options = request.getOptions();
      let stream = streamNameOf(options?.getStreamIdentifier());
      try {
        const key = parseUuid(correlation);
        if (options !== undefined) {
          if (stream === undefined)
            return reply(correlation, undefined, badRequest('Required field StreamIdentifier not set.'));
          const limit = timeoutMs(options, context.writeTimeoutMs);
          if (!(limit > 0)) return reply(correlation, stream, timeout());
          if (!pending.has(key)) {
            const expected = expectedVersionOf(options);
            const timer = setTimeout(
              () => {
                const expired = pending.get(key);
                if (expired === undefined) return;
                pending.delete(key);
                reply(correlation, expired.stream, timeout());
              },
              Math.min(limit, 2 ** 31 - 1),
            );
            timer.unref();
            pending.set(key, { stream, expected, events: [], size: 0, timer });
          }
        }
        const write = pending.get(key);
        if (write === undefined) return;
        stream = write.stream;
        for (const message of request.getProposedMessagesList()) {
          const event = toProposedEvent(message);
          write.events.push(event);
          write.size += appendSize(event);
        }
        if (write.size > context.maxAppendSize) {
          pending.delete(key);
          clearTimeout(write.timer);
          reply(correlation, write.stream, maximumAppendSizeExceeded(context.maxAppendSize));
          return;
        }
        if (!request.getIsFinal() || !pending.delete(key)) return;
        clearTimeout(write.timer);
        const outcome = writeEvents(context.log, write.stream, write.expected, write.events);
        if (outcome.kind === 'success') reply(correlation, write.stream, success(outcome));
        else reply(correlation, write.stream, wrongExpectedVersion(outcome.current, write.expected));
      } catch (error) {
        // The server answers any exception here with BadRequest(ex.Message); anything else is a bug of this server.
        const expected = error instanceof RequestError || error instanceof BadEventIdError;
        if (!(expected || error instanceof MissingMetadataError)) context.report(error);
        reply(correlation, stream, badRequest(error instanceof Error ? error.message : String(error)));
      }
    };
    const release = (): void => {
      for (const write of pending.values()) clearTimeout(write.timer);
      pending.clear();
    };
    call.on('data', handle);
    call.on('end', () => {
      release();
      void replies.then(() => {
        if (isOpen(call, context.stopping)) call.end();
      });
    });
    call.on('cancelled', release);
  };
}
