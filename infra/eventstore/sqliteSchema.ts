/**
 * The SQLite event store's tables, created on open.
 *
 * - A stream's revision is read from the (stream, revision) index the insert updates anyway: one lookup on the page
 *   about to be written, and no second table to keep in step (an earlier version kept one: it is dropped on open).
 * - The `id` UNIQUE constraint refuses an id reused anywhere.
 */

/**
 * Reference data: every stream but users' training. The partial index and the query use this one text: SQLite uses
 * a partial index only when the query repeats its condition.
 */
export const REFERENCE_STREAMS = "substr(stream, 1, 9) <> 'training-'";

/**
 * The command records (R21), a rowid table: a reply can be long (a rule's reactor command lists up to 1,000 events,
 * about 57 KB), and in a WITHOUT ROWID table, where the whole row is the key, each lookup's comparisons read such
 * rows' overflow pages (42-45 µs a command on the bench's log, against 7 µs here; sqliteSchemaUpgrades.ts moves an
 * older log's records). NOT NULL said outright: a rowid table's text primary key would take a NULL.
 */
export const COMMANDS_COLUMNS = `
  command_id TEXT NOT NULL PRIMARY KEY,
  reply TEXT NOT NULL,
  position INTEGER NOT NULL,
  recorded_at TEXT NOT NULL,
  -- R21: the actor and command type the first reply belongs to (JSON); NULL in records written before it was kept.
  owner TEXT
`;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  stream TEXT NOT NULL,
  revision INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  -- R30: a checksum of what was stored (sqliteIntegrity.ts); NULL in logs written before checksums were kept.
  checksum TEXT,
  UNIQUE (stream, revision)
);
-- Reference data (every stream but users' training): the reference-data feed reads only these, a small part of the log.
CREATE INDEX IF NOT EXISTS events_reference ON events (position) WHERE ${REFERENCE_STREAMS};
DROP TABLE IF EXISTS streams;
CREATE TABLE IF NOT EXISTS commands (${COMMANDS_COLUMNS});
-- Snapshots of long streams' folded state (sqliteSnapshots.ts): a cache beside the log; a rowid table, as a state
-- can be tens of kilobytes (see COMMANDS_COLUMNS).
CREATE TABLE IF NOT EXISTS snapshots (
  stream TEXT NOT NULL PRIMARY KEY,
  revision INTEGER NOT NULL,
  format TEXT NOT NULL,
  state TEXT NOT NULL,
  checksum TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) WITHOUT ROWID;
`;
