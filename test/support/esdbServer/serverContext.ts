/** What every handler of the test server shares: the log, the stop signal, the node's limits, an error reporter. */
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { AllLog } from './allLog';
import type { Outbound, Stopping } from './callStream';

export interface ServerContext {
  log: AllLog;
  stopping: Stopping;
  /** ClusterVNodeOptions.MaxAppendSize (default 1 MiB). */
  maxAppendSize: number;
  /** ClusterVNodeOptions.WriteTimeoutMs (default 2000): the longest a BatchAppend request may stay incomplete. */
  writeTimeoutMs: number;
  /** Answer every read as a node answers a wrong password (see rpcErrors.badCredentials). */
  rejectCredentials: boolean;
  /** Calls received so far, by RPC (tests count what a client sends, e.g. nothing while it is idle). */
  calls: CallCounts;
  /** Called with errors the server did not expect (a bug here); the client gets "Exception was thrown by handler.". */
  report(error: unknown): void;
}

/** A Streams.Read call: the request, the output, and how event ids are to be written. */
export interface ReadCall {
  request: ReadReq.Options;
  out: Outbound<ReadResp>;
  structuredIds: boolean;
}

export interface CallCounts {
  read: number;
  append: number;
  batchAppend: number;
}
