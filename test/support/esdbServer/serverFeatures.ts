/**
 * ServerFeatures.GetSupportedMethods, after src/EventStore.Core/Services/Transport/Grpc/ServerFeatures.cs
 * (v24.10.0): the server version (major.minor.patch) and each gRPC method, service and method names lower-cased;
 * Streams `read` carries the features `position` and `events`, `batchappend` carries `deadline_duration`.
 * The real node lists every client service it hosts; this one lists the Streams methods and itself, which is all
 * the 6.2.1 client's appendToStream / reads consult (dist/Client/ServerFeatures.js, `supports`). Delete and
 * Tombstone are listed because a 24.10 node lists them, though here they answer UNIMPLEMENTED.
 *
 * Why it matters: appendToStream (dist/streams/appendToStream/index.js) uses BatchAppend when the server lists it
 * and no per-call credentials are given, and Append when GetSupportedMethods is UNIMPLEMENTED (a pre-21.10 server).
 */

import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import type { Empty } from '@eventstore/db-client/generated/shared_pb';
import type { handleUnaryCall } from '@grpc/grpc-js';

export const SERVER_VERSION = '24.10.0';

const STREAMS = 'event_store.client.streams.streams';

const METHODS: readonly (readonly [service: string, method: string, features: readonly string[]])[] = [
  [STREAMS, 'read', ['position', 'events']],
  [STREAMS, 'append', []],
  [STREAMS, 'delete', []],
  [STREAMS, 'tombstone', []],
  [STREAMS, 'batchappend', ['deadline_duration']],
  ['event_store.client.server_features.serverfeatures', 'getsupportedmethods', []],
];

export function supportedMethods(): SupportedMethods {
  const result = new SupportedMethods().setEventStoreServerVersion(SERVER_VERSION);
  for (const [service, method, features] of METHODS) {
    result.addMethods(
      new SupportedMethod()
        .setServiceName(service)
        .setMethodName(method)
        .setFeaturesList([...features]),
    );
  }
  return result;
}

export const getSupportedMethods: handleUnaryCall<Empty, SupportedMethods> = (_call, callback) => {
  callback(null, supportedMethods());
};
