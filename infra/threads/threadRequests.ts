import path from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';

/** What crosses to a request thread: a request with its id, or the order to finish and end. */
export type ThreadMessage<Body> = { id: number; body: Body } | { stop: true };

/** What comes back: the request's value, or an error described as data (errors lose their class crossing threads). */
export type ThreadReply<Failure> = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: Failure };

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

/**
 * The calling side of a worker thread that answers requests: each request gets a promise, settled by the reply
 * with its id. The thread starts on the first request; one that ends unexpectedly fails the requests in hand (with
 * `ended(code)`) and the next request starts a new one.
 */
export class ThreadRequests<Body, Failure> {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;

  constructor(
    private readonly script: string,
    private readonly workerData: unknown,
    private readonly decode: { failure(error: Failure): Error; ended(reason: string): Error },
  ) {}

  request(body: Body): Promise<unknown> {
    const worker = this.worker ?? this.spawn();
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      try {
        worker.postMessage({ id, body } satisfies ThreadMessage<Body>);
      } catch (error) {
        // Data that cannot cross to the thread (a function, a symbol) is a caller's bug: nothing was sent.
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Lets the thread finish the requests in hand and its own closing work, then waits for it to end. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ stop: true } satisfies ThreadMessage<Body>);
    await exited;
  }

  private spawn(): Worker {
    const worker = new Worker(this.script, { workerData: this.workerData });
    worker.on('message', (reply: ThreadReply<Failure>) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.value);
      else waiting?.reject(this.decode.failure(reply.error));
    });
    worker.on('error', (error) => this.failAll(this.decode.ended(error.message)));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(this.decode.ended(`the thread ended (exit code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of waiting) reject(error);
  }
}

/**
 * The thread's side: answers each request with `handle`, in arrival order of replies as they settle, and on stop
 * runs `close` then lets the thread end.
 */
export function serveThreadRequests<Body, Failure>(
  handle: (body: Body) => Promise<unknown>,
  describe: (error: unknown) => Failure,
  close: () => Promise<void>,
): void {
  const port = parentPort;
  if (!port) throw new Error('this module runs as a worker thread');
  port.on('message', (message: ThreadMessage<Body>) => {
    if ('stop' in message) {
      void close()
        .catch(() => undefined)
        .then(() => port.close());
      return;
    }
    handle(message.body).then(
      (value) => port.postMessage({ id: message.id, ok: true, value: value ?? null } satisfies ThreadReply<Failure>),
      (error: unknown) =>
        port.postMessage({ id: message.id, ok: false, error: describe(error) } satisfies ThreadReply<Failure>),
    );
  });
}
