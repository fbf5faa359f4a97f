/**
 * A protocol-level EventStoreDB test server: a real gRPC server (grpc-js) on a free loopback port, speaking the
 * wire protocol of EventStoreDB v24.10 with the message classes and service definitions the `@eventstore/db-client`
 * 6.2.1 client itself was generated with, over an in-memory log (allLog.ts). Insecure (like
 * `EVENTSTORE_INSECURE=true` in docker-compose.yml): no TLS, no authentication, no access checks.
 *
 * Implemented: Streams.Read (stream and `$all` reads, catch-up subscriptions to a stream and to `$all` with the
 * server-side filters), Streams.Append, Streams.BatchAppend, ServerFeatures.GetSupportedMethods. Not implemented:
 * Delete / Tombstone, persistent subscriptions, projections, users, operations, gossip (cluster discovery),
 * link resolution, `$maxAge`, scavenging, chunk boundaries. Each file cites the server source its rules follow.
 *
 * Usage: `const server = await startEsdbTestServer(); … server.connectionString … await server.stop();`
 */

import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { AllLog } from './allLog';
import type { Stopping } from './callStream';
import type { CallCounts, ServerContext } from './serverContext';
import { getSupportedMethods } from './serverFeatures';
import { streamsService } from './streamsService';

export interface EsdbTestServerOptions {
  /**
   * Serve ServerFeatures like 24.10 does (default true): the client then appends with BatchAppend. With false,
   * GetSupportedMethods is UNIMPLEMENTED (as on servers before 21.10) and the client falls back to Append.
   */
  serverFeatures?: boolean;
  /** MaxAppendSize (default 1 MiB, the server's default). */
  maxAppendSize?: number;
  /** WriteTimeoutMs (default 2000, the server's default). */
  writeTimeoutMs?: number;
  /**
   * Age after which an HTTP/2 connection is closed gracefully (GOAWAY NO_ERROR; calls on it run to their end, new
   * calls open a new connection, as gRPC's max_connection_age does). Default 250 ms. Why: Node's HTTP/2 server
   * (nghttp2 ≥ 1.57) closes a connection with GOAWAY INTERNAL_ERROR once it has received more than a burst of 1000
   * RST_STREAM frames (then 33 a second); Node 20.20 ignores the streamResetBurst / streamResetRate options of later
   * Node versions, and grpc-js would not pass them on anyway. The 6.2.1 client cancels every
   * read that meets `stream_not_found` (dist/streams/utils/ReadStream.js destroys the call), mostly after the
   * server finished the stream, so each such read costs one RST_STREAM, and the adapter reads every stream it
   * appends to: a bulk append of 1000 new streams trips the limit. A real node runs on Kestrel, whose rapid-reset
   * mitigation is not nghttp2's token bucket. Recycling connections keeps each one under the burst.
   */
  connectionAgeMs?: number;
  /** Refuse every read as a wrong password is refused (UNAUTHENTICATED). Default false. */
  rejectCredentials?: boolean;
  /** Errors the server did not expect (bugs of this server); default: written to stderr. */
  onHandlerError?: (error: unknown) => void;
}

export interface EsdbTestServer {
  /** `esdb://127.0.0.1:PORT?tls=false` */
  readonly connectionString: string;
  readonly port: number;
  /** The server's log, for tests that want to look at positions or records directly. */
  readonly log: AllLog;
  /** Calls received so far, by RPC (Streams.Read counts reads and subscriptions alike). */
  readonly calls: Readonly<CallCounts>;
  /** Stops the server at once: open calls are cancelled, as when a node goes away. */
  stop(): Promise<void>;
}

class StopSignal implements Stopping {
  private done = false;
  private readonly listeners = new Set<() => void>();

  get stopped(): boolean {
    return this.done;
  }

  onStop(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  stop(): void {
    this.done = true;
    for (const listener of [...this.listeners]) listener();
    this.listeners.clear();
  }
}

function bind(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
      if (error) reject(error);
      else resolve(port);
    });
  });
}

export async function startEsdbTestServer(options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> {
  const log = new AllLog();
  const stopping = new StopSignal();
  const context: ServerContext = {
    log,
    stopping,
    maxAppendSize: options.maxAppendSize ?? 1024 * 1024,
    writeTimeoutMs: options.writeTimeoutMs ?? 2000,
    calls: { read: 0, append: 0, batchAppend: 0 },
    rejectCredentials: options.rejectCredentials ?? false,
    report:
      options.onHandlerError ??
      ((error: unknown) => {
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        process.stderr.write(`esdb test server: unexpected handler error: ${text}\n`);
      }),
  };
  const server = new Server({ 'grpc.max_connection_age_ms': options.connectionAgeMs ?? 250 });
  server.addService(StreamsService, streamsService(context));
  if (options.serverFeatures ?? true) server.addService(ServerFeaturesService, { getSupportedMethods });
  const port = await bind(server);
  return {
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    log,
    calls: context.calls,
    stop: async () => {
      stopping.stop();
      server.forceShutdown();
    },
  };
}
