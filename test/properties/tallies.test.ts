/**
 * The tallies the admin views read (issue #18's web level): `rule_counts` and `course_version_counts`, kept by
 * triggers as the read models are written (projections/tallySchema.ts), and the holders listed by the name copied onto
 * the `exemptions` rows. After every generated history (arbitraries.ts: rules, exemptions, progress, upgrades,
 * membership, profile changes with renames, deactivations, clock moves) they must equal counting the rows, and the
 * queries answered from them must equal the same figures folded from the UserTraining states; MiReport of one course,
 * paged from its own index, must list the rows the whole report lists for it.
 */
import fc from 'fast-check';
import { isOverdue } from '../../domain/policies/overduePolicy';
import type { AssignmentRulesResult, AssignmentSummaryResult } from '../../domain/queryResults/assignmentRuleResults';
import type { CoursesResult } from '../../domain/queryResults/courseResults';
import { todayIn } from '../../domain/shared/calendar';
import type { TrainingState } from '../../domain/userTraining/trainingState';
import { ReadModelDb } from '../../projections/readModelDb';
import { NO_DUE_DATE } from '../../projections/readModelSchema';
import { rebuildFromEvents } from '../../projections/streamRebuild';
import { sqliteCopyOf } from '../support/sqliteCopy';
import { COURSES, historyArb, PROPERTY_SEED, propertyParameters, RUNS } from './arbitraries';
import type { PlayedHistory } from './historyRunner';
import { playHistory } from './historyRunner';

/** The counts as the triggers keep them, and the rows counted from scratch (the queries the tallies replaced). */
const TABLES = [
  {
    table: 'rule_counts',
    stored: 'SELECT rule_id, exempted, status, overdue_at, n FROM rule_counts ORDER BY 1, 2, 3, 4',
    recount: `SELECT e.rule_id, e.exempted, a.status, IFNULL(a.overdue_at, ${NO_DUE_DATE}) AS overdue_at, COUNT(*) AS n
      FROM exemptions e JOIN assignments a ON a.user_id = e.user_id AND a.course_id = e.course_id
      WHERE a.user_active = 1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  },
  {
    table: 'course_version_counts',
    stored: 'SELECT course_id, version, n FROM course_version_counts ORDER BY 1, 2',
    recount:
      'SELECT course_id, version, COUNT(*) AS n FROM assignments WHERE visible = 1 AND user_active = 1 GROUP BY 1, 2 ORDER BY 1, 2',
  },
  {
    table: 'mi_counts',
    stored: 'SELECT * FROM mi_counts ORDER BY 1, 2, 3, 4, 5',
    recount: `SELECT course_id, status, IFNULL(overdue_at, ${NO_DUE_DATE}) AS overdue_at, org_unit_id, IFNULL(department, '') AS department, COUNT(*) AS n
      FROM assignments WHERE visible = 1 AND user_active = 1 GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
  },
];

function countViolations(readModels: ReadModelDb, label: string): string[] {
  const violations: string[] = [];
  for (const { table, stored, recount } of TABLES) {
    const kept = JSON.stringify(readModels.db.prepare(stored).all());
    const counted = JSON.stringify(readModels.db.prepare(recount).all());
    if (kept !== counted) violations.push(`${label}: ${table} holds ${kept}; counting the rows gives ${counted}`);
  }
  const names = readModels.db
    .prepare<[], { user_id: string }>(
      'SELECT e.user_id FROM exemptions e JOIN users u ON u.user_id = e.user_id WHERE e.user_name IS NOT u.name',
    )
    .all();
  if (names.length > 0)
    violations.push(`${label}: exemption rows of ${names.map((row) => row.user_id).join(', ')} carry an old name`);
  return violations;
}

type RuleFigures = { holders: number; counts: Record<string, number>; byName: string[] };

/** Per rule, from the UserTraining states and the reference data alone: what AssignmentRules and its summary show. */
async function foldedRules(run: PlayedHistory): Promise<Map<string, RuleFigures>> {
  const { referenceData } = run.h.commands;
  const now = run.h.clock.now();
  const figures = new Map<string, RuleFigures>();
  const holders = new Map<string, { userId: string; name: string }[]>();
  for (const ruleId of referenceData.rules.keys()) {
    figures.set(ruleId, {
      holders: 0,
      counts: { notStarted: 0, inProgress: 0, completed: 0, expired: 0, overdue: 0, exempt: 0 },
      byName: [],
    });
    holders.set(ruleId, []);
  }
  for (const user of referenceData.users.values()) {
    if (!user.active) continue;
    const state: TrainingState = await run.h.training(user.userId);
    const today = todayIn(now, user.timeZone ?? referenceData.preferences.timeZone);
    for (const assignment of state.assignments.values()) {
      if (!assignment.active) continue;
      for (const source of assignment.sources) {
        const rule = source.ruleId === null ? undefined : figures.get(source.ruleId);
        if (!rule || source.ruleId === null) continue;
        rule.holders++;
        holders.get(source.ruleId)?.push({ userId: user.userId, name: user.name });
        if (source.exempt) {
          rule.counts.exempt = (rule.counts.exempt ?? 0) + 1;
          continue;
        }
        rule.counts[assignment.status] = (rule.counts[assignment.status] ?? 0) + 1;
        if (isOverdue(assignment, today)) rule.counts.overdue = (rule.counts.overdue ?? 0) + 1;
      }
    }
  }
  const binary = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  for (const [ruleId, list] of holders)
    (figures.get(ruleId) as RuleFigures).byName = list
      .sort((a, b) => binary(a.name, b.name) || binary(a.userId, b.userId))
      .map((holder) => holder.userId);
  return figures;
}

