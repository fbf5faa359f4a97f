import type { FastifyRequest } from 'fastify';
import type { ApiTokenStore } from './apiTokens';
import type { HttpSettings } from './httpSettings';
import { sessionIdOf } from './sessionCookie';
import type { SessionStore } from './sessions';
import { constantTimeEqual } from './sessions';

/**
 * Who is asking (issue #18): no anonymous access. In this order:
 * 1. `Authorization: Bearer <token>`: an API token (reporting tools); a wrong, unknown or revoked one is refused,
 *    never passed over for another way.
 * 2. The authenticating proxy's user header (oauth2-proxy: X-Forwarded-User, else X-Forwarded-Email), accepted only
 *    with the configured shared secret in its own header, compared in constant time. Without the secret configured,
 *    or with a wrong one, the request is refused: anyone can send a header.
 * 3. The session cookie of the development login (an API token exchanged for a session at /login).
 */
export type Identity = { userId: string; via: 'token' | 'proxy' | 'session'; sessionId?: string | undefined };

export type Authentication = { ok: true; identity: Identity } | { ok: false; reason: string } | { ok: 'anonymous' };

export interface Authenticator {
  authenticate(request: FastifyRequest): Promise<Authentication>;
}

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? undefined : value === undefined || value === '' ? undefined : value;

export function authenticator(
  settings: HttpSettings,
  tokens: ApiTokenStore,
  sessions: SessionStore,
  emailOwner: (email: string) => Promise<string | undefined>,
): Authenticator {
  return {
    async authenticate(request) {
      const authorization = request.headers.authorization;
      if (authorization !== undefined) {
        const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(authorization);
        const token = match?.[1] === undefined ? undefined : tokens.verify(match[1]);
        return token
          ? { ok: true, identity: { userId: token.userId, via: 'token' } }
          : { ok: false, reason: 'the bearer token is unknown or revoked' };
      }
      const user = single(request.headers[settings.LMS_PROXY_USER_HEADER]);
      const email = single(request.headers[settings.LMS_PROXY_EMAIL_HEADER]);
      if (user !== undefined || email !== undefined) return proxied(request, settings, user, email, emailOwner);
      const sessionId = sessionIdOf(request);
      const userId = sessions.get(sessionId)?.userId;
      if (userId) return { ok: true, identity: { userId, via: 'session', sessionId } };
      return { ok: 'anonymous' };
    },
  };
}

async function proxied(
  request: FastifyRequest,
  settings: HttpSettings,
  user: string | undefined,
  email: string | undefined,
  emailOwner: (email: string) => Promise<string | undefined>,
): Promise<Authentication> {
  const secret = single(request.headers[settings.LMS_PROXY_SECRET_HEADER]);
  if (settings.LMS_PROXY_SECRET === undefined)
    return { ok: false, reason: 'proxy headers are not accepted: no proxy secret is configured (LMS_PROXY_SECRET)' };
  if (secret === undefined || !constantTimeEqual(secret, settings.LMS_PROXY_SECRET))
    return { ok: false, reason: 'the proxy user header came without the proxy secret' };
  const userId = user ?? (email === undefined ? undefined : await emailOwner(email.toLowerCase()));
  if (userId === undefined) return { ok: false, reason: 'the proxy named an e-mail no registered user has' };
  return {
    ok: true,
    identity: { userId, via: 'proxy', sessionId: sessionIdOf(request) },
  };
}
