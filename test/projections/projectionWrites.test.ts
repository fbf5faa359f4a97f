import { ProjectionRuntime } from '../../projections/projectionRuntime';
import { ReadModelDb } from '../../projections/readModelDb';
import { compareReadModels } from '../../projections/verifyReadModels';
import { portalWithHistory } from '../support/portalWithHistory';

/**
 * The live projection rewrites only what an event changes: most training events (progress, a start, a score) leave
 * an assignment's rule sources and its MI count as they were, so their rows and counts are not written again. Seen
 * through temporary triggers that log every write to those tables.
 */
async function watchedPortal() {
  const h = await portalWithHistory();
  const db = h.readModels.db;
  db.exec('CREATE TEMP TABLE writes (target TEXT NOT NULL, op TEXT NOT NULL)');
  for (const table of ['exemptions', 'mi_counts', 'rule_counts'])
    for (const op of ['INSERT', 'UPDATE', 'DELETE'])
      db.exec(
        `CREATE TEMP TRIGGER watch_${table}_${op} AFTER ${op} ON main.${table} BEGIN INSERT INTO writes VALUES ('${table}', '${op}'); END`,
      );
  const written = () => {
    const rows = db.prepare<[], { target: string; op: string }>('SELECT target, op FROM writes').all();
    db.exec('DELETE FROM writes');
    return rows.map((row) => `${row.target} ${row.op}`);
  };
  return { h, written };
}

async function equalsRebuild(h: Awaited<ReturnType<typeof portalWithHistory>>) {
  const rebuilt = ReadModelDb.open({ file: ':memory:' });
  await new ProjectionRuntime(h.store, rebuilt).catchUp();
  return compareReadModels(h.readModels, rebuilt).difference;
}

describe('projection writes: an event rewrites only the rows it changes', () => {
  test('R7: progress on a rule-held assignment in progress writes no exemption row and no count; the rows equal a rebuild (R20)', async () => {
    const { h, written } = await watchedPortal();
    // ada holds security through r-all; the first progress starts it (its status moves, so its counts move).
    await h.ok('RecordProgress', { userId: 'ada', courseId: 'security', progress: 10 });
    expect(written()).toEqual(expect.arrayContaining(['mi_counts UPDATE', 'rule_counts INSERT']));
    await h.ok('RecordProgress', { userId: 'ada', courseId: 'security', progress: 55 });
    expect(written()).toEqual([]);
    const row = h.readModels.db
      .prepare<[], { progress: number }>(
        "SELECT progress FROM assignments WHERE user_id = 'ada' AND course_id = 'security'",
      )
      .get();
    expect(row?.progress).toBe(55);
    expect(await equalsRebuild(h)).toBeNull();
  });

  test('R7: an exemption rewrites the exemption row of its rule source, and its reinstatement again (R9)', async () => {
    const { h, written } = await watchedPortal();
    await h.ok('ExemptUser', { userId: 'ada', courseId: 'security', reason: 'covered elsewhere' });
    expect(written()).toEqual(expect.arrayContaining(['exemptions DELETE', 'exemptions INSERT']));
    const exempted = () =>
      h.readModels.db
        .prepare<[], { exempted: number }>(
          "SELECT exempted FROM exemptions WHERE user_id = 'ada' AND course_id = 'security' AND rule_id = 'r-all'",
        )
        .get()?.exempted;
    expect(exempted()).toBe(1);
    await h.ok('RemoveExemption', { userId: 'ada', courseId: 'security' });
    expect(written()).toEqual(expect.arrayContaining(['exemptions DELETE', 'exemptions INSERT']));
    expect(exempted()).toBe(0);
    expect(await equalsRebuild(h)).toBeNull();
  });
});
