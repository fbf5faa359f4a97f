import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csrfOk } from '../../http/apiRoutes';
import type { HttpContext } from '../../http/httpApp';
import { ensureSession, sessionIdOf, setSessionCookie } from '../../http/sessionCookie';
import { html } from '../html';

/**
 * The development login (no authenticating proxy in front): an API token from `lms token create --user ID` is
 * exchanged for a session cookie (HttpOnly, SameSite=Strict). The token is checked and forgotten, never logged or
 * kept in the session. The form has its own CSRF token, anchored on the anonymous session, so another site cannot
 * sign a browser in as someone else.
 */
export function registerLogin(app: FastifyInstance, context: HttpContext): void {
  app.get('/login', async (request, reply) => {
    ensureSession(context.sessions, request, reply);
    return reply.type('text/html; charset=utf-8').send(loginPage(context, request));
  });
  app.post<{ Body: Record<string, unknown> }>('/login', async (request, reply) => {
    ensureSession(context.sessions, request, reply);
    const body = request.body ?? {};
    if (!csrfOk(context, request, '', body._csrf))
      return refuse(context, request, reply, 403, "the form's security token is out of date: try again");
    const token = typeof body.token === 'string' ? context.tokens.verify(body.token.trim()) : undefined;
    if (!token) return refuse(context, request, reply, 401, 'that token is unknown or revoked');
    const id = context.sessions.signIn(sessionIdOf(request), token.userId);
    setSessionCookie(request, reply, id);
    return reply.redirect('/', 303);
  });
  app.post<{ Body: Record<string, unknown> }>('/logout', async (request, reply) => {
    const userId = context.sessions.get(sessionIdOf(request))?.userId ?? '';
    if (csrfOk(context, request, userId, request.body?._csrf)) context.sessions.signOut(sessionIdOf(request));
    return reply.redirect('/login', 303);
  });
}

function refuse(context: HttpContext, request: FastifyRequest, reply: FastifyReply, status: number, why: string) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(loginPage(context, request, why));
}

export function loginPage(context: HttpContext, request: FastifyRequest, problem?: string): string {
  const csrf = context.sessions.csrfToken(sessionIdOf(request) ?? '', '');
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · Training console</title><link rel="stylesheet" href="/assets/console.css"></head><body><main id="main" class="narrow"><h1>Sign in</h1>
  ${problem ? html`<div class="flash error" role="alert"><strong>Not signed in.</strong> ${problem}</div>` : ''}
  <p>Behind the portal's authenticating proxy you are signed in already. Without it (development), paste an API token made with <code>lms token create --user YOUR_ID</code>.</p>
  <form method="post" action="/login" class="stack">
    <input type="hidden" name="_csrf" value="${csrf}">
    <label for="token">API token</label>
    <input id="token" name="token" type="password" autocomplete="off" required>
    <button type="submit">Sign in</button>
  </form></main></body></html>`}`;
}
