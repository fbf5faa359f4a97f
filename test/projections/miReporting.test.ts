import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ProjectionRuntime } from '../../projections/projectionRuntime';
import { ReadModelDb } from '../../projections/readModelDb';
import { NO_DUE_DATE } from '../../projections/readModelSchema';
import { compareReadModels } from '../../projections/verifyReadModels';
import type { Harness } from '../support/engineHarness';
import { engineHarness } from '../support/engineHarness';

type Summary = {
  key: string | null;
  assigned: number;
  notStarted: number;
  inProgress: number;
  completed: number;
  overdue: number;
  completionRate: number;
};
type Report = { userId: string; department: string | null; orgUnitId: string; overdue: boolean };

/** Security is due 2026-11-16 for everyone (assigned 2026-11-02, relative 14 days). */
async function portal() {
  const h = engineHarness({ now: '2026-11-02T09:00:00.000Z' });
  await h.seedPortal();
  await h.ok('UpdateUserProfile', { userId: 'ada', timeZone: 'Pacific/Auckland' });
  await h.ok('UpdateUserProfile', { userId: 'sam', timeZone: 'America/Los_Angeles' });
  await h.ok('CreateAssignmentRule', {
    ruleId: 'r-all',
    courseId: 'security',
    target: { kind: 'allUsers' },
    mode: 'dynamic',
    due: { kind: 'relative', days: 14 },
  });
  return h;
}

const overdueUsers = async (h: Harness) =>
  (await h.query<Report[]>('MiReport', { overdue: true })).map((row) => row.userId).sort();
const summary = async (h: Harness, groupBy: string) => h.query<Summary[]>('MiSummary', { groupBy });

async function expectRebuildEqualsLive(h: Harness): Promise<void> {
  const rebuilt = ReadModelDb.open({ file: ':memory:' });
  await new ProjectionRuntime(h.store, rebuilt, { batchSize: 3 }).catchUp();
  expect(compareReadModels(h.readModels, rebuilt).difference).toBeNull();
  rebuilt.close();
}

