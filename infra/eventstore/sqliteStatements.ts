/**
 * Every statement of the SQLite event store, prepared once per connection. Values are bound as `?` parameters only
 * (test/properties/sqlBoundParameters.test.ts checks it).
 */
import type Database from 'better-sqlite3';
import { REFERENCE_STREAMS } from './sqliteSchema';

export interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

export interface IdRow {
  stream: string;
  revision: number;
  position: number;
}

export function prepareStatements(db: Database.Database) {
  return {
    streamRevision: db.prepare<[string], { revision: number | null }>(
      'SELECT MAX(revision) AS revision FROM events WHERE stream = ?',
    ),
    eventById: db.prepare<[string], IdRow>('SELECT stream, revision, position FROM events WHERE id = ?'),
    streamIdsFrom: db.prepare<[string, number, number], { id: string; revision: number; position: number }>(
      'SELECT id, revision, position FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
    ),
    insertEvent: db.prepare<[string, string, number, string, string, string, string]>(
      'INSERT INTO events (id, stream, revision, type, data, metadata, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    readStream: db.prepare<[string, number], EventRow>(
      'SELECT position, id, stream, revision, type, data, metadata FROM events WHERE stream = ? AND revision >= ? ORDER BY revision',
    ),
    readAll: db.prepare<[number, number], EventRow>(
      'SELECT position, id, stream, revision, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT ?',
    ),
    readReferenceData: db.prepare<[number, number, number], EventRow>(
      `SELECT position, id, stream, revision, type, data, metadata FROM events
       WHERE ${REFERENCE_STREAMS} AND position > ? AND position <= ? ORDER BY position LIMIT ?`,
    ),
    readStreams: db.prepare<[string], EventRow>(
      'SELECT position, id, stream, revision, type, data, metadata FROM events WHERE stream IN (SELECT value FROM json_each(?)) ORDER BY stream, revision',
    ),
    readReferenceDataAnd: db.prepare<[number, number, string, number], EventRow>(
      `SELECT position, id, stream, revision, type, data, metadata FROM events
       WHERE position > ? AND position <= ? AND (${REFERENCE_STREAMS} OR type IN (SELECT value FROM json_each(?))) ORDER BY position LIMIT ?`,
    ),
    // Keyset paging over the (stream, revision) unique index: each page starts where the last one ended.
    readStreamsByPrefix: db.prepare<[string, number, string, number, number], EventRow>(
      `SELECT position, id, stream, revision, type, data, metadata FROM events
       WHERE (stream, revision) > (?, ?) AND stream < ? AND position <= ? ORDER BY stream, revision LIMIT ?`,
    ),
    head: db.prepare<[], { head: number }>('SELECT COALESCE(MAX(position), 0) AS head FROM events'),
    findCommand: db.prepare<[string], { reply: string; position: number; owner: string | null }>(
      'SELECT reply, position, owner FROM commands WHERE command_id = ?',
    ),
    insertCommand: db.prepare<[string, string, number, string, string | null]>(
      'INSERT INTO commands (command_id, reply, position, recorded_at, owner) VALUES (?, ?, ?, ?, ?)',
    ),
    readCheckpoint: db.prepare<[string], { position: number }>('SELECT position FROM checkpoints WHERE name = ?'),
    writeCheckpoint: db.prepare<[string, number]>(
      'INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
