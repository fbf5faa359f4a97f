import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csrfOk } from '../http/apiRoutes';
import type { HttpContext } from '../http/httpApp';
import { ensureSession } from '../http/sessionCookie';
import { html } from './html';
import { registerAuditPages } from './pages/auditPages';
import { loginPage, registerLogin } from './pages/loginPage';
import { registerMiPages } from './pages/miPages';
import { registerProfilePages } from './pages/profilePages';
import { registerRulePages } from './pages/rulePages';
import { registerTeamPage } from './pages/teamPage';
import type { WebKit } from './webKit';
import { webKit } from './webKit';

/** The assets the pages load, all served from here (no CDN): ours, and Chart.js from its npm package. */
function assets(): Map<string, { type: string; body: Buffer }> {
  const own = path.join(repositoryRoot(__dirname), 'infra', 'web', 'assets');
  const chart = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');
  return new Map([
    ['console.css', { type: 'text/css; charset=utf-8', body: fs.readFileSync(path.join(own, 'console.css')) }],
    ['console.js', { type: 'text/javascript; charset=utf-8', body: fs.readFileSync(path.join(own, 'console.js')) }],
    ['chart.umd.min.js', { type: 'text/javascript; charset=utf-8', body: fs.readFileSync(chart) }],
  ]);
}

/** Source and compiled code (dist/infra/web) alike find the assets beside the sources, under the package's root. */
function repositoryRoot(from: string): string {
  for (let dir = from; path.dirname(dir) !== dir; dir = path.dirname(dir))
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  throw new Error(`no package.json above ${from}`);
}

export function registerWebRoutes(app: FastifyInstance, context: HttpContext): void {
  const files = assets();
  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const file = files.get(request.params.file);
    if (!file) return reply.status(404).type('text/plain').send('not found');
    return reply.header('cache-control', 'public, max-age=3600').type(file.type).send(file.body);
  });
  const kit = webKit(context);
  registerLogin(app, context);
  const pages = { preHandler: pageIdentity(context, kit) };
  const forms = { preHandler: [pageIdentity(context, kit), formCsrf(context, kit)] };
  app.get('/', pages, async (request, reply) =>
    kit.send(
      request,
      reply,
      'Training console',
      html`<ul class="cards">
        <li><a href="/mi">MI dashboard</a>: completion and overdue by org unit, course and department</li>
        <li><a href="/team">My Team</a>: your reports' training, overdue first</li>
        <li><a href="/users">Users</a>: a user's profile, assignments and exemptions</li>
        <li><a href="/rules">Assignment rules</a>: summaries, and a new rule with its preview</li>
        <li><a href="/audit">Audit timeline</a>: what a user had to do on a date, and why</li>
      </ul>`,
    ),
  );
  registerMiPages(app, kit, pages);
  registerTeamPage(app, kit, pages);
  registerProfilePages(app, kit, pages, forms);
  registerRulePages(app, kit, pages, forms);
  registerAuditPages(app, kit, pages);
}

/**
 * Pages need someone signed in (or the proxy): anonymous browsers go to the login form, refused credentials get 401.
 * Every browser gets a session cookie, the anchor of its CSRF token.
 */
function pageIdentity(context: HttpContext, kit: WebKit) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    ensureSession(context.sessions, request, reply);
    const auth = await context.auth.authenticate(request);
    if (auth.ok === true) {
      request.identity = auth.identity;
      kit.begin(request);
      return;
    }
    if (auth.ok === 'anonymous' && request.method === 'GET') return reply.redirect('/login', 303);
    const reason = auth.ok === 'anonymous' ? 'sign in first' : auth.reason;
    return reply
      .status(401)
      .type('text/html; charset=utf-8')
      .send(loginPage(context, request, reason));
  };
}

/** Every form POST of the pages carries the session's CSRF token; without it nothing is done (403). */
function formCsrf(context: HttpContext, kit: WebKit) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (request.identity && csrfOk(context, request, request.identity.userId, body?._csrf)) return;
    return kit.send(
      request,
      reply,
      'Refused',
      html`<div class="flash error" role="alert"><strong>Not done.</strong> The form's security token is missing or out of date: reload the page and try again.</div>`,
      403,
    );
  };
}
