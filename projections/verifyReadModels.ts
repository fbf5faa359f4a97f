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

/**
 * Compares two read-model databases table by table, rows in key order, and stops at the first difference (R20:
 * the live read models must equal a rebuild from the events).
 */
export function compareReadModels(live: ReadModelDb, rebuilt: ReadModelDb): VerifyResult {
  const tables: VerifyResult['tables'] = [];
  for (const { table, key } of VERIFIED_TABLES) {
    const order = key.join(', ');
    const liveRows = live.db.prepare<[], Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY ${order}`).iterate();
    const rebuiltRows = rebuilt.db
      .prepare<[], Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY ${order}`)
      .iterate();
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
