import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AppendResult, CommandRecord, StreamWrite } from './eventStore';
import { DuplicateCommandError, EventStoreUnavailableError, WrongExpectedRevisionError } from './eventStore';
import type { SqliteWriterData, SqliteWriterError, SqliteWriterReply, SqliteWriterRequest } from './sqliteWriterMessages';

/** The compiled worker script (under ts-jest this module is the TypeScript source; the build is beside it in dist/). */
function threadScript(): string {
  return __filename.endsWith('.ts') ? path.resolve(__dirname, '../../dist/infra/eventstore/sqliteWriterMain.js') : path.join(__dirname, 'sqliteWriterMain.js');
}

function toError(error: SqliteWriterError): Error {
  switch (error.kind) {
    case 'wrongExpectedRevision':
      return new WrongExpectedRevisionError(error.stream, error.expected, error.actual);
    case 'duplicateCommand':
      return new DuplicateCommandError(error.commandId);
    case 'unavailable':
      return new EventStoreUnavailableError(error.message);
    default:
      return new Error(error.message);
  }
}

/**
 * Appends and checkpoints through a worker thread's connection, so the fsync of each commit (and the inserts before
 * it) no longer stops this thread: it decides the next commands meanwhile. Replies come back in order of commit; a
 * thread that ends unexpectedly fails what was in hand as unavailable (nothing acknowledged is lost: a commit either
 * happened before its reply or not at all) and the next write starts a new one.
 */
export class SqliteWriterThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;

  constructor(private readonly data: SqliteWriterData) {}

  append(writes: StreamWrite[], command: CommandRecord | undefined): Promise<AppendResult> {
    return this.request((id) => ({ type: 'append', id, writes, ...(command ? { command } : {}) })) as Promise<AppendResult>;
  }

  async writeCheckpoint(name: string, position: number): Promise<void> {
    await this.request((id) => ({ type: 'checkpoint', id, name, position }));
  }

  /** Lets the writes in hand commit, closes the thread's connection and ends it. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ type: 'close' } satisfies SqliteWriterRequest);
    await exited;
  }

  private request(message: (id: number) => SqliteWriterRequest): Promise<unknown> {
    const worker = this.worker ?? this.spawn();
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      try {
        worker.postMessage(message(id));
      } catch (error) {
        // Data that cannot cross to the thread (a function, a symbol) is a caller's bug: nothing was sent.
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private spawn(): Worker {
    const worker = new Worker(threadScript(), { workerData: this.data });
    worker.on('message', (reply: SqliteWriterReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.value);
      else waiting?.reject(toError(reply.error));
    });
    worker.on('error', (error) => this.failAll(new EventStoreUnavailableError(`event store unavailable: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new EventStoreUnavailableError(`event store unavailable: the writer thread ended (exit code ${code})`));
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
