import type { AppendResult, CommandRecord, StreamSnapshot, StreamWrite } from '../../handlers/ports/eventStore';
import {
  DuplicateCommandError,
  EventStoreCorruptError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
} from '../../handlers/ports/eventStore';
import { scriptBeside, ThreadRequests } from '../threads/threadRequests';
import type { SqliteWriterData, SqliteWriterError, SqliteWriterRequest } from './sqliteWriterMessages';

function toError(error: SqliteWriterError): Error {
  switch (error.kind) {
    case 'wrongExpectedRevision':
      return new WrongExpectedRevisionError(error.stream, error.expected, error.actual);
    case 'duplicateCommand':
      return new DuplicateCommandError(error.commandId);
    case 'unavailable':
      return new EventStoreUnavailableError(error.message);
    case 'corrupt':
      return new EventStoreCorruptError(error.message);
    default:
      return new Error(error.message);
  }
}

/**
 * Appends decided in one turn go to the thread eight at a time rather than all at its end: the thread commits the
 * first eight while this one decides the rest, which the thread's group commit then takes together. Posted only at
 * the end of the turn, 64 commands in flight moved in step, the writer idle while this thread decided and this
 * thread idle while the writer committed (BENCHMARKS.md, session 17).
 */
const POST_EVERY = 8;

/**
 * Appends and checkpoints through a worker thread's connection, so the fsync of each commit (and the inserts before
 * it) no longer stops this thread: it decides the next commands meanwhile. A thread that ends unexpectedly fails what
 * was in hand as unavailable (a commit either happened before its reply or not at all: a retry with the same command
 * id gets the first reply) and the next write starts a new one.
 */
export class SqliteWriterThread {
  private readonly thread: ThreadRequests<SqliteWriterRequest, SqliteWriterError>;

  constructor(data: SqliteWriterData) {
    this.thread = new ThreadRequests(
      scriptBeside(__filename, 'sqliteWriterMain'),
      data,
      {
        failure: toError,
        ended: (reason) =>
          new EventStoreUnavailableError(`event store unavailable: the writer thread failed: ${reason}`),
      },
      { postEvery: POST_EVERY },
    );
  }

  /** Messages of appends and checkpoints posted to the thread since start. */
  get messagesPosted(): number {
    return this.thread.posted;
  }

  /** No append or checkpoint is in hand: the thread's connection holds no write lock and none is coming. */
  get idle(): boolean {
    return this.thread.idle;
  }

  async append(writes: StreamWrite[], command: CommandRecord | undefined): Promise<AppendResult> {
    return (await this.thread.request({ type: 'append', writes, ...(command ? { command } : {}) })) as AppendResult;
  }

  async writeCheckpoint(name: string, position: number): Promise<void> {
    await this.thread.request({ type: 'checkpoint', name, position });
  }

  async writeSnapshot(stream: string, snapshot: StreamSnapshot): Promise<void> {
    await this.thread.request({ type: 'snapshot', stream, snapshot });
  }

  /** Lets the writes in hand commit, closes the thread's connection and ends it. */
  close(): Promise<void> {
    return this.thread.stop();
  }
}
