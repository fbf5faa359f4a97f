import http from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { commandTypes } from '../../domain/commands';
import { queryNames } from '../../domain/queries';
import type { SnapshotUse } from '../../handlers/aggregateStore';
import type { EngineStatus } from '../engine/engineStatus';
import { threadHeaps } from '../threads/threadRequests';

/** The type a request names, when it is one the contract knows: labels stay a bounded set whatever callers send. */
function knownType(input: unknown, known: readonly string[]): string {
  const type = (input as { type?: unknown } | null)?.type;
  return typeof type === 'string' && known.includes(type) ? type : 'unknown';
}

/**
 * Prometheus metrics of a serving engine (`prom-client`), on an opt-in port: commands and queries by type and
 * outcome with latency histograms, each checkpoint's lag, parked work per loop, durable-intake redeliveries; Node's
 * own process metrics beside them. The lag and parked gauges are read from the engine's status at each scrape.
 */
export class EngineMetrics {
  readonly registry = new Registry();
  private readonly commands = new Counter({
    name: 'lms_commands_total',
    help: 'Commands answered, by type and outcome (ok or the error code).',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly commandSeconds = new Histogram({
    name: 'lms_command_duration_seconds',
    help: 'Time to answer a command, by type.',
    labelNames: ['type'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly queries = new Counter({
    name: 'lms_queries_total',
    help: 'Queries answered, by type and outcome (ok or the error code).',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly querySeconds = new Histogram({
    name: 'lms_query_duration_seconds',
    help: 'Time to answer a query, by type.',
    labelNames: ['type'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly redeliveries = new Counter({
    name: 'lms_intake_redeliveries_total',
    help: 'Durable commands JetStream delivered again (a previous delivery was not acknowledged).',
    registers: [this.registry],
  });
  private server: http.Server | undefined;

  constructor(status: () => Promise<EngineStatus>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'lms_' });
    const lagEvents = new Gauge({
      name: 'lms_checkpoint_lag_events',
      help: 'Events stored after a checkpoint (read models, reactor, relay).',
      labelNames: ['checkpoint'] as const,
      registers: [this.registry],
    });
    const lagSeconds = new Gauge({
      name: 'lms_checkpoint_lag_seconds',
      help: 'How long the oldest event a checkpoint has not handled has waited.',
      labelNames: ['checkpoint'] as const,
      registers: [this.registry],
    });
    const parked = new Gauge({
      name: 'lms_parked_work',
      help: 'Background work parked after failing (R29), by loop.',
      labelNames: ['loop'] as const,
      registers: [this.registry],
    });
    const head = new Gauge({
      name: 'lms_log_head_position',
      help: 'Position of the last stored event.',
      registers: [this.registry],
    });
    const cacheBytes = new Gauge({
      name: 'lms_state_cache_bytes',
      help: 'Estimated heap held by the folded-state cache (bounded by LMS_STATE_CACHE_MB).',
      registers: [this.registry],
    });
    const cacheStates = new Gauge({
      name: 'lms_state_cache_states',
      help: 'States the folded-state cache holds: unpacked, or packed (the less recently used users, unpacked when used).',
      labelNames: ['form'] as const,
      registers: [this.registry],
    });
    const cacheLoads = new Counter({
      name: 'lms_state_cache_loads_total',
      help: 'Loads of an aggregate state (commands, reactions): found in the cache (hit) or read from the store (miss).',
      labelNames: ['result'] as const,
      registers: [this.registry],
    });
    const snapshotUse = new Counter({
      name: 'lms_state_snapshots_total',
      help: 'Snapshots of long streams: read (a load started from one), written, or failed (a write refused, or one that would not decode).',
      labelNames: ['result'] as const,
      registers: [this.registry],
    });
    // The cache counts since start; the counter is moved by what was added since the last scrape.
    let counted = { hits: 0, misses: 0 };
    let snapshotsCounted: SnapshotUse = { read: 0, written: 0, failed: 0 };
    const threadHeap = new Gauge({
      name: 'lms_thread_heap_bytes',
      help: "Each worker thread's V8 heap: used (live and not yet collected) and total (taken from the system).",
      labelNames: ['thread', 'kind'] as const,
      registers: [this.registry],
    });
    this.collectStatus = async () => {
      for (const heap of await threadHeaps()) {
        threadHeap.set({ thread: heap.thread, kind: 'used' }, heap.usedBytes);
        threadHeap.set({ thread: heap.thread, kind: 'total' }, heap.totalBytes);
      }
      const now = await status();
      head.set(now.head);
      cacheBytes.set(now.stateCache.bytes);
      cacheStates.set({ form: 'unpacked' }, now.stateCache.states - now.stateCache.packed);
      cacheStates.set({ form: 'packed' }, now.stateCache.packed);
      cacheLoads.inc({ result: 'hit' }, Math.max(0, now.stateCache.hits - counted.hits));
      cacheLoads.inc({ result: 'miss' }, Math.max(0, now.stateCache.misses - counted.misses));
      counted = { hits: now.stateCache.hits, misses: now.stateCache.misses };
      for (const result of ['read', 'written', 'failed'] as const)
        snapshotUse.inc({ result }, Math.max(0, now.snapshots[result] - snapshotsCounted[result]));
      snapshotsCounted = now.snapshots;
      for (const checkpoint of now.checkpoints) {
        lagEvents.set({ checkpoint: checkpoint.name }, checkpoint.lagEvents);
        lagSeconds.set({ checkpoint: checkpoint.name }, checkpoint.lagSeconds);
      }
      for (const loop of ['reactor', 'projections', 'relay', 'scheduler'])
        parked.set({ loop }, now.parked.byLoop[loop] ?? 0);
    };
  }

  private readonly collectStatus: () => Promise<void>;

  /** Times a command and counts its outcome. */
  async command<Reply extends { ok: boolean; error?: { code: string } }>(input: unknown, run: () => Promise<Reply>) {
    const type = knownType(input, commandTypes);
    const stop = this.commandSeconds.startTimer({ type });
    const reply = await run();
    stop();
    this.commands.inc({ type, outcome: reply.ok ? 'ok' : (reply.error?.code ?? 'error') });
    return reply;
  }

  async query<Reply extends { ok: boolean; error?: { code: string } }>(input: unknown, run: () => Promise<Reply>) {
    const type = knownType(input, queryNames);
    const stop = this.querySeconds.startTimer({ type });
    const reply = await run();
    stop();
    this.queries.inc({ type, outcome: reply.ok ? 'ok' : (reply.error?.code ?? 'error') });
    return reply;
  }

  /** The text format on `GET /metrics`, bound to the given host and port. */
  async listen(port: number, host: string): Promise<number> {
    this.server = http.createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404).end('not found: GET /metrics\n');
        return;
      }
      this.collectStatus()
        .then(() => this.registry.metrics())
        .then((text) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(text))
        .catch((error: Error) => response.writeHead(500).end(`metrics unavailable: ${error.message}\n`));
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
