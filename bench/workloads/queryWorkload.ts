import type { QueryHandler } from '../../projections/queryHandler';
import { actor } from '../adminCommands';
import type { Result } from '../measure';
import { check, round, summarize, timed, withGcPauses } from '../measure';
import type { GeneratedPortal } from '../portalGenerator';
import { seededRandom } from '../portalGenerator';

const MY_TEAM_LEVEL_MS = 5;

/** SLOs: dashboard and 50-person My Team p99 < 5 ms; MI summary over 1,000,000 assignments < 200 ms. */
export async function queryWorkload(queries: QueryHandler, portal: GeneratedPortal, rules: number): Promise<Result> {
  const dashboard = await dashboardLatencies(queries, portal, rules);
  const { result: calls, pauses } = await withGcPauses(() => myTeamCalls(queries, portal));
  const team = calls.map((call) => call.ms);
  // The calls over the level, and how many of them a garbage collection's pause fell in (the tail's usual cause).
  const slow = calls.filter((call) => call.ms > MY_TEAM_LEVEL_MS);
  const slowInGc = slow.filter((call) =>
    pauses.some((pause) => pause.startMs < call.startMs + call.ms && pause.startMs + pause.ms > call.startMs),
  );
  const summary: number[] = [];
  let total = 0;
  for (let i = 0; i < 10; i++) {
    const { result, ms } = await timed(() =>
      queries.handle({ type: 'MiSummary', actor, params: { groupBy: 'course' } }),
    );
    total = result.ok ? (result.result as { assigned: number }[]).reduce((sum, row) => sum + row.assigned, 0) : 0;
    summary.push(ms);
  }
  check(
    total === portal.userIds.length * rules,
    `MI summary counts ${total}, expected ${portal.userIds.length * rules}`,
  );
  const d = summarize(dashboard);
  const t = summarize(team);
  const m = summarize(summary);
  return {
    workload: 'queries: dashboard / My Team (50) / MI summary',
    size: `${total.toLocaleString('en')} assignments`,
    figures: {
      dashboardP50Ms: d.p50Ms,
      dashboardP99Ms: d.p99Ms,
      myTeamP50Ms: t.p50Ms,
      myTeamP99Ms: t.p99Ms,
      myTeamCallsOver5Ms: slow.length,
      myTeamCallsOver5MsInGc: slowInGc.length,
      myTeamGcPauses: pauses.length,
      myTeamGcMaxMs: round(Math.max(0, ...pauses.map((pause) => pause.ms))),
      miSummaryP50Ms: m.p50Ms,
      miSummaryP99Ms: m.p99Ms,
    },
    target: 'p99 < 5 ms, < 5 ms, MI < 200 ms (1M)',
    met: d.p99Ms < 5 && t.p99Ms < MY_TEAM_LEVEL_MS && (total < 1_000_000 ? true : m.p99Ms < 200),
  };
}

/** 1,000 dashboards of random users, each holding at least one assignment per rule. */
async function dashboardLatencies(queries: QueryHandler, portal: GeneratedPortal, rules: number): Promise<number[]> {
  const random = seededRandom(11);
  const dashboard: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const userId = portal.userIds[Math.floor(random() * portal.userIds.length)] as string;
    const { result, ms } = await timed(() => queries.handle({ type: 'UserDashboard', actor, params: { userId } }));
    check(result.ok && (result.result as unknown[]).length >= rules, 'dashboard lacks assignments');
    dashboard.push(ms);
  }
  return dashboard;
}

/** 200 My Team views, each asked by its manager and holding a full team: when each began and its latency. */
async function myTeamCalls(queries: QueryHandler, portal: GeneratedPortal): Promise<{ startMs: number; ms: number }[]> {
  const team: { startMs: number; ms: number }[] = [];
  for (let i = 0; i < 200; i++) {
    const managerId = portal.managerIds[i % portal.managerIds.length] as string;
    const { result, ms, startMs } = await timed(() =>
      queries.handle({ type: 'MyTeam', actor: { userId: managerId }, params: {} }),
    );
    check(
      result.ok &&
        (result.result as { members: unknown[] }).members.length >=
          Math.min(50, portal.userIds.length / portal.managerIds.length - 2),
      'team too small',
    );
    team.push({ startMs, ms });
  }
  return team;
}
