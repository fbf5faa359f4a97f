/**
 * The Streams service: Read dispatched as Streams.Read.cs CreateEnumerator does (v24.10.0), Append, BatchAppend.
 * Delete and Tombstone are not implemented (the adapter never deletes): grpc-js answers them UNIMPLEMENTED.
 *
 * Read combinations (stream / $all, count / subscription, direction, filter / no filter) the server accepts:
 * stream+count+either direction+no filter, $all+count+either direction+either filter option, stream+subscription+
 * forwards+no filter, $all+subscription+forwards+either filter option; anything else is InvalidArgument
 * ("The combination of … is invalid."). `uuid_option` is required (InvalidArgument).
 */

import type { IStreamsServer } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ReadReq, type ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { handleServerStreamingCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { appendHandler } from './appendHandler';
import { batchAppendHandler } from './batchAppendHandler';
import { isOpen } from './callStream';
import { readAll, readStream } from './readHandlers';
import { badCredentials, handlerException, invalidArgument, RpcError } from './rpcErrors';
import type { ReadCall, ServerContext } from './serverContext';
import { subscribeToAll, subscribeToStream } from './subscriptionHandlers';
import { streamNameOf } from './wire';

const Options = ReadReq.Options;

function dispatch(context: ServerContext, read: ReadCall): Promise<void> {
  const options = read.request;
  const streamCase = options.getStreamOptionCase();
  const countCase = options.getCountOptionCase();
  const forwards = options.getReadDirection() === Options.ReadDirection.FORWARDS;
  const backwards = options.getReadDirection() === Options.ReadDirection.BACKWARDS;
  const filterCase = options.getFilterOptionCase();
  const noFilter = filterCase === Options.FilterOptionCase.NO_FILTER;
  const anyFilter = noFilter || filterCase === Options.FilterOptionCase.FILTER;
  const stream = streamNameOf(options.getStream()?.getStreamIdentifier());
  if (streamCase === Options.StreamOptionCase.STREAM && stream !== undefined && noFilter) {
    if (countCase === Options.CountOptionCase.COUNT && (forwards || backwards)) {
      return readStream(context, read, stream, forwards);
    }
    if (countCase === Options.CountOptionCase.SUBSCRIPTION && forwards) return subscribeToStream(context, read, stream);
  }
  if (streamCase === Options.StreamOptionCase.ALL && anyFilter) {
    if (countCase === Options.CountOptionCase.COUNT && (forwards || backwards)) return readAll(context, read, forwards);
    if (countCase === Options.CountOptionCase.SUBSCRIPTION && forwards) return subscribeToAll(context, read);
  }
  throw invalidArgument(
    `The combination of (${streamCase}, ${countCase}, ${options.getReadDirection()}, ${filterCase}) is invalid.`,
  );
}

function readHandler(context: ServerContext): handleServerStreamingCall<ReadReq, ReadResp> {
  return (call) => {
    context.calls.read += 1;
    const finish = (error?: unknown): void => {
      if (!isOpen(call, context.stopping)) return;
      if (error === undefined) {
        call.end();
        return;
      }
      if (!(error instanceof RpcError)) context.report(error);
      call.emit('error', error instanceof RpcError ? error : handlerException());
    };
    try {
      if (context.rejectCredentials) throw badCredentials();
      const options = call.request.getOptions();
      if (options === undefined) throw handlerException();
      const uuidOption = options.getUuidOption();
      if (uuidOption === undefined) {
        throw invalidArgument(
          ' `uuidOption` is a required argument of type EventStore.Client.Streams.ReadReq+Types+Options+Types+UUIDOption',
        );
      }
      const structuredIds = uuidOption.getContentCase() !== Options.UUIDOption.ContentCase.STRING;
      dispatch(context, { request: options, out: call, structuredIds }).then(() => finish(), finish);
    } catch (error) {
      finish(error);
    }
  };
}

function counted<H extends (...args: never[]) => void>(
  context: ServerContext,
  rpc: 'append' | 'batchAppend',
  handler: H,
): H {
  return ((...args: Parameters<H>) => {
    context.calls[rpc] += 1;
    handler(...args);
  }) as H;
}

export function streamsService(context: ServerContext): Partial<IStreamsServer> & UntypedServiceImplementation {
  return {
    read: readHandler(context),
    append: counted(context, 'append', appendHandler(context)),
    batchAppend: counted(context, 'batchAppend', batchAppendHandler(context)),
  };
}
