/**
 * The check of a whole multi-stream append against its streams as read before anything is written (pure; tested in
 * test/infra/eventStoreDbMapping.test.ts). eventStoreDbAppend.ts does the reading and writing, and says why the
 * check comes first and which race it leaves.
 */
import type { Position } from '@eventstore/db-client';
import { type StreamWrite, type StreamWriteResult, WrongExpectedRevisionError } from '../../handlers/ports/eventStore';
import { normalizeEventId, toPortPosition } from './eventStoreDbMapping';
import { matchesExpected } from './writeRules';

/** One stream as read before an append: its last revision and its events' ids in revision order. */
export interface StreamSnapshot {
  revision: number;
  events: { id: string; revision: number; position: Position | undefined }[];
}

export type AppendStep =
  /** Append these events; the server checks `expectedRevision` again. `lastRevision` is what the check predicts. */
  | { kind: 'append'; write: StreamWrite; lastRevision: number }
  /** Nothing to append: an empty write or a replay of stored events, with its result. */
  | { kind: 'done'; write: StreamWrite; result: StreamWriteResult };

interface KnownEvent {
  stream: string;
  revision: number;
  position: Position | undefined;
  /** Claimed by an earlier write of the same append: not stored yet. */
  unwritten: boolean;
}

/**
 * Checks every write of an append against `snapshots` (keyed by logical stream; a missing one is an empty
 * stream) with the same rules as the memory and SQLite stores, simulating the earlier writes of the same call.
 * Throws WrongExpectedRevisionError before anything is written when one write fails.
 *
 * - A write whose first id is stored in its stream is a replay when all its ids sit there at consecutive
 *   revisions, in order: nothing is appended and the original result is returned (whatever its expectation).
 * - Otherwise the expected revision must match, and no id may be known already (stored in a stream read for
 *   this append, claimed by an earlier write, or twice in the write).
 * - Ids stored in streams this append does not touch cannot be seen (EventStoreDB has no index by event id).
 * - A replay of events claimed by an earlier write of the same call is refused (their positions are not
 *   known before they are written).
 */
export function appendSteps(
  writes: readonly StreamWrite[],
  snapshots: ReadonlyMap<string, StreamSnapshot>,
): AppendStep[] {
  const known = new Map<string, KnownEvent>();
  const revisions = new Map<string, number>();
  for (const [stream, snapshot] of snapshots) {
    revisions.set(stream, snapshot.revision);
    for (const event of snapshot.events) {
      known.set(normalizeEventId(event.id), {
        stream,
        revision: event.revision,
        position: event.position,
        unwritten: false,
      });
    }
  }
  const steps: AppendStep[] = [];
  for (const write of writes) {
    const { stream, expectedRevision, events } = write;
    const current = revisions.get(stream) ?? -1;
    const refuse = (): never => {
      throw new WrongExpectedRevisionError(stream, expectedRevision, current);
    };
    const first = events[0];
    if (first !== undefined && known.has(normalizeEventId(first.id))) {
      let last: KnownEvent | undefined;
      for (const event of events) {
        const stored = known.get(normalizeEventId(event.id));
        if (stored === undefined || stored.stream !== stream || stored.unwritten) return refuse();
        if (last !== undefined && stored.revision !== last.revision + 1) return refuse();
        last = stored;
      }
      if (last === undefined) return refuse();
      steps.push({
        kind: 'done',
        write,
        result: { stream, nextRevision: last.revision, position: toPortPosition(last.position) },
      });
      continue;
    }
    if (!matchesExpected(expectedRevision, current)) refuse();
    if (first === undefined) {
      steps.push({ kind: 'done', write, result: { stream, nextRevision: current, position: 0 } });
      continue;
    }
    const inWrite = new Set<string>();
    for (const event of events) {
      const id = normalizeEventId(event.id);
      if (known.has(id) || inWrite.has(id)) refuse();
      inWrite.add(id);
    }
    let revision = current;
    for (const id of inWrite) {
      revision += 1;
      known.set(id, { stream, revision, position: undefined, unwritten: true });
    }
    revisions.set(stream, revision);
    steps.push({ kind: 'append', write, lastRevision: revision });
  }
  return steps;
}
