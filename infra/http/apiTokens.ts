import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { retryWhileBusy } from '../../projections/sqliteBusyRetry';

/**
 * API tokens for reporting tools (issue #18): `lms token create --user ID` prints a token once; only its SHA-256 is
 * kept, with the user it speaks for, a name and when it was made, in `tokens.db` in the data folder (apart from the
 * event log: tokens are credentials, not training history, and revoking one must not be an event anyone replays).
 * A token is `lms_` and 32 random bytes in base64url; its id (8 random bytes, hex) names it in `list` and `revoke`.
 */
export interface ApiTokenInfo {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

const TOKEN_PREFIX = 'lms_';

export const tokenFileOf = (dataDir: string | null): string =>
  dataDir === null ? ':memory:' : path.join(dataDir, 'tokens.db');

const hashOf = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export class ApiTokenStore {
  private readonly db: Database.Database;

  private constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.db = new Database(file);
    // First: web processes starting together, or `lms token create` beside a server, queue for the file's locks.
    this.db.pragma('busy_timeout = 5000');
    retryWhileBusy(() => this.db.pragma('journal_mode = WAL'), 5000);
    this.db.exec(`CREATE TABLE IF NOT EXISTS api_tokens (
      id TEXT PRIMARY KEY,
      hash BLOB NOT NULL UNIQUE,
      user_id TEXT NOT NULL,
      name TEXT NOT NULL,
      created_at TEXT NOT NULL,
      revoked_at TEXT
    )`);
    if (file !== ':memory:') fs.chmodSync(file, 0o600);
  }

  /** `tokens.db` in the data folder; null: in memory (tests). */
  static open(dataDir: string | null): ApiTokenStore {
    return new ApiTokenStore(tokenFileOf(dataDir));
  }

  /** A new token for the user; the token itself is returned here once and never stored. */
  create(userId: string, name: string, now: Date): { token: string; info: ApiTokenInfo } {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const info: ApiTokenInfo = {
      id: randomBytes(8).toString('hex'),
      userId,
      name,
      createdAt: now.toISOString(),
      revokedAt: null,
    };
    this.db
      .prepare('INSERT INTO api_tokens (id, hash, user_id, name, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(info.id, hashOf(token), userId, name, info.createdAt);
    return { token, info };
  }

  /** The user a live token speaks for; undefined for an unknown or revoked token. */
  verify(token: string): { id: string; userId: string } | undefined {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
    const row = this.db
      .prepare('SELECT id, user_id AS userId FROM api_tokens WHERE hash = ? AND revoked_at IS NULL')
      .get(hashOf(token)) as { id: string; userId: string } | undefined;
    return row;
  }

  list(): ApiTokenInfo[] {
    return this.db
      .prepare(
        'SELECT id, user_id AS userId, name, created_at AS createdAt, revoked_at AS revokedAt FROM api_tokens ORDER BY created_at, id',
      )
      .all() as ApiTokenInfo[];
  }

  /** Revokes a token by id; false when no live token has that id. */
  revoke(id: string, now: Date): boolean {
    return (
      this.db
        .prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
        .run(now.toISOString(), id).changes === 1
    );
  }

  close(): void {
    this.db.close();
  }
}
