/**
 * Reading `$all` from the in-memory log the way the server's AllReader does (src/EventStore.Core/Services/Storage/
 * ReaderIndex/AllReader.cs at v24.10.0), for implicitly committed events (position = (LogPosition, LogPosition)):
 * - forwards from `pos`: events whose position is >= `pos` (inclusive), in log order;
 * - backwards from `pos`: events whose post-position (where the next record starts) is <= `pos`, i.e. the events
 *   that lie wholly before `pos` (so reading backwards from an event's own position starts with the event before);
 * - the reader repositions at `pos.commit`: a position that is not where a record starts cannot be read
 *   (InvalidReadException → ReadAllResult.InvalidPosition in StorageReaderWorker.cs → gRPC InvalidArgument "Trying
 *   to read from an invalid position.", RpcExceptions.InvalidPositionException). A forward read from past the last
 *   record ends without reading (`nextCommitPos > LastIndexedPosition` → reachedEndOfStream).
 */
import type { AllLog, LoggedEvent } from './allLog';

export interface TfPos {
  commit: number;
  prepare: number;
}

export class InvalidPositionError extends Error {
  constructor(position: TfPos) {
    super(`Trying to read from an invalid position (${position.commit}, ${position.prepare}).`);
  }
}

export function comparePos(a: TfPos, b: TfPos): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function eventPos(event: LoggedEvent): TfPos {
  return { commit: event.position, prepare: event.position };
}

/** The position of the last record (the server's LastIndexedPosition); -1 for an empty log. */
function lastRecordPosition(log: AllLog): number {
  return log.records[log.records.length - 1]?.position ?? -1;
}

export type EventPredicate = (event: LoggedEvent) => boolean;

export interface ForwardPage {
  events: LoggedEvent[];
  /** Events looked at (whether the filter let them through or not): the checkpoint interval counts these. */
  considered: number;
  nextPos: TfPos;
  isEndOfStream: boolean;
}

/**
 * One page of a forward read (ReadAllEventsForwardInternal): stops after `maxCount` matching events or
 * `maxSearchWindow` considered events; `isEndOfStream` only when it ran past the last record.
 */
export function readForwardPage(
  log: AllLog,
  from: TfPos,
  maxCount: number,
  maxSearchWindow: number,
  allowed: EventPredicate,
): ForwardPage {
  const page: ForwardPage = { events: [], considered: 0, nextPos: from, isEndOfStream: false };
  if (from.commit > lastRecordPosition(log)) return { ...page, isEndOfStream: true };
  if (!log.isBoundary(from.commit)) throw new InvalidPositionError(from);
  let index = log.firstIndexAtOrAfter(from.commit);
  while (page.events.length < maxCount && page.considered < maxSearchWindow) {
    const record = log.records[index];
    if (record === undefined) {
      page.isEndOfStream = true;
      break;
    }
    index += 1;
    if (record.kind !== 'event' || comparePos(eventPos(record), from) < 0) continue;
    page.considered += 1;
    if (allowed(record)) page.events.push(record);
    page.nextPos = { commit: record.postPosition, prepare: 0 };
  }
  return page;
}

/** Events of a forward read from `from`, lazily (events appended while the read runs are included, as paging does). */
export function* readForward(log: AllLog, from: TfPos, allowed: EventPredicate): Generator<LoggedEvent> {
  if (from.commit > lastRecordPosition(log)) return;
  if (!log.isBoundary(from.commit)) throw new InvalidPositionError(from);
  for (let index = log.firstIndexAtOrAfter(from.commit); index < log.records.length; index += 1) {
    const record = log.records[index];
    if (record?.kind === 'event' && comparePos(eventPos(record), from) >= 0 && allowed(record)) yield record;
  }
}

/** Events of a backward read from `from` (ReadAllEventsBackwardInternal), newest first. */
export function* readBackward(log: AllLog, from: TfPos, allowed: EventPredicate): Generator<LoggedEvent> {
  // Reading before a position past the end of the log fails like any position that is not a record boundary.
  if (!log.isBoundary(from.commit)) throw new InvalidPositionError(from);
  for (let index = log.firstIndexAtOrAfter(from.commit) - 1; index >= 0; index -= 1) {
    const record = log.records[index];
    if (record?.kind !== 'event') continue;
    const post = { commit: record.postPosition, prepare: record.postPosition };
    if (comparePos(post, from) <= 0 && allowed(record)) yield record;
  }
}
