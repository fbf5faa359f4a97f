/**
 * Streams.Read with the `subscription` option: catch-up subscriptions to `$all` (with or without a filter) and to a
 * stream, after src/EventStore.Core/Services/Transport/Enumerators/Enumerator.AllSubscription.cs,
 * Enumerator.AllSubscriptionFiltered.cs and Enumerator.StreamSubscription.cs (v24.10.0):
 * - `confirmation` (a new subscription id) first; the live position is taken then (the last record's position for
 *   `$all`, the last revision for a stream) and `end` means "after it".
 * - Then the events strictly after the start point (`start`: all of them): a position / revision given by the
 *   client is exclusive, unlike a read's. Catch-up reads pages of 32 (ReadBatchSize); a filtered `$all`
 *   subscription counts the events each page considered and sends a `checkpoint` every `checkpointInterval`
 *   (multiplier × search window) of them, at max(last event sent, page start), and one when catch-up reaches the
 *   end of the log; then `caught_up`; then live events as they are appended, with a `checkpoint` every
 *   `checkpointInterval` events committed (SubscriptionsService.ProcessEventCommited: every event counts, whether
 *   the filter lets it through or not). Checkpoints not after the last one, and events not after the last event,
 *   are dropped (MoveNextAsync). The unfiltered `$all` subscription sends no checkpoints.
 * - Differences, none visible to a client that only reads events: the live checkpoint counter starts when the
 *   subscription goes live (the server's counts from the subscribe call), and a slow consumer is back-pressured
 *   instead of falling behind (the server drops live events past 32 buffered and catches up again, sending a
 *   second `caught_up`); `fell_behind` is never sent by the server either.
 * - The 6.2.1 client understands `caught_up` (dist/streams/utils/Subscription.js emits "caughtUp"), so it is sent.
 */
import { randomUUID } from 'node:crypto';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { LoggedEvent } from './allLog';
import {
  comparePos,
  type EventPredicate,
  eventPos,
  InvalidPositionError,
  readForwardPage,
  type TfPos,
} from './allReader';
import { isOpen, nextAppend, send } from './callStream';
import { defaultAllFilter, READ_BATCH_SIZE, serverFilter } from './eventFilter';
import { allFrom, streamFrom } from './readOptions';
import { caughtUpResponse, checkpointResponse, confirmationResponse, eventResponse } from './readResponses';
import { handlerException, invalidPosition } from './rpcErrors';
import type { ReadCall, ServerContext } from './serverContext';

const BEFORE_START: TfPos = { commit: -1, prepare: -1 };

interface AllSubscriptionPlan {
  allowed: EventPredicate;
  maxSearchWindow: number;
  /** undefined: no checkpoints (the unfiltered subscription). */
  checkpointInterval: number | undefined;
}

/** Sends subscription messages, dropping what MoveNextAsync drops (events and checkpoints that do not advance). */
class SubscriptionSender {
  private lastEvent: TfPos | undefined;
  private lastCheckpoint: TfPos | undefined;

  constructor(
    private readonly context: ServerContext,
    private readonly read: ReadCall,
  ) {}

  get open(): boolean {
    return isOpen(this.read.out, this.context.stopping);
  }

  /** Resolves after the next append (or when the call or the server goes away). */
  nextAppend(): Promise<void> {
    return nextAppend(this.context.log, this.read.out, this.context.stopping);
  }

  event(event: LoggedEvent): Promise<boolean> {
    const position = eventPos(event);
    if (this.lastEvent !== undefined && comparePos(position, this.lastEvent) <= 0) return Promise.resolve(this.open);
    this.lastEvent = position;
    return send(this.read.out, eventResponse(event, this.read.structuredIds), this.context.stopping);
  }

  checkpoint(position: TfPos): Promise<boolean> {
    if (this.lastCheckpoint !== undefined && comparePos(position, this.lastCheckpoint) <= 0) {
      return Promise.resolve(this.open);
    }
    this.lastCheckpoint = position;
    return send(this.read.out, checkpointResponse(position), this.context.stopping);
  }

  message(message: ReadResp): Promise<boolean> {
    return send(this.read.out, message, this.context.stopping);
  }
}

function allPlan(read: ReadCall): AllSubscriptionPlan {
  const options = read.request.getFilter();
  if (options === undefined) {
    return { allowed: defaultAllFilter, maxSearchWindow: Number.MAX_SAFE_INTEGER, checkpointInterval: undefined };
  }
  const filter = serverFilter(options);
  // AllSubscriptionFiltered's constructor: ArgumentOutOfRangeException.ThrowIfZero(checkpointIntervalMultiplier).
  if (filter.checkpointInterval <= 0 || filter.maxSearchWindow <= 0) throw handlerException();
  return filter;
}