describe("MI reporting reads the user's facts from the assignment rows, kept in step with the referenceData", () => {
  test("R5: MI counts an assignment overdue once its due date has ended in the user's own zone", async () => {
    const h = await portal();
    // 2026-11-16T12:00Z: the 16th has ended in Auckland (UTC+13), not in London (grace, portal zone UTC) or Los Angeles.
    h.clock.set('2026-11-16T12:00:00.000Z');
    expect(await overdueUsers(h)).toEqual(['ada']);
    expect(await summary(h, 'course')).toEqual([
      expect.objectContaining({ key: 'security', assigned: 3, notStarted: 3, overdue: 1 }),
    ]);
    // 2026-11-17T00:30Z: ended in UTC too (grace), still the 16th in Los Angeles (sam).
    h.clock.set('2026-11-17T00:30:00.000Z');
    expect(await overdueUsers(h)).toEqual(['ada', 'grace']);
    h.clock.set('2026-11-17T08:00:00.000Z');
    expect(await overdueUsers(h)).toEqual(['ada', 'grace', 'sam']);
    // A completed assignment is never overdue.
    await h.ok('CompleteCourse', { userId: 'ada', courseId: 'security', completedOn: '2026-11-16' });
    expect(await summary(h, 'course')).toEqual([
      expect.objectContaining({ key: 'security', assigned: 3, completed: 1, overdue: 2, completionRate: 1 / 3 }),
    ]);
  });

  test('R5: moving a user to another zone, or the portal to another zone, moves the moment their training becomes overdue', async () => {
    const h = await portal();
    h.clock.set('2026-11-16T12:00:00.000Z');
    await h.ok('UpdateUserProfile', { userId: 'sam', timeZone: 'Pacific/Kiritimati' });
    expect(await overdueUsers(h)).toEqual(['ada', 'sam']);
    // Grace has no zone of her own: she follows the portal's.
    await h.ok('SetAssignmentPreferences', { timeZone: 'Pacific/Auckland' });
    expect(await overdueUsers(h)).toEqual(['ada', 'grace', 'sam']);
    await expectRebuildEqualsLive(h);
  });

  test("MI groups by the user's current department and org unit, and a deactivated user leaves MI", async () => {
    const h = await portal();
    expect((await summary(h, 'department')).map((row) => [row.key, row.assigned])).toEqual([
      ['Engineering', 2],
      ['Sales', 1],
    ]);
    await h.ok('UpdateUserProfile', { userId: 'sam', department: 'Engineering', orgUnitId: 'platform' });
    expect((await summary(h, 'department')).map((row) => [row.key, row.assigned])).toEqual([['Engineering', 3]]);
    expect((await summary(h, 'orgUnit')).map((row) => [row.key, row.assigned])).toEqual([
      ['eng', 1],
      ['platform', 2],
    ]);
    expect((await h.query<Report[]>('MiReport', { orgUnitId: 'eng' })).map((row) => row.userId).sort()).toEqual([
      'ada',
      'grace',
      'sam',
    ]);
    await h.ok('DeactivateUser', { userId: 'ada' });
    expect((await summary(h, 'orgUnit')).map((row) => [row.key, row.assigned])).toEqual([
      ['eng', 1],
      ['platform', 1],
    ]);
    expect(
      (await h.query<{ versions: { users: number }[] }>('VersionStatus', { courseId: 'security' })).versions.map(
        (row) => row.users,
      ),
    ).toEqual([2]);
    await expectRebuildEqualsLive(h);
  });

  test('MiSummary for an actor whose reports reach everyone reads the MI counts; they equal counting the rows (no department, org-unit subtree, one course)', async () => {
    const h = await portal();
    await h.ok('UpdateUserProfile', { userId: 'grace', department: null });
    await h.ok('AssignCourse', { userIds: ['ada', 'sam'], courseIds: ['fire-safety'] });
    await h.ok('ExemptUser', { userId: 'sam', courseId: 'security', reason: 'covered elsewhere' });
    h.clock.set('2026-11-16T12:00:00.000Z');
    const rows = await h.query<(Report & { courseId: string; status: string })[]>('MiReport', {});
    const countRows = (keyOf: (row: (typeof rows)[number]) => string | null) => {
      const groups = new Map<string | null, { assigned: number; overdue: number }>();
      for (const row of rows) {
        const group = groups.get(keyOf(row)) ?? { assigned: 0, overdue: 0 };
        group.assigned += 1;
        group.overdue += row.overdue ? 1 : 0;
        groups.set(keyOf(row), group);
      }
      return [...groups.entries()]
        .map(([key, group]) => ({ key, ...group }))
        .sort((a, b) => String(a.key).localeCompare(String(b.key)));
    };
    const fromCounts = async (params: Record<string, unknown>) =>
      (await h.query<Summary[]>('MiSummary', params))
        .map((row) => ({ key: row.key, assigned: row.assigned, overdue: row.overdue }))
        .sort((a, b) => String(a.key).localeCompare(String(b.key)));
    expect(await fromCounts({ groupBy: 'course' })).toEqual(countRows((row) => row.courseId));
    expect(await fromCounts({ groupBy: 'department' })).toEqual(countRows((row) => row.department));
    expect((await fromCounts({ groupBy: 'department' })).some((row) => row.key === null)).toBe(true);
    expect(await fromCounts({ groupBy: 'orgUnit' })).toEqual(countRows((row) => row.orgUnitId));
    expect(await fromCounts({ groupBy: 'course', courseId: 'security' })).toEqual(
      countRows((row) => row.courseId).filter((row) => row.key === 'security'),
    );
    const inEng = (await h.query<Report[]>('MiReport', { orgUnitId: 'eng' })).length;
    expect(
      (await fromCounts({ groupBy: 'course', orgUnitId: 'eng' })).reduce((sum, row) => sum + row.assigned, 0),
    ).toBe(inEng);
    // The counts are the rows of assignments_mi counted, row for row of mi_counts.
    const counted = h.readModels.db
      .prepare(
        `SELECT course_id, status, IFNULL(overdue_at, ${NO_DUE_DATE}) AS overdue_at, org_unit_id, IFNULL(department, '') AS department, COUNT(*) AS n FROM assignments WHERE visible = 1 AND user_active = 1 GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
      )
      .all();
    expect(h.readModels.db.prepare('SELECT * FROM mi_counts ORDER BY 1, 2, 3, 4, 5').all()).toEqual(counted);
    await expectRebuildEqualsLive(h);
  });

  test('read models of an older version whose tables lack the new columns open cleanly and are rebuilt', async () => {
    const h = await portal();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lms-rm-old-')), 'readmodels.db');
    // The version 2 layout: no user facts on assignment rows.
    const old = new Database(file);
    old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID; INSERT INTO meta VALUES ('version', '2');
      CREATE TABLE assignments (user_id TEXT NOT NULL, course_id TEXT NOT NULL, visible INTEGER NOT NULL, status TEXT NOT NULL, PRIMARY KEY (user_id, course_id)) WITHOUT ROWID;
      INSERT INTO assignments VALUES ('ada', 'security', 1, 'notStarted');`);
    old.close();
    const reopened = ReadModelDb.open({ file });
    expect(reopened.position()).toBe(0);
    await new ProjectionRuntime(h.store, reopened).catchUp();
    const rebuilt = ReadModelDb.open({ file: ':memory:' });
    await new ProjectionRuntime(h.store, rebuilt).catchUp();
    expect(compareReadModels(reopened, rebuilt).difference).toBeNull();
    reopened.close();
    rebuilt.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
