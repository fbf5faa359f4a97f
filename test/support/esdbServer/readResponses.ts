/**
 * The ReadResp messages of Streams.Read, built as TryConvertReadResponse / ConvertToReadEvent /
 * ConvertToRecordedEvent in src/EventStore.Core/Services/Transport/Grpc/Streams.Read.cs (v24.10.0) build them:
 * - an event carries its id (string or structured, as the request's uuid_option asks), stream, revision, commit
 *   and prepare positions (stream reads included: ResolvedEvent.CalculatePosition gives a self-committed event
 *   `(LogPosition, LogPosition)`, src/EventStore.Core/Data/ResolvedEvent.cs), the metadata entries `type`,
 *   `created` (.NET ticks since the epoch) and `content-type`, the data and the custom metadata; the ReadEvent's
 *   own commit_position is the original event's; links are never resolved here (no `$>` events are written);
 * - subscriptions: `confirmation` (subscription id), `checkpoint` (commit / prepare), `caught_up`; `fell_behind`
 *   is never sent to clients ("currently not sent to clients");
 * - `stream_not_found` for a stream read of a stream without events.
 */
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { LoggedEvent } from './allLog';
import type { TfPos } from './allReader';
import { positionText, revisionText, ticksSinceEpoch, toStreamIdentifier, toWireUuid } from './wire';

export function eventResponse(event: LoggedEvent, structuredIds: boolean): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(toWireUuid(event.id, structuredIds))
    .setStreamIdentifier(toStreamIdentifier(event.stream))
    .setStreamRevision(revisionText(event.revision))
    .setCommitPosition(positionText(event.position))
    .setPreparePosition(positionText(event.position))
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('created', ticksSinceEpoch(event.created));
  metadata.set('content-type', event.isJson ? 'application/json' : 'application/octet-stream');
  const read = new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(positionText(event.position));
  return new ReadResp().setEvent(read);
}

export function confirmationResponse(subscriptionId: string): ReadResp {
  return new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(subscriptionId));
}

export function checkpointResponse(position: TfPos): ReadResp {
  const checkpoint = new ReadResp.Checkpoint()
    .setCommitPosition(positionText(position.commit))
    .setPreparePosition(positionText(position.prepare));
  return new ReadResp().setCheckpoint(checkpoint);
}

export function caughtUpResponse(): ReadResp {
  return new ReadResp().setCaughtUp(new ReadResp.CaughtUp());
}

export function streamNotFoundResponse(stream: string): ReadResp {
  return new ReadResp().setStreamNotFound(
    new ReadResp.StreamNotFound().setStreamIdentifier(toStreamIdentifier(stream)),
  );
}
