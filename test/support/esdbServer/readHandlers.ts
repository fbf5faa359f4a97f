/**
 * Streams.Read with a count: stream reads and `$all` reads, forwards and backwards, as the v24.10.0 enumerators do
 * them (src/EventStore.Core/Services/Transport/Enumerators/Enumerator.ReadStreamForwards.cs, …Backwards.cs,
 * …ReadAllForwards.cs, …ReadAllBackwards.cs, and the …Filtered variants), over IndexReader / AllReader:
 * - A stream without events answers one `stream_not_found` message and ends (ReadStreamResult.NoStream).
 * - Stream reads honour the stream's `$maxCount` and `$tb` metadata (IndexReader.ReadStreamEventsForwardInternal /
 *   BackwardInternal: minEventNumber); `$maxAge` is not modelled. A forward read from the end (revision -1) fails
 *   as the server's does: IndexReader's Ensure.Nonnegative throws, StorageReaderWorker answers
 *   ReadStreamResult.Error, the enumerator raises UnknownError ("Unexpected ReadStreamResult: Error").
 * - Backwards from a revision past the end starts at the last event; forwards past the end reads nothing.
 * - `$all` reads: see allReader.ts (inclusive forwards, exclusive backwards, invalid positions); `end` is the
 *   writer checkpoint (TFPos.HeadOfTf in StorageReaderWorker). Unfiltered reads apply DefaultAllFilter.
 * - Links are never resolved (resolve_links has nothing to resolve: no `$>` events are written here).
 * - The `control_option.compatibility` ≥ 1 messages (first / last stream position) are not sent: the 6.2.1 client
 *   never asks for them.
 */
import { type EventPredicate, InvalidPositionError, readBackward, readForward, type TfPos } from './allReader';
import { send } from './callStream';
import { defaultAllFilter, serverFilter } from './eventFilter';
import { allFrom, countOf, streamFrom } from './readOptions';
import { eventResponse, streamNotFoundResponse } from './readResponses';
import { handlerException, invalidPosition, unexpectedResult } from './rpcErrors';
import type { ReadCall, ServerContext } from './serverContext';

export async function readStream(
  context: ServerContext,
  read: ReadCall,
  stream: string,
  forwards: boolean,
): Promise<void> {
  const { log, stopping } = context;
  const streamOptions = read.request.getStream();
  if (streamOptions === undefined) throw handlerException();
  const from = streamFrom(streamOptions);
  let remaining = countOf(read.request);
  if (log.lastRevision(stream) === -1) {
    await send(read.out, streamNotFoundResponse(stream), stopping);
    return;
  }
  if (forwards) {
    if (from.kind === 'end') throw unexpectedResult('ReadStreamResult', 'Error');
    let revision = Math.max(from.kind === 'revision' ? from.revision : 0, log.firstReadableRevision(stream));
    for (; remaining > 0 && revision <= log.lastRevision(stream); revision += 1, remaining -= 1) {
      const event = log.eventAt(stream, revision);
      if (event !== undefined && !(await send(read.out, eventResponse(event, read.structuredIds), stopping))) return;
    }
    return;
  }
  const last = log.lastRevision(stream);
  let revision = from.kind === 'revision' ? Math.min(from.revision, last) : last;
  const minimum = log.firstReadableRevision(stream);
  for (; remaining > 0 && revision >= minimum; revision -= 1, remaining -= 1) {
    const event = log.eventAt(stream, revision);
    if (event !== undefined && !(await send(read.out, eventResponse(event, read.structuredIds), stopping))) return;
  }
}

export async function readAll(context: ServerContext, read: ReadCall, forwards: boolean): Promise<void> {
  const { log, stopping } = context;
  const from = allFrom(read.request.getAll());
  const filterOptions = read.request.getFilter();
  const allowed: EventPredicate = filterOptions === undefined ? defaultAllFilter : serverFilter(filterOptions).allowed;
  const head: TfPos = { commit: log.head, prepare: log.head };
  let position: TfPos;
  if (from.kind === 'position') position = from.position;
  else if (from.kind === 'end') position = head;
  else position = { commit: 0, prepare: 0 };
  let remaining = countOf(read.request);
  if (remaining === 0) return;
  try {
    const events = forwards ? readForward(log, position, allowed) : readBackward(log, position, allowed);
    for (const event of events) {
      if (!(await send(read.out, eventResponse(event, read.structuredIds), stopping))) return;
      remaining -= 1;
      if (remaining === 0) return;
    }
  } catch (error) {
    if (error instanceof InvalidPositionError) throw invalidPosition();
    throw error;
  }
}
