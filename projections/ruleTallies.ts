import type { UserScope } from '../domain/policies/adminViewPolicy';
import type { RuleCounts } from '../domain/queryResults/assignmentRuleResults';
import { ReadModelQueries } from './readModelQueries';
import { NO_DUE_DATE } from './readModelSchema';

/**
 * How many users hold each rule's source, per status: the `exemptions` rows (one per rule source held, exempt or not)
 * joined to their assignments. Only active users count, as in MI reporting. Overdue is derived at read time (R5) from
 * `overdue_at`. A rule whose viewer sees every holder is read from `rule_counts` (those rows counted by triggers,
 * tallySchema.ts); a scoped viewer's rules are counted holder by holder against the scope.
 */

export interface RuleTally {
  counts: RuleCounts;
  /** Every active holder, in the actor's scope or not. */
  holders: number;
  /** Holders the actor may view (the ones `counts` covers). */
  inScope: number;
}

/** The rules to count, each with the users whose rows its viewer sees. */
export type RuleScopes = ReadonlyMap<string, UserScope>;

type TallyRow = { rule_id: string; exempted: number; status: string; overdue: number; n: number };
type HolderRow = { rule_id: string; user_id: string; exempted: number; status: string; overdue: number };

const OVERDUE = `(a.status <> 'completed' AND a.overdue_at <= @now)`;
const HOLDERS = `FROM exemptions e JOIN assignments a ON a.user_id = e.user_id AND a.course_id = e.course_id
  WHERE e.rule_id IN (SELECT value FROM json_each(@rules)) AND e.user_active = 1 AND a.user_active = 1`;

export const emptyTally = (): RuleTally => ({
  counts: { notStarted: 0, inProgress: 0, completed: 0, expired: 0, overdue: 0, exempt: 0 },
  holders: 0,
  inScope: 0,
});

export class RuleTallies extends ReadModelQueries {
  /** Per rule id: rules seen with every holder are counted in SQL; the others holder by holder against the scope. */
  tallies(scopes: RuleScopes, now: string): Map<string, RuleTally> {
    const tallies = new Map<string, RuleTally>([...scopes.keys()].map((ruleId) => [ruleId, emptyTally()]));
    const everyone = [...scopes].filter(([, scope]) => scope.everyone).map(([ruleId]) => ruleId);
    const scoped = [...scopes].filter(([, scope]) => !scope.everyone).map(([ruleId]) => ruleId);
    const nowMs = Date.parse(now);
    if (everyone.length > 0) {
      const rows = this.statement<Record<string, unknown>, TallyRow>(
        `SELECT r.rule_id, r.exempted, r.status, SUM(r.n) AS n,
             SUM(CASE WHEN r.status <> 'completed' AND r.overdue_at > ${NO_DUE_DATE} AND r.overdue_at <= @now THEN r.n ELSE 0 END) AS overdue
           FROM rule_counts r WHERE r.rule_id IN (SELECT value FROM json_each(@rules)) GROUP BY r.rule_id, r.exempted, r.status`,
      ).all({ rules: JSON.stringify(everyone), now: nowMs });
      for (const row of rows) add(tallies.get(row.rule_id), row, row.n, row.overdue, true);
    }
    if (scoped.length > 0) {
      const rows = this.statement<Record<string, unknown>, HolderRow>(
        `SELECT e.rule_id, e.user_id, e.exempted, a.status, ${OVERDUE} AS overdue ${HOLDERS}`,
      ).all({ rules: JSON.stringify(scoped), now: nowMs });
      for (const row of rows)
        add(
          tallies.get(row.rule_id),
          row,
          1,
          row.overdue === 1 ? 1 : 0,
          scopes.get(row.rule_id)?.admits(row.user_id) ?? false,
        );
    }
    return tallies;
  }

  /** The holders of one rule the scope admits (a constrained viewer's page is cut from these). */
  holdersInScope(ruleId: string, scope: UserScope): string[] {
    return this.statement<Record<string, unknown>, { user_id: string }>(
      `SELECT e.user_id ${HOLDERS} ORDER BY e.user_id`,
    )
      .all({ rules: JSON.stringify([ruleId]) })
      .map((row) => row.user_id)
      .filter((userId) => scope.admits(userId));
  }
}

/** Adds `n` holders of one status, `overdue` of them overdue. */
function add(
  tally: RuleTally | undefined,
  row: { exempted: number; status: string },
  n: number,
  overdue: number,
  inScope: boolean,
): void {
  if (!tally) return;
  tally.holders += n;
  if (!inScope) return;
  tally.inScope += n;
  const { counts } = tally;
  if (row.exempted === 1) {
    counts.exempt += n;
    return;
  }
  if (
    row.status === 'notStarted' ||
    row.status === 'inProgress' ||
    row.status === 'completed' ||
    row.status === 'expired'
  )
    counts[row.status] += n;
  counts.overdue += overdue;
}
