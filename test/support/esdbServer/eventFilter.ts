/**
 * Server-side `$all` filters, as src/EventStore.Core/Services/Storage/ReaderIndex/EventFilter.cs (v24.10.0) builds
 * them from the request (Streams.Read.cs, ConvertToEventFilter):
 * - every `$all` read and subscription applies DefaultAllFilter: events of non-`$` streams pass; `$epoch-information`
 *   and the `$persistentsubscription-$all::…-checkpoint` / `-parked` streams do not; other `$` streams pass;
 * - a stream-identifier or event-type filter with a non-empty regex matches the regex anywhere in the name
 *   (.NET `Regex.Match`; here a JavaScript RegExp, the same for the patterns clients send), otherwise it matches
 *   when the name starts with one of the prefixes; it is applied on top of DefaultAllFilter (`isAllStream`).
 * - the search window is `max` when given, else ReadBatchSize (32, Enumerator.cs); the checkpoint interval is
 *   `checkpointIntervalMultiplier × window` (Enumerator.AllSubscriptionFiltered.cs).
 */
import type { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { LoggedEvent } from './allLog';
import type { EventPredicate } from './allReader';
import { invalidArgument } from './rpcErrors';

/** Enumerator.ReadBatchSize. */
export const READ_BATCH_SIZE = 32;

/** FilterOptions.FilterCase / WindowCase values of the client's stubs (streams_pb.js). */
const FILTER_STREAM_IDENTIFIER = 1;
const FILTER_EVENT_TYPE = 2;
const WINDOW_MAX = 3;
const WINDOW_COUNT = 4;

export const defaultAllFilter: EventPredicate = (event) => {
  const stream = event.stream;
  if (!stream.startsWith('$')) return true;
  if (stream === '$epoch-information') return false;
  if (stream.startsWith('$persistentsubscription-$all::') && /-(checkpoint|parked)$/.test(stream)) return false;
  return true;
};

export interface ServerFilter {
  allowed: EventPredicate;
  maxSearchWindow: number;
  /** 0 when the request's multiplier is 0 (a subscription refuses that; a read does not use it). */
  checkpointInterval: number;
}

function expressionMatcher(expression: ReadReq.Options.FilterOptions.Expression): (name: string) => boolean {
  const regex = expression.getRegex();
  if (regex !== '') {
    const compiled = new RegExp(regex);
    return (name) => compiled.test(name);
  }
  const prefixes = expression.getPrefixList();
  return (name) => prefixes.some((prefix) => name.startsWith(prefix));
}

export function serverFilter(options: ReadReq.Options.FilterOptions): ServerFilter {
  let field: (event: LoggedEvent) => string;
  let expression: ReadReq.Options.FilterOptions.Expression | undefined;
  switch (options.getFilterCase()) {
    case FILTER_STREAM_IDENTIFIER:
      expression = options.getStreamIdentifier();
      field = (event) => event.stream;
      break;
    case FILTER_EVENT_TYPE:
      expression = options.getEventType();
      field = (event) => event.type;
      break;
    default:
      throw invalidArgument(`'${options.getFilterCase()}' is not a valid filter`);
  }
  if (expression === undefined) throw invalidArgument('the filter has no expression');
  let window: number;
  switch (options.getWindowCase()) {
    case WINDOW_MAX:
      window = options.getMax();
      break;
    case WINDOW_COUNT:
      window = READ_BATCH_SIZE;
      break;
    default:
      throw invalidArgument(`'${options.getWindowCase()}' is not a valid window`);
  }
  const matches = expressionMatcher(expression);
  return {
    allowed: (event) => defaultAllFilter(event) && matches(field(event)),
    maxSearchWindow: window,
    checkpointInterval: options.getCheckpointintervalmultiplier() * window,
  };
}
