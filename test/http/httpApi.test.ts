import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ulid } from 'ulid';
import { ApiTokenStore } from '../../infra/http/apiTokens';
import { loadHttpSettings } from '../../infra/http/httpSettings';
import { openApiDocument } from '../../infra/http/openApiDocument';
import { parseCsv } from '../web/browser';
import type { WebHarness } from './webHarness';
import { PROXY_SECRET, webHarness } from './webHarness';

/**
 * Issue #18, the HTTP API: the same envelopes, replies and codes as NATS (as HTTP statuses), nobody anonymous,
 * proxy headers only with the shared secret, revocable hashed tokens, CSRF on browser POSTs, R17 on every read.
 */
let w: WebHarness;
let token: string;

beforeAll(async () => {
  w = await webHarness();
  token = w.tokenOf('root');
});
afterAll(() => w.close());

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
const json = (text: string) =>
  JSON.parse(text) as { ok: boolean; error?: { code: string; message: string } } & Record<string, unknown>;
const post = (type: string, body: unknown, headers: Record<string, string> = bearer(token)) =>
  w.fetch(`/api/commands/${type}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('issue #18 who is asking: no anonymous access', () => {
  test('no credentials: 401 UNAUTHENTICATED on queries, commands and the OpenAPI document, nothing stored', async () => {
    const head = await w.h.store.headPosition();
    for (const answer of [
      await w.fetch('/api/queries/Courses'),
      await w.fetch('/api/openapi.json'),
      await post('DefineOrgUnit', { data: { orgUnitId: 'x', name: 'X' } }, {}),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toContain('Bearer');
      expect(json(answer.text).error?.code).toBe('UNAUTHENTICATED');
    }
    expect(await w.h.store.headPosition()).toBe(head);
  });

  test('a proxy user header without the shared secret, or with a wrong one, is refused (401); with it, accepted', async () => {
    const alone = await w.fetch('/api/queries/Courses', { headers: { 'x-forwarded-user': 'root' } });
    expect(alone.status).toBe(401);
    const wrong = await w.fetch('/api/queries/Courses', {
      headers: { 'x-forwarded-user': 'root', 'x-lms-proxy-secret': `${PROXY_SECRET}x` },
    });
    expect(wrong.status).toBe(401);
    expect(json(wrong.text).error?.message).toContain('without the proxy secret');
    expect((await w.fetch('/api/queries/Courses', { headers: w.proxy('root') })).status).toBe(200);
    // oauth2-proxy's e-mail header names a registered user when the user header is absent.
    const byEmail = await w.fetch('/api/queries/UserDashboard?userId=ada', {
      headers: { 'x-forwarded-email': 'ADA@acme.test', 'x-lms-proxy-secret': PROXY_SECRET },
    });
    expect(byEmail.status).toBe(200);
  });

  test('a proxy header is refused when no proxy secret is configured at all', () => {
    expect(loadHttpSettings({}).LMS_PROXY_SECRET).toBeUndefined();
    expect(() => loadHttpSettings({ LMS_PROXY_SECRET: 'short' })).toThrow(/LMS_PROXY_SECRET/);
  });

  test('a revoked token is refused (401); an unknown one too', async () => {
    const made = w.tokens.create('root', 'reporting tool', new Date());
    expect((await w.fetch('/api/queries/Courses', { headers: bearer(made.token) })).status).toBe(200);
    expect(w.tokens.revoke(made.info.id, new Date())).toBe(true);
    const revoked = await w.fetch('/api/queries/Courses', { headers: bearer(made.token) });
    expect(revoked.status).toBe(401);
    expect(json(revoked.text).error?.message).toContain('unknown or revoked');
    expect((await w.fetch('/api/queries/Courses', { headers: bearer('lms_not-a-token') })).status).toBe(401);
  });

  test('tokens are stored hashed: the token file never holds the token', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-tokens-'));
    const store = ApiTokenStore.open(dir);
    const { token: secret, info } = store.create('ada', 'bi', new Date('2026-01-05T00:00:00Z'));
    store.close();
    const bytes = fs
      .readdirSync(dir)
      .map((file) => fs.readFileSync(path.join(dir, file)).toString('latin1'))
      .join('');
    expect(bytes).not.toContain(secret);
    expect(bytes).not.toContain(secret.slice(4));
    const again = ApiTokenStore.open(dir);
    expect(again.verify(secret)).toEqual({ id: info.id, userId: 'ada' });
    expect(again.list()).toEqual([
      expect.objectContaining({ id: info.id, userId: 'ada', name: 'bi', revokedAt: null }),
    ]);
    again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the server binds to loopback unless LMS_HTTP_HOST or --host says otherwise', () => {
    expect(loadHttpSettings({}).LMS_HTTP_HOST).toBe('127.0.0.1');
    expect(loadHttpSettings({ LMS_HTTP_HOST: '0.0.0.0' }).LMS_HTTP_HOST).toBe('0.0.0.0');
    expect(loadHttpSettings({ LMS_HTTP_HOST: '0.0.0.0' }, { host: '::1' }).LMS_HTTP_HOST).toBe('::1');
  });
});

describe('issue #18 the API answers with the NATS envelopes, replies and codes', () => {
  test('VALIDATION_FAILED is 400 and nothing is appended (a bad command, a duplicate key, a bad query parameter)', async () => {
    const head = await w.h.store.headPosition();
    const bad = await post('DefineOrgUnit', { data: { orgUnitId: 'x' } });
    expect(bad.status).toBe(400);
    expect(json(bad.text)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const duplicate = await w.fetch('/api/commands/DefineOrgUnit', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: '{"data":{"orgUnitId":"x","name":"X","name":"Y"}}',
    });
    expect(duplicate.status).toBe(400);
    expect(json(duplicate.text).error?.message).toContain('twice');
    const contradicting = await post('DefineOrgUnit', { type: 'RegisterUser', data: { orgUnitId: 'x', name: 'X' } });
    expect(contradicting.status).toBe(400);
    const query = await w.fetch('/api/queries/MiReport?limit=abc', { headers: bearer(token) });
    expect(query.status).toBe(400);
    expect(json(query.text).error?.code).toBe('VALIDATION_FAILED');
    expect((await w.fetch('/api/queries/NoSuchQuery', { headers: bearer(token) })).status).toBe(400);
    expect(await w.h.store.headPosition()).toBe(head);
  });

  test('the actor is the authenticated user: a body naming someone else is refused, a missing commandId is generated', async () => {
    const other = await post('DefineOrgUnit', { actor: { userId: 'grace' }, data: { orgUnitId: 'x', name: 'X' } });
    expect(other.status).toBe(400);
    expect(json(other.text).error?.message).toContain('leave actor out');
    const made = await post('DefineOrgUnit', { data: { orgUnitId: 'ops', name: 'Operations', parentId: 'root' } });
    expect(made.status).toBe(200);
    expect(json(made.text)).toMatchObject({ ok: true, commandId: expect.stringMatching(/^[0-9A-Z]{26}$/) });
  });

  test('R17: a read outside the actor scope is FORBIDDEN (403); a command outside it too', async () => {
    const grace = w.tokenOf('grace');
    const read = await w.fetch('/api/queries/UserAssignments?userId=sam', { headers: bearer(grace) });
    expect(read.status).toBe(403);
    expect(json(read.text).error?.code).toBe('FORBIDDEN');
    const rows = json((await w.fetch('/api/queries/MiReport', { headers: bearer(grace) })).text).result as {
      userId: string;
    }[];
    expect(rows.map((row) => row.userId)).not.toContain('sam');
    const command = await post(
      'AssignCourse',
      { data: { userIds: ['sam'], courseIds: ['fire-safety'] } },
      bearer(grace),
    );
    expect(command.status).toBe(403);
  });

  test('R4 RULE_VIOLATION is 422, NOT_FOUND 404, CONFLICT 409 (a command id reused by someone else), R21 replay 200', async () => {
    const refused = await post('UnassignCourse', { data: { userId: 'ada', courseId: 'fire-safety' } });
    expect(refused.status).toBe(422);
    expect(json(refused.text).error).toMatchObject({ code: 'RULE_VIOLATION', rule: 'R4' });
    expect((await w.fetch('/api/queries/UserProfile?userId=nobody', { headers: bearer(token) })).status).toBe(404);
    const commandId = ulid();
    const first = await post('DefineOrgUnit', { commandId, data: { orgUnitId: 'hr', name: 'HR', parentId: 'root' } });
    expect(first.status).toBe(200);
    const replay = await post('DefineOrgUnit', { commandId, data: { orgUnitId: 'hr', name: 'HR', parentId: 'root' } });
    expect(json(replay.text)).toEqual(json(first.text));
    const stolen = await post(
      'DefineOrgUnit',
      { commandId, data: { orgUnitId: 'hr', name: 'HR' } },
      bearer(w.tokenOf('grace')),
    );
    expect(stolen.status).toBe(409);
  });

  test('R25: a command with dryRun previews its effects and stores nothing', async () => {
    const head = await w.h.store.headPosition();
    const preview = await post('RemoveGroupMember', { dryRun: true, data: { groupId: 'engineering', userId: 'ada' } });
    expect(preview.status).toBe(200);
    expect(json(preview.text)).toMatchObject({
      ok: true,
      dryRun: true,
      effects: { losing: { count: 1, first: ['ada'] } },
    });
    expect(await w.h.store.headPosition()).toBe(head);
  });

  test('query parameters are coerced for the zod schemas: numbers, booleans; minPosition waits for a position', async () => {
    const answer = json((await w.fetch('/api/queries/MiReport?overdue=true&limit=1', { headers: bearer(token) })).text);
    expect(answer.result).toEqual([expect.objectContaining({ overdue: true })]);
    const made = json((await post('DefineOrgUnit', { data: { orgUnitId: 'legal', name: 'Legal' } })).text);
    const position = made.position as number;
    const after = json(
      (await w.fetch(`/api/queries/Courses?minPosition=${position}`, { headers: bearer(token) })).text,
    );
    expect(after.position as number).toBeGreaterThanOrEqual(position);
  });

  test('tables also as CSV (Accept: text/csv or format=csv); a query without a table says so', async () => {
    const byHeader = await w.fetch('/api/queries/MiSummary?groupBy=department', {
      headers: { ...bearer(token), accept: 'text/csv' },
    });
    expect(byHeader.headers.get('content-type')).toContain('text/csv');
    const rows = parseCsv(byHeader.text);
    expect(rows[0]).toEqual(expect.arrayContaining(['key', 'assigned', 'completionRate', 'overdue']));
    expect(rows.slice(1).map((row) => row[0])).toEqual(expect.arrayContaining(['Engineering', 'Sales']));
    const team = parseCsv(
      (await w.fetch('/api/queries/MyTeam?managerId=grace&format=csv', { headers: bearer(token) })).text,
    );
    expect(
      team
        .slice(1)
        .filter((row) => row.length > 1)
        .map((row) => row[0]),
    ).toEqual(['ada', 'ada']);
    const explain = await w.fetch('/api/queries/ExplainAssignment?userId=ada&courseId=fire-safety&format=csv', {
      headers: bearer(token),
    });
    expect(explain.status).toBe(400);
  });

  test('the OpenAPI 3.1 document is served at /api/openapi.json, generated from the zod schemas', async () => {
    const served = json((await w.fetch('/api/openapi.json', { headers: bearer(token) })).text);
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    expect(served.openapi).toBe('3.1.0');
  });
});

describe('issue #18 browsers: CSRF and security headers', () => {
  test('a POST from a browser session without its CSRF token is refused (403) and stores nothing; with it, done', async () => {
    const login = await w.fetch('/login');
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)?.[1] ?? '';
    const signIn = await w.fetch('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: csrf, token }).toString(),
    });
    expect(signIn.status).toBe(303);
    const session = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const head = await w.h.store.headPosition();
    const form = await w.fetch('/users/ada/exemptions', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session },
      body: new URLSearchParams({
        row: 'fire-safety|eng-fire',
        tick: 'fire-safety|eng-fire',
        'reason:fire-safety|eng-fire': 'x',
      }).toString(),
    });
    expect(form.status).toBe(403);
    const api = await post('DefineOrgUnit', { data: { orgUnitId: 'y', name: 'Y' } }, { cookie: session });
    expect(api.status).toBe(403);
    const proxied = await post('DefineOrgUnit', { data: { orgUnitId: 'y', name: 'Y' } }, w.proxy('root'));
    expect(proxied.status).toBe(403);
    expect(await w.h.store.headPosition()).toBe(head);
    const page = await w.fetch('/users/ada', { headers: { cookie: session } });
    const pageCsrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const withToken = await post(
      'DefineOrgUnit',
      { data: { orgUnitId: 'y', name: 'Y' } },
      { cookie: session, 'x-csrf-token': pageCsrf },
    );
    expect(withToken.status).toBe(200);
  });

  test('every answer carries a strict Content-Security-Policy and the usual security headers; pages need a sign-in', async () => {
    const page = await w.fetch('/mi', { headers: w.proxy('root') });
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    const anonymous = await w.fetch('/mi');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login');
  });
});