/** CatchUp of the `$all` enumerators: pages from the checkpoint until a page reaches the end of the log. */
async function catchUpAll(
  context: ServerContext,
  sender: SubscriptionSender,
  plan: AllSubscriptionPlan,
  start: TfPos,
): Promise<TfPos | undefined> {
  let checkpoint = start;
  let counter = 0;
  let pageStart = comparePos(start, BEFORE_START) === 0 ? { commit: 0, prepare: 0 } : start;
  for (;;) {
    const page = readForwardPage(context.log, pageStart, READ_BATCH_SIZE, plan.maxSearchWindow, plan.allowed);
    for (const event of page.events) {
      if (comparePos(eventPos(event), checkpoint) <= 0) continue;
      if (!(await sender.event(event))) return undefined;
      checkpoint = eventPos(event);
    }
    counter += page.considered;
    if (page.isEndOfStream) {
      if (plan.checkpointInterval !== undefined && !(await sender.checkpoint(checkpoint))) return undefined;
      return checkpoint;
    }
    if (plan.checkpointInterval !== undefined && counter >= plan.checkpointInterval) {
      counter %= plan.checkpointInterval;
      if (comparePos(checkpoint, pageStart) < 0) checkpoint = pageStart;
      if (!(await sender.checkpoint(checkpoint))) return undefined;
    }
    pageStart = page.nextPos;
  }
}

/** GoLive of the `$all` enumerators: `caught_up`, then every event appended after the checkpoint, until the call ends. */
async function liveAll(
  context: ServerContext,
  sender: SubscriptionSender,
  plan: AllSubscriptionPlan,
  start: TfPos,
): Promise<void> {
  const { log } = context;
  if (!(await sender.message(caughtUpResponse()))) return;
  let checkpoint = start;
  let counter = 0;
  let index = log.firstIndexAtOrAfter(Math.max(0, start.commit));
  for (;;) {
    const record = log.records[index];
    if (record === undefined) {
      if (!sender.open) return;
      await sender.nextAppend();
      continue;
    }
    index += 1;
    if (record.kind !== 'event' || comparePos(eventPos(record), checkpoint) <= 0) continue;
    if (plan.allowed(record)) {
      if (!(await sender.event(record))) return;
      checkpoint = eventPos(record);
    }
    if (plan.checkpointInterval === undefined) continue;
    counter += 1;
    if (counter >= plan.checkpointInterval) {
      counter = 0;
      checkpoint = eventPos(record);
      if (!(await sender.checkpoint(checkpoint))) return;
    }
  }
}

export async function subscribeToAll(context: ServerContext, read: ReadCall): Promise<void> {
  const { log } = context;
  const plan = allPlan(read);
  const from = allFrom(read.request.getAll());
  const sender = new SubscriptionSender(context, read);
  const last = log.records[log.records.length - 1]?.position ?? -1;
  const confirmationLastPos: TfPos = { commit: last, prepare: last };
  if (!(await sender.message(confirmationResponse(randomUUID())))) return;
  let checkpoint: TfPos;
  if (from.kind === 'start') checkpoint = BEFORE_START;
  else if (from.kind === 'end') checkpoint = confirmationLastPos;
  else checkpoint = from.position;
  if (comparePos(checkpoint, confirmationLastPos) < 0) {
    try {
      const caughtUp = await catchUpAll(context, sender, plan, checkpoint);
      if (caughtUp === undefined) return;
      checkpoint = caughtUp;
    } catch (error) {
      if (error instanceof InvalidPositionError) throw invalidPosition();
      throw error;
    }
  }
  await liveAll(context, sender, plan, checkpoint);
}

export async function subscribeToStream(context: ServerContext, read: ReadCall, stream: string): Promise<void> {
  const { log } = context;
  const streamOptions = read.request.getStream();
  if (streamOptions === undefined) throw handlerException();
  const from = streamFrom(streamOptions);
  const sender = new SubscriptionSender(context, read);
  const confirmationLast = log.lastRevision(stream);
  if (!(await sender.message(confirmationResponse(randomUUID())))) return;
  let checkpoint = from.kind === 'start' ? -1 : from.kind === 'end' ? confirmationLast : from.revision;
  if (checkpoint < confirmationLast) {
    // CatchUp: ReadStreamEventsForward from checkpoint + 1 (honouring `$maxCount` / `$tb`) to the end of the stream.
    let revision = Math.max(checkpoint + 1, log.firstReadableRevision(stream));
    for (; revision <= log.lastRevision(stream); revision += 1) {
      const event = log.eventAt(stream, revision);
      if (event !== undefined && !(await sender.event(event))) return;
      checkpoint = revision;
    }
  }
  if (!(await sender.message(caughtUpResponse()))) return;
  for (;;) {
    const event = log.eventAt(stream, checkpoint + 1);
    if (event === undefined) {
      if (!sender.open) return;
      await sender.nextAppend();
      continue;
    }
    if (!(await sender.event(event))) return;
    checkpoint = event.revision;
  }
}