/** Per course and version, the active users whose assignment shows (visible): what Courses shows. */
async function foldedVersions(run: PlayedHistory): Promise<Map<string, Record<number, number>>> {
  const { referenceData } = run.h.commands;
  const versions = new Map<string, Record<number, number>>();
  for (const user of referenceData.users.values()) {
    if (!user.active) continue;
    for (const assignment of (await run.h.training(user.userId)).assignments.values()) {
      if (!assignment.active || assignment.sources.every((source) => source.exempt)) continue;
      const byVersion = versions.get(assignment.courseId) ?? {};
      byVersion[assignment.version] = (byVersion[assignment.version] ?? 0) + 1;
      versions.set(assignment.courseId, byVersion);
    }
  }
  return versions;
}

async function queryViolations(run: PlayedHistory): Promise<string[]> {
  const { h } = run;
  const violations: string[] = [];
  const rules = await foldedRules(run);
  for (const view of await h.query<AssignmentRulesResult>('AssignmentRules', { includeRetired: true })) {
    const expected = rules.get(view.ruleId) as RuleFigures;
    const shown = { holders: view.audienceSize, counts: view.counts };
    const folded = { holders: expected.holders, counts: expected.counts };
    if (JSON.stringify(shown) !== JSON.stringify(folded))
      violations.push(
        `AssignmentRules ${view.ruleId} shows ${JSON.stringify(shown)}; folded ${JSON.stringify(folded)}`,
      );
    const summary = await h.query<AssignmentSummaryResult>('AssignmentSummary', {
      ruleId: view.ruleId,
      limit: 1000,
      offset: 0,
    });
    const listed = summary.users.rows.map((row) => row.userId);
    if (summary.users.total !== expected.holders || JSON.stringify(listed) !== JSON.stringify(expected.byName))
      violations.push(
        `AssignmentSummary ${view.ruleId} lists ${summary.users.total}: ${listed.join(', ')}; by name: ${expected.byName.join(', ')}`,
      );
  }
  // MiReport of one course pages from the index assignments_mi: the same rows as the whole report's of it.
  const everything = await h.query<{ userId: string; courseId: string; status: string; overdue: boolean }[]>(
    'MiReport',
    { limit: 10_000 },
  );
  for (const courseId of COURSES)
    for (const [filter, keep] of [
      [{}, () => true],
      [{ status: 'notStarted' }, (row: (typeof everything)[number]) => row.status === 'notStarted'],
      [{ overdue: true }, (row: (typeof everything)[number]) => row.overdue],
    ] as const) {
      const expected = everything.filter((row) => row.courseId === courseId && keep(row));
      const paged = await h.query<typeof everything>('MiReport', { courseId, ...filter, limit: 2, offset: 1 });
      if (JSON.stringify(paged) !== JSON.stringify(expected.slice(1, 3)))
        violations.push(`MiReport of ${courseId} ${JSON.stringify(filter)} rows 2-3 differ from the whole report's`);
    }
  const versions = await foldedVersions(run);
  for (const course of await h.query<CoursesResult>('Courses', { includeInactive: true })) {
    const shown = Object.fromEntries(course.versions.filter((v) => v.users > 0).map((v) => [v.version, v.users]));
    const folded = versions.get(course.courseId) ?? {};
    if (JSON.stringify(shown) !== JSON.stringify(folded))
      violations.push(
        `Courses ${course.courseId} shows ${JSON.stringify(shown)} users per version; folded ${JSON.stringify(folded)}`,
      );
  }
  return violations;
}

describe(`tallies over generated histories (fast-check seed ${PROPERTY_SEED} + offset, ${RUNS.histories} histories)`, () => {
  test('rule_counts, course_version_counts and mi_counts equal counting the rows, live and after a rebuild stream by stream; AssignmentRules, AssignmentSummary (holders by name) and Courses equal the figures folded from the UserTraining states; MiReport of one course pages the rows of the whole report', async () => {
    let counted = 0;
    await fc.assert(
      fc.asyncProperty(historyArb, async (steps) => {
        const run = await playHistory(steps);
        try {
          const violations = countViolations(run.h.readModels, 'live');
          const copy = await sqliteCopyOf(run.h.store);
          const rebuilt = ReadModelDb.open({ file: ':memory:' });
          await rebuildFromEvents(copy, rebuilt);
          await copy.close();
          violations.push(...countViolations(rebuilt, 'rebuilt stream by stream'));
          rebuilt.close();
          violations.push(...(await queryViolations(run)));
          counted += (run.h.readModels.db.prepare('SELECT COUNT(*) AS n FROM rule_counts').get() as { n: number }).n;
          if (violations.length > 0)
            throw new Error(`${violations.length} violation(s):\n  - ${violations.slice(0, 10).join('\n  - ')}`);
        } finally {
          run.h.readModels.close();
        }
      }),
      propertyParameters(RUNS.histories, 11),
    );
    // The histories must reach rules with holders, or the property proves nothing.
    expect(counted).toBeGreaterThan(0);
  });
});
