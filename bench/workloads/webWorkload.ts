import type { Engine } from '../../infra/engine/engine';
import { ApiTokenStore } from '../../infra/http/apiTokens';
import { buildHttpApp } from '../../infra/http/httpApp';
import { backendOf } from '../../infra/http/httpBackend';
import { loadHttpSettings } from '../../infra/http/httpSettings';
import { ADMIN } from '../adminCommands';
import type { Result } from '../measure';
import { check, summarize, timed } from '../measure';
import type { GeneratedPortal } from '../portalGenerator';
import { seededRandom } from '../portalGenerator';

/**
 * Web (issue #18, DESIGN.md section 6): server time per page under 200 ms at the bench's portal size. Each page is
 * asked through Fastify's `inject` (routing, authentication, the queries as the actor, rendering; no socket), as the
 * administrator with a bearer token, My Team as a manager. p50 and p99 per page.
 */
export async function webWorkload(engine: Engine, portal: GeneratedPortal, quick: boolean): Promise<Result> {
  const tokens = ApiTokenStore.open(null);
  const app = await buildHttpApp({
    backend: backendOf(engine, 'served', () => new Date()),
    tokens,
    settings: loadHttpSettings({}),
  });
  const admin = { authorization: `Bearer ${tokens.create(ADMIN, 'bench', new Date()).token}` };
  const random = seededRandom(18);
  const anyUser = () => portal.userIds[Math.floor(random() * portal.userIds.length)] as string;
  const course = portal.courseIds[1] as string;
  const pages: [string, () => { url: string; headers: Record<string, string> }][] = [
    ['mi', () => ({ url: '/mi', headers: admin })],
    ['miRows', () => ({ url: `/mi/rows?courseId=${course}`, headers: admin })],
    ['myTeam', () => ({ url: '/team', headers: managerToken(portal.managerIds[0] as string) })],
    ['profile', () => ({ url: `/users/${anyUser()}`, headers: admin })],
    ['rules', () => ({ url: '/rules', headers: admin })],
    ['ruleSummary', () => ({ url: '/rules/r-everyone', headers: admin })],
    ['ruleNew', () => ({ url: '/rules/new', headers: admin })],
    ['audit', () => ({ url: `/audit?userId=${anyUser()}&asOf=2026-03-02`, headers: admin })],
    ['explain', () => ({ url: `/audit/explain?userId=${anyUser()}&courseId=${course}`, headers: admin })],
  ];
  const managers = new Map<string, Record<string, string>>();
  function managerToken(managerId: string) {
    const known = managers.get(managerId);
    if (known) return known;
    const headers = { authorization: `Bearer ${tokens.create(managerId, 'bench', new Date()).token}` };
    managers.set(managerId, headers);
    return headers;
  }
  const figures: Record<string, number> = {};
  let worst = 0;
  const rounds = quick ? 10 : 30;
  try {
    for (const [name, request] of pages) {
      const times: number[] = [];
      for (let i = 0; i < rounds + 2; i++) {
        const { result, ms } = await timed(() => app.inject({ method: 'GET', ...request() }));
        check(result.statusCode === 200, `${name}: HTTP ${result.statusCode} ${result.body.slice(0, 300)}`);
        if (i >= 2) times.push(ms); // the first two warm the page's code and statements
      }
      const summary = summarize(times);
      figures[`${name}P50Ms`] = summary.p50Ms;
      figures[`${name}P99Ms`] = summary.p99Ms;
      worst = Math.max(worst, summary.p99Ms);
    }
  } finally {
    await app.close();
    tokens.close();
  }
  return {
    workload: 'web: server time per page (Fastify inject)',
    size: `${portal.userIds.length.toLocaleString('en')} users, ${rounds} requests per page`,
    figures,
    target: 'p99 < 200 ms per page',
    met: worst < 200,
  };
}
