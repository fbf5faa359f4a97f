/**
 * The gRPC errors the server raises, with the status codes, messages and `exception` metadata of
 * src/EventStore.Core/Services/Transport/Grpc/RpcExceptions.cs (v24.10.0); the client maps the metadata key
 * `exception` to its error classes (dist/utils/CommandError.js, convertToCommandError).
 */
import { Metadata, status } from '@grpc/grpc-js';

export class RpcError extends Error {
  constructor(
    readonly code: status,
    readonly details: string,
    readonly metadata: Metadata = new Metadata(),
  ) {
    super(details);
  }
}

function withMetadata(entries: Record<string, string>): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return metadata;
}

/**
 * A request whose credentials the node does not accept: gRPC UNAUTHENTICATED, which the client turns into its
 * AccessDeniedError (convertToCommandError). Only reads check it here (the adapter's ping is a read).
 */
export function badCredentials(): RpcError {
  return new RpcError(status.UNAUTHENTICATED, 'Bad username or password.');
}

export function invalidArgument(details: string): RpcError {
  return new RpcError(status.INVALID_ARGUMENT, details);
}

/** RpcExceptions.InvalidPositionException. */
export function invalidPosition(): RpcError {
  return new RpcError(status.INVALID_ARGUMENT, 'Trying to read from an invalid position.');
}

/** RpcExceptions.RequiredMetadataPropertyMissing. */
export function requiredMetadataPropertyMissing(property: string): RpcError {
  return new RpcError(
    status.INVALID_ARGUMENT,
    `Required Metadata Property '${property}' is missing`,
    withMetadata({
      exception: 'missing-required-metadata-property',
      'required-metadata-properties': 'type,content-type',
    }),
  );
}

/** RpcExceptions.MaxAppendSizeExceeded. */
export function maxAppendSizeExceeded(maxAppendSize: number): RpcError {
  return new RpcError(
    status.INVALID_ARGUMENT,
    `Maximum Append Size of ${maxAppendSize} Exceeded.`,
    withMetadata({ exception: 'maximum-append-size-exceeded', 'maximum-append-size': String(maxAppendSize) }),
  );
}

/** RpcExceptions.UnknownError(resultType, result): a storage result the transport does not expect. */
export function unexpectedResult(resultType: string, result: string): RpcError {
  return new RpcError(status.UNKNOWN, `Unexpected ${resultType}: ${result}`);
}

/**
 * What ASP.NET Core gRPC answers when a handler throws anything but an RpcException (no detailed errors in
 * production): status Unknown, "Exception was thrown by handler.".
 */
export function handlerException(): RpcError {
  return new RpcError(status.UNKNOWN, 'Exception was thrown by handler.');
}

/** Any failure as the error a gRPC handler gives back. */
export function toRpcError(error: unknown): RpcError {
  return error instanceof RpcError ? error : handlerException();
}
