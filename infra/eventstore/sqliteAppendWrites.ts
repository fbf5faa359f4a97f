/**
 * One append inside the SQLite event store's write transaction: the command check, each write's expected-revision
 * and replay check, the inserts and the command record.
 *
 * - Idempotency: a write whose first event id is stored in that stream, and whose ids are all stored there at
 *   consecutive revisions in the same order, stores nothing and returns the original result (whatever its
 *   expectedRevision). A partial match, another order, or an id stored in another stream is refused with
 *   WrongExpectedRevisionError for the write's stream (actual = that stream's current revision).
 * - A command record is checked first (a duplicate wins over a revision conflict) and inserted in the same
 *   transaction as the events.
 */
import {
  type AppendResult,
  type CommandRecord,
  DuplicateCommandError,
  type StreamWrite,
  type StreamWriteResult,
  WrongExpectedRevisionError,
} from '../../handlers/ports/eventStore';
import { isDuplicateEventId } from './sqliteErrors';
import { eventChecksum } from './sqliteIntegrity';
import { headOf } from './sqliteReads';
import type { IdRow, Statements } from './sqliteStatements';
import { matchesExpected, toJson } from './writeRules';

/**
 * The events an append has inserted so far, counted as each insert succeeds: when it throws with none, nothing of it
 * was written (every check comes before the first insert, the command record is written after the events, and a
 * failed statement changes nothing), so its transaction can go on without it.
 */
export interface StoredEvents {
  events: number;
}

/** Runs inside a transaction (or savepoint) that the caller rolls back when this throws having stored events. */
export function appendInTransaction(
  statements: Statements,
  writes: StreamWrite[],
  command: CommandRecord | undefined,
  stored: StoredEvents = { events: 0 },
): AppendResult {
  if (command !== undefined && statements.findCommand.get(command.commandId) !== undefined) {
    throw new DuplicateCommandError(command.commandId);
  }
  const streams = writes.map((write) => applyWrite(statements, write, stored));
  const position = headOf(statements);
  if (command !== undefined) {
    const owner = command.owner ? JSON.stringify(command.owner) : null;
    statements.insertCommand.run(command.commandId, toJson(command.reply), position, new Date().toISOString(), owner);
  }
  // Inside the write lock the inserts take the positions after the head one by one: the last `stored.events` are
  // this append's, and no other event lies between them.
  return { streams, position, ...(stored.events > 0 ? { firstPosition: position - stored.events + 1 } : {}) };
}

/** Inserts the write's events (counted in `stored`), or recognises a replay of them, or refuses the write. */
function applyWrite(statements: Statements, write: StreamWrite, stored: StoredEvents): StreamWriteResult {
  const { stream, expectedRevision, events } = write;
  const current = statements.streamRevision.get(stream)?.revision ?? -1;
  const first = events[0];
  if (first !== undefined) {
    const stored = statements.eventById.get(first.id);
    if (stored !== undefined) return matchIdempotent(statements, write, current, stored);
  }
  if (!matchesExpected(expectedRevision, current)) {
    throw new WrongExpectedRevisionError(stream, expectedRevision, current);
  }
  if (first === undefined) return { stream, nextRevision: current, position: 0 };
  let revision = current;
  let position = 0;
  for (const event of events) {
    revision += 1;
    try {
      const data = toJson(event.data);
      const metadata = toJson(event.metadata);
      const checksum = eventChecksum(event.id, stream, revision, event.type, data, metadata);
      const info = statements.insertEvent.run(event.id, stream, revision, event.type, data, metadata, checksum);
      position = Number(info.lastInsertRowid);
      stored.events++;
    } catch (error) {
      // A later id already stored (here or elsewhere): the write is neither new nor a replay.
      if (isDuplicateEventId(error)) throw new WrongExpectedRevisionError(stream, expectedRevision, current);
      throw error;
    }
  }
  return { stream, nextRevision: revision, position };
}

/** The write's first id is stored: a replay only if every id sits in this stream, consecutively, in order. */
function matchIdempotent(statements: Statements, write: StreamWrite, current: number, first: IdRow): StreamWriteResult {
  const { stream, expectedRevision, events } = write;
  if (first.stream !== stream) throw new WrongExpectedRevisionError(stream, expectedRevision, current);
  const stored = statements.streamIdsFrom.all(stream, first.revision, events.length);
  const last = stored[stored.length - 1];
  const matches =
    last !== undefined && stored.length === events.length && events.every((event, i) => stored[i]?.id === event.id);
  if (!matches) throw new WrongExpectedRevisionError(stream, expectedRevision, current);
  return { stream, nextRevision: last.revision, position: last.position };
}
