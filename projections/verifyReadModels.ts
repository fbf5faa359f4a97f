import type { ReadModelDb } from './readModelDb';
import { VERIFIED_TABLES } from './readModelSchema';

export interface ReadModelDifference {
  table: string;
  key: Record<string, unknown>;
  live: Record<string, unknown> | null;
  rebuilt: Record<string, unknown> | null;
}

export interface VerifyResult {
  tables: { table: string; rows: number }[];
  difference: ReadModelDifference | null;
}

type Row = Record<string, unknown>;

const unfoldedUsers = (readModels: ReadModelDb) =>
  new Set(readModels.db.prepare<[], string>('SELECT user_id FROM unfolded_users').pluck().all());

/**
 * The folded states of one side but those the other side left out: a current assignment's, of a user the other side
 * lists as unfolded (a rebuild from zero stores only removed assignments' states; the projector folds the rest again
 * when it needs them).
 */
function* statesBothHold(rows: IterableIterator<Row>, unfoldedElsewhere: ReadonlySet<string>): IterableIterator<Row> {
  for (const row of rows) {
    const leftOut =
      unfoldedElsewhere.has(row.user_id as string) && (JSON.parse(row.state as string) as { active: boolean }).active;
    if (!leftOut) yield row;
  }
}

/**
 * Compares two read-model databases table by table, rows in key order, and stops at the first difference (R20:
 * the live read models must equal a rebuild from the events). Folded states are compared where both hold them.
 */
export function compareReadModels(live: ReadModelDb, rebuilt: ReadModelDb): VerifyResult {
  const tables: VerifyResult['tables'] = [];
  const unfolded = { live: unfoldedUsers(live), rebuilt: unfoldedUsers(rebuilt) };
  for (const { table, key } of VERIFIED_TABLES) {
    const order = key.join(', ');
    const rowsOf = (readModels: ReadModelDb, unfoldedElsewhere: ReadonlySet<string>) => {
      const rows = readModels.db.prepare<[], Row>(`SELECT * FROM ${table} ORDER BY ${order}`).iterate();
      return table === 'training_state' ? statesBothHold(rows, unfoldedElsewhere) : rows;
    };
    const liveRows = rowsOf(live, unfolded.rebuilt);
    const rebuiltRows = rowsOf(rebuilt, unfolded.live);
    let rows = 0;
    for (;;) {
      const a = liveRows.next();
      const b = rebuiltRows.next();
      if (a.done && b.done) break;
      const liveRow = a.done ? null : a.value;
      const rebuiltRow = b.done ? null : b.value;
      if (JSON.stringify(liveRow) !== JSON.stringify(rebuiltRow)) {
        liveRows.return?.();
        rebuiltRows.return?.();
        const keyOf = (liveRow ?? rebuiltRow) as Record<string, unknown>;
        return {
          tables,
          difference: {
            table,
            key: Object.fromEntries(key.map((column) => [column, keyOf[column]])),
            live: liveRow,
            rebuilt: rebuiltRow,
          },
        };
      }
      rows++;
    }
    tables.push({ table, rows });
  }
  return { tables, difference: null };
}
