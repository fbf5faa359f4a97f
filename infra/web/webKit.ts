import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandReply, QueryReply } from '../../handlers/ports/reply';
import { newCommandId } from '../commandIds';
import type { HttpContext } from '../http/httpApp';
import { sessionIdOf } from '../http/sessionCookie';
import type { Flash } from '../http/sessions';
import type { Html, PageContext } from './html';
import { layout, refusalView } from './html';

/**
 * What the page routes share: who is asking, their session and CSRF token, the engine's queries and commands as
 * that actor (the same handlers as the API and NATS, so every page shows exactly what the actor's grants allow), and
 * the redirect after a form POST with its message (post, redirect, get).
 */
export interface WebKit {
  context: HttpContext;
  /** Called once a page request is authenticated: takes the session's one-shot message (and its position). */
  begin(request: FastifyRequest): void;
  pageContext(request: FastifyRequest): PageContext;
  /** The page; with `flashInBody` the body shows the message itself (the profile drawer, which covers the page). */
  send(
    request: FastifyRequest,
    reply: FastifyReply,
    title: string,
    body: Html,
    status?: number,
    flashInBody?: boolean,
  ): FastifyReply;
  query(request: FastifyRequest, type: string, params: Record<string, unknown>): Promise<QueryReply>;
  command(request: FastifyRequest, type: string, data: unknown, extra?: Record<string, unknown>): Promise<CommandReply>;
  /** After a form POST: the reply's message for the next page, which reads from the reply's position on. */
  redirectWith(request: FastifyRequest, reply: FastifyReply, to: string, answer: CommandReply): FastifyReply;
  /** A query refused: its message as the page, with the status the API would answer. */
  refused(request: FastifyRequest, reply: FastifyReply, title: string, answer: QueryReply): FastifyReply;
}

/** The message a page shows, taken from the session when the request began. */
const flashes = new WeakMap<FastifyRequest, Flash>();

export function webKit(context: HttpContext): WebKit {
  const actorOf = (request: FastifyRequest) => ({ userId: request.identity?.userId ?? '' });
  const kit: WebKit = {
    context,
    begin(request) {
      const flash = context.sessions.takeFlash(sessionIdOf(request));
      if (flash) flashes.set(request, flash);
    },
    pageContext(request) {
      const sessionId = sessionIdOf(request) ?? '';
      const userId = actorOf(request).userId;
      return {
        userId,
        csrf: context.sessions.csrfToken(sessionId, userId),
        signedIn: request.identity?.via === 'session',
        flash: flashes.get(request),
        path: request.url,
      };
    },
    send(request, reply, title, body, status = 200, flashInBody = false) {
      const page = layout(kit.pageContext(request), title, body, flashInBody);
      return reply.status(status).type('text/html; charset=utf-8').send(page);
    },
    query(request, type, params) {
      // Read-your-writes: the page after a command reads from the position of the command's reply on.
      const minPosition = flashes.get(request)?.position;
      return context.backend.query({
        type,
        actor: actorOf(request),
        params,
        ...(minPosition !== undefined ? { minPosition } : {}),
      });
    },
    command(request, type, data, extra = {}) {
      return context.backend.command({ commandId: newCommandId(), type, actor: actorOf(request), data, ...extra });
    },
    redirectWith(request, reply, to, answer) {
      const flash: Flash = answer.ok
        ? { kind: 'success', text: answer.message, position: answer.position }
        : { kind: 'error', text: answer.error.message };
      const sessionId = sessionIdOf(request);
      if (sessionId) context.sessions.setFlash(sessionId, flash);
      return reply.redirect(to, 303);
    },
    refused(request, reply, title, answer) {
      const status = answer.ok
        ? 200
        : answer.error.code === 'FORBIDDEN'
          ? 403
          : answer.error.code === 'NOT_FOUND'
            ? 404
            : 400;
      return kit.send(request, reply, title, refusalView(answer.ok ? '' : answer.error.message), status);
    },
  };
  return kit;
}
