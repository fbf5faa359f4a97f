/**
 * Streams.Append (client streaming), after src/EventStore.Core/Services/Transport/Grpc/Streams.Append.cs (v24.10.0):
 * - the first message must be the options (stream identifier and expected revision: revision / no_stream / any /
 *   stream_exists), every later one a proposed message; anything else is an unhandled InvalidOperationException;
 * - each proposed message needs the `type` and `content-type` metadata entries (RequiredMetadataPropertyMissing),
 *   and the appended size (see proposedEvents.appendSize) may not pass MaxAppendSize (MaxAppendSizeExceeded);
 * - the write (writeEvents.ts) answers `success` (current revision or no_stream; position or no_position) or
 *   `wrong_expected_version` with the expected and current revisions in both the current fields and the
 *   deprecated `_2060` ones (except `expected_revision_2060 = ulong.MaxValue` for no_stream, which a JavaScript
 *   number cannot carry; no client reads it).
 */

import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { AppendReq, AppendResp } from '@eventstore/db-client/generated/streams_pb';
import type { handleClientStreamingCall } from '@grpc/grpc-js';
import { ExpectedVersion, type ProposedEvent } from './allLog';
import { appendSize, MissingMetadataError, revisionAsExpectedVersion, toProposedEvent } from './proposedEvents';
import {
  handlerException,
  invalidArgument,
  maxAppendSizeExceeded,
  RpcError,
  requiredMetadataPropertyMissing,
} from './rpcErrors';
import type { ServerContext } from './serverContext';
import { BadEventIdError, streamNameOf } from './wire';
import { type WriteOutcome, writeEvents } from './writeEvents';

const Case = AppendReq.Options.ExpectedStreamRevisionCase;

function expectedVersionOf(options: AppendReq.Options): number {
  switch (options.getExpectedStreamRevisionCase()) {
    case Case.REVISION:
      return revisionAsExpectedVersion(options.getRevision());
    case Case.ANY:
      return ExpectedVersion.Any;
    case Case.STREAM_EXISTS:
      return ExpectedVersion.StreamExists;
    case Case.NO_STREAM:
      return ExpectedVersion.NoStream;
    default:
      throw invalidArgument(
        `'${options.getExpectedStreamRevisionCase()}' is not a valid ExpectedStreamRevisionOneofCase`,
      );
  }
}

function wrongExpectedVersion(expected: number, current: number): AppendResp.WrongExpectedVersion {
  const wrong = new AppendResp.WrongExpectedVersion();
  if (expected === ExpectedVersion.Any) wrong.setExpectedAny(new Empty()).setAny2060(new Empty());
  else if (expected === ExpectedVersion.StreamExists) {
    wrong.setExpectedStreamExists(new Empty()).setStreamExists2060(new Empty());
  } else if (expected === ExpectedVersion.NoStream) wrong.setExpectedNoStream(new Empty());
  else wrong.setExpectedRevision(String(expected)).setExpectedRevision2060(expected);
  if (current === -1) wrong.setCurrentNoStream(new Empty()).setNoStream2060(new Empty());
  else wrong.setCurrentRevision(String(current)).setCurrentRevision2060(current);
  return wrong;
}

export function appendResponse(outcome: WriteOutcome, expected: number): AppendResp {
  if (outcome.kind === 'wrong-expected-version') {
    return new AppendResp().setWrongExpectedVersion(wrongExpectedVersion(expected, outcome.current));
  }
  const success = new AppendResp.Success();
  if (outcome.lastRevision === -1) success.setNoStream(new Empty());
  else success.setCurrentRevision(String(outcome.lastRevision));
  if (outcome.position === -1) success.setNoPosition(new Empty());
  else {
    const position = String(outcome.position);
    success.setPosition(new AppendResp.Position().setCommitPosition(position).setPreparePosition(position));
  }
  return new AppendResp().setSuccess(success);
}

export function appendHandler(context: ServerContext): handleClientStreamingCall<AppendReq, AppendResp> {
  return (call, callback) => {
    let target: { stream: string; expected: number } | undefined;
    const events: ProposedEvent[] = [];
    let size = 0;
    let failed = false;
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      if (!(error instanceof RpcError)) context.report(error);
      callback(error instanceof RpcError ? error : handlerException());
    };
    call.on('data', (request: AppendReq) => {
      if (failed) return;
      try {
        if (target === undefined) {
          const options = request.getOptions();
          if (request.getContentCase() !== AppendReq.ContentCase.OPTIONS || options === undefined) {
            throw handlerException();
          }
          const stream = streamNameOf(options.getStreamIdentifier());
          if (stream === undefined || stream === '') throw handlerException();
          target = { stream, expected: expectedVersionOf(options) };
          return;
        }
        const message = request.getProposedMessage();
        if (request.getContentCase() !== AppendReq.ContentCase.PROPOSED_MESSAGE || message === undefined) {
          throw handlerException();
        }
        const event = toProposedEvent(message);
        size += appendSize(event);
        if (size > context.maxAppendSize) throw maxAppendSizeExceeded(context.maxAppendSize);
        events.push(event);
      } catch (error) {
        if (error instanceof MissingMetadataError) fail(requiredMetadataPropertyMissing(error.property));
        else if (error instanceof BadEventIdError) fail(handlerException());
        else fail(error);
      }
    });
    call.on('end', () => {
      if (failed || call.cancelled) return;
      if (target === undefined) {
        fail(handlerException());
        return;
      }
      try {
        callback(
          null,
          appendResponse(writeEvents(context.log, target.stream, target.expected, events), target.expected),
        );
      } catch (error) {
        fail(error);
      }
    });
  };
}
