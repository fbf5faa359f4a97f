import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Fastify from 'fastify';
import type { Logger } from 'pino';
import { decodeUtf8, parseStrictJson } from '../json/strictJson';
import { registerWebRoutes } from '../web/webRoutes';
import { registerApiRoutes } from './apiRoutes';
import type { ApiTokenStore } from './apiTokens';
import type { Authenticator, Identity } from './authentication';
import { authenticator } from './authentication';
import type { HttpBackend } from './httpBackend';
import type { HttpSettings } from './httpSettings';
import { transportFailure } from './httpStatus';
import { SessionStore } from './sessions';

/** The largest request body, as NATS's default LMS_MAX_PAYLOAD: larger is VALIDATION_FAILED. */
export const BODY_LIMIT = 512 * 1024;

export interface HttpAppOptions {
  backend: HttpBackend;
  tokens: ApiTokenStore;
  settings: HttpSettings;
  sessions?: SessionStore;
  logger?: Logger | undefined;
}

/** What the routes share: the backend, who is asking, the sessions. */
export interface HttpContext {
  backend: HttpBackend;
  auth: Authenticator;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  logger?: Logger | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    identity?: Identity;
  }
}

/**
 * The web console and HTTP API (issue #18) on Fastify: `/api/queries/{QueryName}` and `/api/commands/{CommandType}`
 * with the NATS envelopes and replies, `/api/openapi.json`, and the pages. Strict JSON (UTF-8, no duplicate keys,
 * R28), a strict Content-Security-Policy (scripts and styles from this origin only, nothing inline) and the usual
 * security headers on every answer. Nothing is logged of a request but its method, route and status on failure:
 * never a header (tokens, secrets) or a body (personal data).
 */
export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, trustProxy: false, return503OnClosing: true });
  const sessions = options.sessions ?? new SessionStore();
  const context: HttpContext = {
    backend: options.backend,
    auth: authenticator(options.settings, options.tokens, sessions, options.backend.emailOwner),
    sessions,
    tokens: options.tokens,
    logger: options.logger,
  };
  await app.register(helmet, securityHeaders());
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    const text = decodeUtf8(body as Buffer);
    const parsed = text.ok ? parseStrictJson(text.text) : text;
    if (parsed.ok) done(null, parsed.value);
    else done(Object.assign(new Error(`the body ${parsed.message}`), { statusCode: 400, code: 'LMS_BAD_JSON' }));
  });
  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/assets/')) reply.header('cache-control', 'no-store');
  });
  app.setErrorHandler((error: FastifyError, request, reply) => answerError(error, request, reply, options.logger));
  registerApiRoutes(app, context);
  registerWebRoutes(app, context);
  return app;
}

/** Helmet's headers with a strict policy of our own: nothing inline, nothing from elsewhere, no framing. */
function securityHeaders() {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' as const },
    referrerPolicy: { policy: 'no-referrer' as const },
    crossOriginEmbedderPolicy: false,
  };
}

/** Transport failures in the engine's reply shape: malformed JSON or a too-large body is VALIDATION_FAILED. */
function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, logger?: Logger): void {
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    logger?.error({ err: error.message, method: request.method, route: request.routeOptions.url }, 'request failed');
    void reply
      .status(503)
      .send(transportFailure('UNAVAILABLE', 'the engine could not answer this request; try again shortly'));
    return;
  }
  const message =
    error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
      ? `the body is over the limit of ${BODY_LIMIT} bytes: split the work into smaller commands`
      : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'send the body as application/json'
        : error.message;
  void reply
    .status(status === 413 || status === 415 ? 400 : status)
    .send(transportFailure('VALIDATION_FAILED', message));
}
