import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionStore } from './sessions';
import { SESSION_COOKIE } from './sessions';

/**
 * The session cookie, read from the Cookie header and written as Set-Cookie (HttpOnly, SameSite=Strict, Path=/,
 * Secure over HTTPS). One cookie is all the console needs, so it is read here rather than by a cookie plugin.
 */
const chosen = new WeakMap<FastifyRequest, string>();

export function sessionIdOf(request: FastifyRequest): string | undefined {
  const known = chosen.get(request);
  if (known !== undefined) return known;
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === SESSION_COOKIE) {
      const value = part.slice(at + 1).trim();
      return /^[A-Za-z0-9_-]{1,100}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** The browser's session: the one it has if it is live, else a new anonymous session (and its cookie). */
export function ensureSession(sessions: SessionStore, request: FastifyRequest, reply: FastifyReply): string {
  const known = sessionIdOf(request);
  if (known !== undefined && sessions.get(known)) return known;
  const id = sessions.create();
  setSessionCookie(request, reply, id);
  return id;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, id: string): void {
  chosen.set(request, id);
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict${secure}`);
}
