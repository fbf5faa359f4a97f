/**
 * A log written by an earlier version brought to today's schema when it is opened, each step once.
 *
 * - R30's checksums and R21's command owners arrived after the first logs were written: the columns are added, and
 *   the old rows keep NULL (not compared, no owner to check).
 * - The command records were kept in a WITHOUT ROWID table: they are copied into the rowid table of sqliteSchema.ts
 *   (same columns, same rows), since long replies there slowed every command's duplicate check.
 *
 * Under the write lock (IMMEDIATE, waiting busy_timeout): of engines opening an old log together, one upgrades it and
 * the others then find it done, where a deferred read-then-alter would fail with SQLITE_BUSY or upgrade twice.
 */
import type Database from 'better-sqlite3';
import { COMMANDS_COLUMNS } from './sqliteSchema';

export function upgradeOldLog(db: Database.Database): void {
  const columnOf = db.prepare<[string, string], { name: string }>(
    'SELECT name FROM pragma_table_info(?) WHERE name = ?',
  );
  const hasColumn = (table: string, name: string) => columnOf.get(table, name) !== undefined;
  const commandsWithoutRowid = db.prepare("SELECT 1 FROM pragma_table_list('commands') WHERE wr = 1");
  const withoutRowid = () => commandsWithoutRowid.get() !== undefined;
  const current = () => hasColumn('events', 'checksum') && hasColumn('commands', 'owner') && !withoutRowid();
  if (current()) return;
  db.transaction(() => {
    if (!hasColumn('events', 'checksum')) db.exec('ALTER TABLE events ADD COLUMN checksum TEXT');
    if (!hasColumn('commands', 'owner')) db.exec('ALTER TABLE commands ADD COLUMN owner TEXT');
    if (withoutRowid()) {
      db.exec(`
        CREATE TABLE commands_upgraded (${COMMANDS_COLUMNS});
        INSERT INTO commands_upgraded (command_id, reply, position, recorded_at, owner)
          SELECT command_id, reply, position, recorded_at, owner FROM commands;
        DROP TABLE commands;
        ALTER TABLE commands_upgraded RENAME TO commands;
      `);
    }
  }).immediate();
}
