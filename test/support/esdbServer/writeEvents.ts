/**
 * One write to one stream, decided and applied as EventStoreDB v24.10.0 does it; shared by Append and BatchAppend.
 *
 * The decision is IndexWriter.CheckCommit (src/EventStore.Core/Services/Storage/ReaderIndex/IndexWriter.cs; its
 * idempotency cases are tested in src/EventStore.Core.Tests/Services/Storage/Idempotency/, and
 * docs/server/configuration/db-config.md mentions the index reads "for idempotent handling of write operations when
 * an expected version is specified"):
 * - A stream that never had events takes the new-stream path (the existence filter says it cannot exist,
 *   CheckCommitForNewStream): `any` and `no_stream` write, everything else is WrongExpectedVersion (current -1).
 * - `any` / `stream_exists` on an existing stream: if the first event id is not in the committed-events cache for
 *   this stream, the events are written (no id check beyond the first!); if it is, every id must be there too,
 *   and the write is idempotent: nothing is written and the answer is the revision and position of the last
 *   of those events, whatever their revisions; ids only partly there are "corrupted idempotency", answered as
 *   WrongExpectedVersion (StorageWriterService.ActOnCommitCheckFailure).
 * - An exact revision (or `no_stream`, -1) below the current one: idempotent when the ids are the events at
 *   revisions expected+1, expected+2, … in order; otherwise WrongExpectedVersion. An empty write there is
 *   WrongExpectedVersion too.
 * - Above the current one: WrongExpectedVersion; equal: written.
 * The cache the server uses for `any` is bounded (ESConsts.CommitedEventsMemCacheLimit), so on a real server that
 * idempotency is best-effort for old events; here it is unbounded. Deleted and soft-deleted streams are not
 * modelled (this server has no Delete / Tombstone).
 *
 * The answer (StorageWriterService, StorageChaser.ProcessPrepareRecord → CommitAck, RequestManagerBase,
 * WriteEvents.ClientSuccessMsg): the revision of the last event written and the log position of that event as
 * both commit and prepare position. An idempotent write answers the last replayed event's revision and position
 * (RequestManagerBase.Handle(AlreadyCommitted) → ReturnCommitAt). A write without events appends an empty prepare
 * (no Data flag: it is in no read) and answers the current revision (no_stream when -1) and that prepare's position.
 */
import { type AllLog, ExpectedVersion, type ProposedEvent } from './allLog';

export type WriteOutcome =
  /** `position` -1: the server gives no position (`no_position`). */
  { kind: 'success'; lastRevision: number; position: number } | { kind: 'wrong-expected-version'; current: number };

type CommitCheck =
  | { decision: 'ok'; current: number }
  | { decision: 'wrong-expected-version'; current: number }
  | { decision: 'idempotent'; lastRevision: number };

function checkAnyOrStreamExists(log: AllLog, stream: string, current: number, ids: readonly string[]): CommitCheck {
  let last: number | undefined;
  for (const id of ids) {
    const info = log.committed(id);
    if (info === undefined || info.stream !== stream) {
      return last === undefined ? { decision: 'ok', current } : { decision: 'wrong-expected-version', current };
    }
    last = info.revision;
  }
  return last === undefined ? { decision: 'ok', current } : { decision: 'idempotent', lastRevision: last };
}

function checkBelowCurrent(
  log: AllLog,
  stream: string,
  expected: number,
  current: number,
  ids: readonly string[],
): CommitCheck {
  let revision = expected;
  for (const id of ids) {
    revision += 1;
    const info = log.committed(id);
    if (info !== undefined && info.stream === stream && info.revision === revision) continue;
    if (log.eventAt(stream, revision)?.id === id) continue;
    return { decision: 'wrong-expected-version', current };
  }
  if (revision === expected) return { decision: 'wrong-expected-version', current };
  return { decision: 'idempotent', lastRevision: revision };
}

export function checkCommit(log: AllLog, stream: string, expected: number, ids: readonly string[]): CommitCheck {
  const current = log.lastRevision(stream);
  if (current === -1) {
    const writes = expected === ExpectedVersion.Any || expected === ExpectedVersion.NoStream;
    return { decision: writes ? 'ok' : 'wrong-expected-version', current };
  }
  if (expected === ExpectedVersion.Any || expected === ExpectedVersion.StreamExists) {
    return checkAnyOrStreamExists(log, stream, current, ids);
  }
  if (expected < current) return checkBelowCurrent(log, stream, expected, current, ids);
  if (expected > current) return { decision: 'wrong-expected-version', current };
  return { decision: 'ok', current };
}

export function writeEvents(
  log: AllLog,
  stream: string,
  expected: number,
  events: readonly ProposedEvent[],
): WriteOutcome {
  const check = checkCommit(
    log,
    stream,
    expected,
    events.map((event) => event.id),
  );
  switch (check.decision) {
    case 'wrong-expected-version':
      return { kind: 'wrong-expected-version', current: check.current };
    case 'idempotent': {
      // The position comes from IndexReader.ReadEvent, which honours `$maxCount` / `$tb`: none when hidden.
      const event = log.eventAt(stream, check.lastRevision);
      const position =
        event !== undefined && check.lastRevision >= log.firstReadableRevision(stream) ? event.position : -1;
      return { kind: 'success', lastRevision: check.lastRevision, position };
    }
    case 'ok': {
      if (events.length === 0) {
        return { kind: 'success', lastRevision: check.current, position: log.appendEmptyPrepare(stream) };
      }
      const written = log.appendEvents(stream, check.current, events);
      const last = written[written.length - 1];
      return { kind: 'success', lastRevision: last?.revision ?? check.current, position: last?.position ?? -1 };
    }
  }
}
