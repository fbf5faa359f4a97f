import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Browser sessions of the web console (issue #18). Every browser gets a random session id in an HttpOnly,
 * SameSite=Strict cookie; it anchors the CSRF token (an HMAC of the id and the user under a key made at start) and,
 * after the development login form exchanged an API token for it, names the signed-in user. Sessions live in this
 * process's memory: a restart signs everyone out, which is what a development login wants; behind the authenticating
 * proxy nobody signs in here at all. One-shot messages (a command's reply after a form POST) wait here for the page
 * the browser is redirected to.
 */
export interface Flash {
  kind: 'success' | 'error';
  text: string;
  /** The command reply's position: the next page reads with minPosition (read-your-writes). */
  position?: number;
}

interface Session {
  userId: string | null;
  expiresAt: number;
  flash: Flash | undefined;
}

export const SESSION_COOKIE = 'lms_sid';
const IDLE_MS = 8 * 60 * 60 * 1000;
const MAX_SESSIONS = 10_000;

export class SessionStore {
  private readonly key = randomBytes(32);
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new session id (anonymous until `signIn`). */
  create(userId: string | null = null): string {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { userId, expiresAt: this.now() + IDLE_MS, flash: undefined });
    return id;
  }

  /** The live session of an id (its idle time renewed), or undefined. */
  get(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt < this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    session.expiresAt = this.now() + IDLE_MS;
    return session;
  }

  /** Signing in replaces the session id (no fixation): the old one is dropped. */
  signIn(oldId: string | undefined, userId: string): string {
    if (oldId !== undefined) this.sessions.delete(oldId);
    return this.create(userId);
  }

  signOut(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }

  setFlash(id: string, flash: Flash): void {
    const session = this.get(id);
    if (session) session.flash = flash;
  }

  takeFlash(id: string | undefined): Flash | undefined {
    const session = this.get(id);
    const flash = session?.flash;
    if (session) session.flash = undefined;
    return flash;
  }

  /** The CSRF token of a session for a user: forms carry it, and a POST without the right one is refused. */
  csrfToken(sessionId: string, userId: string): string {
    return createHmac('sha256', this.key).update(`${sessionId}\n${userId}`).digest('base64url');
  }

  csrfValid(sessionId: string | undefined, userId: string, given: unknown): boolean {
    if (sessionId === undefined || typeof given !== 'string' || !this.sessions.has(sessionId)) return false;
    return constantTimeEqual(this.csrfToken(sessionId, userId), given);
  }

  private sweep(): void {
    if (this.sessions.size < MAX_SESSIONS) return;
    const now = this.now();
    for (const [id, session] of this.sessions) if (session.expiresAt < now) this.sessions.delete(id);
    // Still full: the oldest go first (a Map iterates in insertion order).
    for (const id of this.sessions.keys()) {
      if (this.sessions.size < MAX_SESSIONS) break;
      this.sessions.delete(id);
    }
  }
}

/** Equality in time independent of where the strings differ (both are hashed to the same length first). */
export function constantTimeEqual(a: string, b: string): boolean {
  const key = randomBytes(16);
  const digest = (text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
