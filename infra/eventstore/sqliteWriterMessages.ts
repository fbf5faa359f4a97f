import type { CommandRecord, ExpectedRevision, StreamSnapshot, StreamWrite } from '../../handlers/ports/eventStore';

/** What the SQLite writer thread is started with. */
export interface SqliteWriterData {
  file: string;
  synchronous: 'FULL' | 'NORMAL';
  busyTimeoutMs: number;
  /** See SqliteEventStoreOptions.walCheckpointsElsewhere. */
  walCheckpointsElsewhere?: boolean;
}

export type SqliteWriterRequest =
  | { type: 'append'; writes: StreamWrite[]; command?: CommandRecord }
  | { type: 'checkpoint'; name: string; position: number }
  | { type: 'snapshot'; stream: string; snapshot: StreamSnapshot };

/** An error as it crosses the thread boundary: the store's own errors keep their kind and fields. */
export type SqliteWriterError =
  | { kind: 'wrongExpectedRevision'; stream: string; expected: ExpectedRevision; actual: number }
  | { kind: 'duplicateCommand'; commandId: string }
  | { kind: 'unavailable'; message: string }
  | { kind: 'corrupt'; message: string }
  | { kind: 'other'; message: string };
