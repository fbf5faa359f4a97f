import path from 'node:path';
import v8 from 'node:v8';
import { parentPort, Worker } from 'node:worker_threads';

/**
 * What crosses to a request thread: the requests made in one turn of the caller's event loop, each with its id, or
 * the order to finish and end. One message per turn, not per request: with 64 commands in flight, posting and
 * receiving a message per append was 12% of the deciding thread (issue #19).
 */
export type ThreadMessage<Body> = { requests: { id: number; body: Body }[] } | { stop: true } | { heap: number };

/** A thread's V8 heap: what it holds (live and not yet collected) and what it has taken from the system. */
export interface ThreadHeap {
  thread: string;
  usedBytes: number;
  totalBytes: number;
  /** The most it may take: its old generation's limit and its young generation's. */
  limitBytes: number;
}

/** The request threads running in this process, for the heap figures of the metrics and the bench. */
const running = new Set<ThreadRequests<unknown, unknown>>();

/** Every running request thread's heap (issue #19: memory you can see, thread by thread). */
export async function threadHeaps(): Promise<ThreadHeap[]> {
  const heaps = await Promise.all([...running].map((thread) => thread.heap().catch(() => undefined)));
  return heaps.filter((heap): heap is ThreadHeap => heap !== undefined);
}

/** One request's answer: its value, or an error described as data (errors lose their class crossing threads). */
export type ThreadReply<Failure> = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: Failure };

/** What comes back: the answers settled in one turn of the thread's event loop, together. */
export type ThreadReplies<Failure> = { replies: ThreadReply<Failure>[] };

/**
 * The compiled script of a thread (under ts-jest the caller is the TypeScript source; the build is beside it in
 * dist/): `scriptBeside(__filename, 'projectionThreadMain')`.
 */
export function scriptBeside(callerFile: string, name: string): string {
  const dir = path.dirname(callerFile);
  if (!callerFile.endsWith('.ts')) return path.join(dir, `${name}.js`);
  const root = path.resolve(__dirname, '../..');
  return path.join(root, 'dist', path.relative(root, dir), `${name}.js`);
}

export interface ThreadRequestsOptions {
  /**
   * The thread's own heap limits (default a 16 MB young generation). Its young generation is set here rather than
   * inherited from the process's V8 flags: `--max-semi-space-size=64`, which the deciding thread wants, would give
   * every thread 128 MB of young generation (issue #19: memory bounded).
   */
  resourceLimits?: { maxYoungGenerationSizeMb: number };
  /**
   * A thread that takes requests in batches: they wait for the end of the event loop's turn (`setImmediate`), and go
   * as soon as this many wait, so the thread starts on the first ones while this one makes the rest (see
   * SqliteWriterThread). Default: none; each request goes at the next microtask.
   */
  postEvery?: number;
}

/**
 * The calling side of a worker thread that answers requests: each request gets a promise, settled by the reply
 * with its id. The thread starts on the first request; one that ends unexpectedly fails the requests in hand (with
 * `ended(code)`) and the next request starts a new one.
 */
export class ThreadRequests<Body, Failure> {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;
  /** Requests waiting to be posted: at the next microtask, or for a batching thread as ThreadRequestsOptions says. */
  private outbox: { id: number; body: Body }[] = [];

  private readonly resourceLimits: { maxYoungGenerationSizeMb: number };
  private readonly postEvery: number;
  private postedMessages = 0;

  constructor(
    private readonly script: string,
    private readonly workerData: unknown,
    private readonly decode: { failure(error: Failure): Error; ended(reason: string): Error },
    options: ThreadRequestsOptions = {},
  ) {
    this.resourceLimits = options.resourceLimits ?? { maxYoungGenerationSizeMb: 16 };
    this.postEvery = options.postEvery ?? Number.POSITIVE_INFINITY;
  }

  /** Messages of requests posted to the thread since start, for tests and figures. */
  get posted(): number {
    return this.postedMessages;
  }

  /** The thread's name in figures: its script's, without `Main` (`projectionThread`, `sqliteWriter`). */
  get name(): string {
    return path.basename(this.script, '.js').replace(/Main$/, '');
  }

