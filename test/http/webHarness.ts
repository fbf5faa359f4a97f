import type { FastifyInstance } from 'fastify';
import { ApiTokenStore } from '../../infra/http/apiTokens';
import { buildHttpApp } from '../../infra/http/httpApp';
import { backendOf } from '../../infra/http/httpBackend';
import { loadHttpSettings } from '../../infra/http/httpSettings';
import { engineHarness } from '../support/engineHarness';

/** The proxy's shared secret in these tests (LMS_PROXY_SECRET). */
export const PROXY_SECRET = 'proxy-secret-for-the-tests-0123456789';

/**
 * The web console and API (issue #18) in process, on an engine with the seeded portal of engineHarness and the
 * seeds' situation: Ada and Grace in the Engineering group, whose dynamic rule gives Fire Safety due 28 days after
 * assignment; Security assigned individually to Ada and Sam with past due dates (overdue); Grace completed Fire
 * Safety; Grace (a manager) may view reports of the Engineering org unit only (R17).
 */
export async function webHarness() {
  const h = engineHarness();
  await h.seedPortal();
  await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada', 'grace'] });
  await h.ok('CreateAssignmentRule', {
    ruleId: 'eng-fire',
    name: 'Engineering fire safety',
    courseId: 'fire-safety',
    target: { kind: 'group', groupId: 'engineering' },
    mode: 'dynamic',
    due: { kind: 'relative', days: 28 },
  });
  await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['security'], dueDate: '2025-12-20' });
  await h.ok('AssignCourse', { userIds: ['sam'], courseIds: ['security'], dueDate: '2025-12-01' });
  await h.ok('CompleteCourse', { userId: 'grace', courseId: 'fire-safety', score: 90 });
  await h.ok('GrantPermission', { userId: 'grace', permission: 'reports.view', constraints: { orgUnitIds: ['eng'] } });
  const tokens = ApiTokenStore.open(null);
  const settings = loadHttpSettings({ LMS_PROXY_SECRET: PROXY_SECRET }, { port: '0' });
  const app: FastifyInstance = await buildHttpApp({
    backend: backendOf(h.engine, 'embedded', () => new Date(h.clock.now())),
    tokens,
    settings,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const tokenOf = (userId: string) => tokens.create(userId, 'test', new Date()).token;
  return {
    h,
    app,
    /** The server's address, http://127.0.0.1:PORT (the API is asked over real HTTP, as a reporting tool does). */
    base,
    /** A request to the server; the body as text. */
    async fetch(path: string, init: RequestInit = {}) {
      const response = await fetch(`${base}${path}`, { redirect: 'manual', ...init });
      return { status: response.status, headers: response.headers, text: await response.text() };
    },
    tokens,
    tokenOf,
    /** Proxy headers for a user, with the shared secret. */
    proxy: (userId: string) => ({ 'x-forwarded-user': userId, 'x-lms-proxy-secret': PROXY_SECRET }),
    async close() {
      await app.close();
      tokens.close();
      await h.engine.close();
    },
  };
}

export type WebHarness = Awaited<ReturnType<typeof webHarness>>;
