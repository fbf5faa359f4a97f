import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { QueryName } from '../../domain/queries';
import { queryParamSchemas } from '../../domain/queries';
import type { CommandReply } from '../../handlers/ports/reply';
import { newCommandId } from '../commandIds';
import { withType } from '../nats/requestService';
import { csvOf, hasTable } from './csvTables';
import type { HttpContext } from './httpApp';
import { httpStatusOf, transportFailure } from './httpStatus';
import { openApiDocument } from './openApiDocument';
import { minPositionOf, paramsFromQueryString } from './queryString';
import { sessionIdOf } from './sessionCookie';

type QueryString = Record<string, string | string[] | undefined>;

const isQueryName = (name: string): name is QueryName => Object.prototype.hasOwnProperty.call(queryParamSchemas, name);

/**
 * The API: every query as `GET /api/queries/{QueryName}?…` (JSON, or CSV for tables), every command as
 * `POST /api/commands/{CommandType}` with the NATS envelope (the actor is who is authenticated, the command id is
 * generated when missing) and the NATS reply; the OpenAPI document at `/api/openapi.json`. Refusals keep the engine's
 * codes, as HTTP statuses (httpStatus.ts).
 */
export function registerApiRoutes(app: FastifyInstance, context: HttpContext): void {
  const identify = identityCheck(context);
  let openApi: string | undefined;
  app.get('/api/openapi.json', { preHandler: identify }, async (_request, reply) => {
    openApi ??= JSON.stringify(openApiDocument());
    return reply.type('application/json').send(openApi);
  });
  app.get<{ Params: { name: string }; Querystring: QueryString }>(
    '/api/queries/:name',
    { preHandler: identify },
    (request, reply) => answerQuery(context, request, reply),
  );
  app.post<{ Params: { type: string } }>('/api/commands/:type', { preHandler: identify }, async (request, reply) => {
    const identity = request.identity;
    if (!identity) return reply;
    // Browsers (session cookie, or the proxy, which a browser passes through) need the page's CSRF token; a bearer
    // token is not sent by a browser on its own, so API clients with tokens need none.
    if (identity.via !== 'token' && !csrfOk(context, request, identity.userId, request.headers['x-csrf-token']))
      return reply.status(403).send(transportFailure('FORBIDDEN', 'missing or wrong CSRF token (x-csrf-token)', null));
    const input = commandInput(request.body, request.params.type, identity.userId);
    if (!input.ok) return reply.status(400).send(transportFailure('VALIDATION_FAILED', input.message, input.commandId));
    const answer: CommandReply = await context.backend.command(input.value);
    return reply.status(httpStatusOf(answer)).send(answer);
  });
}

/** A preHandler: the request's identity, or 401 (no anonymous access). */
export function identityCheck(context: HttpContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = await context.auth.authenticate(request);
    if (auth.ok === true) {
      request.identity = auth.identity;
      return;
    }
    const message =
      auth.ok === 'anonymous'
        ? 'sign in: send Authorization: Bearer <token> (lms token create), or come through the authenticating proxy'
        : auth.reason;
    await reply
      .status(401)
      .header('www-authenticate', 'Bearer realm="lms"')
      .send(transportFailure('UNAUTHENTICATED', message));
    return reply;
  };
}

export function csrfOk(context: HttpContext, request: FastifyRequest, userId: string, given: unknown): boolean {
  return context.sessions.csrfValid(sessionIdOf(request), userId, given);
}

async function answerQuery(
  context: HttpContext,
  request: FastifyRequest<{ Params: { name: string }; Querystring: QueryString }>,
  reply: FastifyReply,
) {
  const identity = request.identity;
  if (!identity) return reply;
  const { name } = request.params;
  const { format } = request.query;
  const csv = format === 'csv' || (format === undefined && /\btext\/csv\b/.test(request.headers.accept ?? ''));
  if (format !== undefined && format !== 'csv' && format !== 'json')
    return reply.status(400).send(transportFailure('VALIDATION_FAILED', 'format must be csv or json'));
  const minPosition = minPositionOf(request.query.minPosition);
  if (minPosition === 'invalid')
    return reply.status(400).send(transportFailure('VALIDATION_FAILED', 'minPosition must be a whole number'));
  if (csv && isQueryName(name) && !hasTable(name))
    return reply.status(400).send(transportFailure('VALIDATION_FAILED', `${name} has no table: ask for JSON`));
  const answer = await context.backend.query({
    type: name,
    actor: { userId: identity.userId },
    params: isQueryName(name) ? paramsFromQueryString(name, request.query) : {},
    ...(minPosition !== undefined ? { minPosition } : {}),
  });
  if (!answer.ok || !csv || !isQueryName(name)) return reply.status(httpStatusOf(answer)).send(answer);
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(csvOf(name, answer.result));
}

/** The NATS envelope from a POST body: the type from the path, the actor from the authentication, an id if missing. */
function commandInput(
  body: unknown,
  type: string,
  userId: string,
): { ok: true; value: unknown } | { ok: false; message: string; commandId: string | null } {
  const typed = withType(body ?? {}, type);
  if (!typed.ok) return typed;
  const record = typed.value as Record<string, unknown>;
  const actor = record.actor as { userId?: unknown } | undefined;
  if (actor !== undefined && (typeof actor !== 'object' || actor === null || actor.userId !== userId))
    return {
      ok: false,
      commandId: typeof record.commandId === 'string' ? record.commandId : null,
      message: 'the actor is who is signed in: leave actor out of the body',
    };
  return {
    ok: true,
    value: { ...record, commandId: record.commandId ?? newCommandId(), actor: { userId } },
  };
}