  /** The thread's heap, asked of the thread itself; undefined when it is not running. */
  heap(): Promise<ThreadHeap | undefined> {
    const worker = this.worker;
    if (!worker) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const answered = (value: unknown) => resolve({ thread: this.name, ...(value as Omit<ThreadHeap, 'thread'>) });
      this.pending.set(id, { resolve: answered, reject });
      worker.postMessage({ heap: id } satisfies ThreadMessage<Body>);
    });
  }

  /** Nothing asked of the thread is waiting for its answer (or to be posted). */
  get idle(): boolean {
    return this.pending.size === 0 && this.outbox.length === 0;
  }

  request(body: Body): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.outbox.push({ id, body });
      if (this.outbox.length === 1) this.postSoon();
      else if (this.outbox.length >= this.postEvery) this.post();
    });
  }

  /**
   * A batching thread's requests go at the end of the turn (setImmediate): commands decided in promise chains reach
   * `request` in later microtasks of the same turn, and a microtask posted each alone after a full message (a commit
   * of one append, one fsync, for a fifth of the writer's commits at 64 in flight; BENCHMARKS.md, session 20). Other
   * requests go at the next microtask: a caller may go on working without yielding to the event loop (the rebuild
   * asks its helper for one half, then builds the other), and a request held to the turn's end would wait for it.
   */
  private postSoon(): void {
    if (this.postEvery < Number.POSITIVE_INFINITY) setImmediate(() => this.post());
    else queueMicrotask(() => this.post());
  }

  /** Posts the requests waiting, in one message. */
  private post(): void {
    const requests = this.outbox;
    this.outbox = [];
    if (requests.length === 0) return;
    let worker: Worker;
    try {
      worker = this.worker ?? this.spawn();
    } catch (error) {
      for (const { id } of requests) this.settleFailed(id, error);
      return;
    }
    try {
      worker.postMessage({ requests } satisfies ThreadMessage<Body>);
      this.postedMessages++;
    } catch {
      // Data that cannot cross to the thread (a function, a symbol) is a caller's bug: post each request alone so
      // only the one that cannot cross fails; nothing of it was sent.
      for (const request of requests) {
        try {
          worker.postMessage({ requests: [request] } satisfies ThreadMessage<Body>);
        } catch (error) {
          this.settleFailed(request.id, error);
        }
      }
    }
  }

  private settleFailed(id: number, error: unknown): void {
    const waiting = this.pending.get(id);
    this.pending.delete(id);
    waiting?.reject(error instanceof Error ? error : new Error(String(error)));
  }

  /** Lets the thread finish the requests in hand and its own closing work, then waits for it to end. */
  async stop(): Promise<void> {
    this.post();
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    running.delete(this as ThreadRequests<unknown, unknown>);
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ stop: true } satisfies ThreadMessage<Body>);
    await exited;
  }

  private spawn(): Worker {
    // V8 lets the process's --max-semi-space-size outrank a worker's resourceLimits, and reads it when a heap is set
    // up: it is set to this thread's size while the thread starts (the deciding thread's heap, set up at start, keeps
    // its 64 MB). Without this every thread had the deciding thread's 128 MB of young generation (issue #19).
    v8.setFlagsFromString(`--max-semi-space-size=${Math.max(1, this.resourceLimits.maxYoungGenerationSizeMb / 2)}`);
    const worker = new Worker(this.script, { workerData: this.workerData, resourceLimits: this.resourceLimits });
    worker.on('message', ({ replies }: ThreadReplies<Failure>) => {
      for (const reply of replies) {
        const waiting = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (reply.ok) waiting?.resolve(reply.value);
        else waiting?.reject(this.decode.failure(reply.error));
      }
    });
    worker.on('error', (error) => this.failAll(this.decode.ended(error.message)));
    worker.on('exit', (code) => {
      if (this.worker === worker) {
        this.worker = undefined;
        running.delete(this as ThreadRequests<unknown, unknown>);
      }
      this.failAll(this.decode.ended(`the thread ended (exit code ${code})`));
    });
    this.worker = worker;
    running.add(this as ThreadRequests<unknown, unknown>);
    return worker;
  }

  private failAll(error: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of waiting) reject(error);
  }
}

/**
 * The thread's side: answers each request with `handle`; the answers that settle in one turn go back in one message
 * (a group commit settles all its appends together). On stop it runs `close` then lets the thread end.
 */
export function serveThreadRequests<Body, Failure>(
  handle: (body: Body) => Promise<unknown>,
  describe: (error: unknown) => Failure,
  close: () => Promise<void>,
): void {
  const port = parentPort;
  if (!port) throw new Error('this module runs as a worker thread');
  let settled: ThreadReply<Failure>[] = [];
  const inHand = new Set<Promise<void>>();
  const postSettled = () => {
    if (settled.length === 0) return;
    const replies = settled;
    settled = [];
    port.postMessage({ replies } satisfies ThreadReplies<Failure>);
  };
  const answer = (reply: ThreadReply<Failure>) => {
    settled.push(reply);
    if (settled.length === 1) setImmediate(postSettled);
  };
  port.on('message', (message: ThreadMessage<Body>) => {
    if ('heap' in message) {
      const heap = v8.getHeapStatistics();
      answer({
        id: message.heap,
        ok: true,
        value: { usedBytes: heap.used_heap_size, totalBytes: heap.total_heap_size, limitBytes: heap.heap_size_limit },
      });
      return;
    }
    if ('stop' in message) {
      // Every request in hand is answered before the thread closes: a commit that happened is reported as one.
      void Promise.allSettled([...inHand])
        .then(postSettled)
        .then(close)
        .catch(() => undefined)
        .then(() => port.close());
      return;
    }
    for (const { id, body } of message.requests) {
      const answered = handle(body).then(
        (value) => answer({ id, ok: true, value: value ?? null }),
        (error: unknown) => answer({ id, ok: false, error: describe(error) }),
      );
      inHand.add(answered);
      void answered.finally(() => inHand.delete(answered));
    }
  });
}
