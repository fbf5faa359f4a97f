import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, runCli } from '../support/engineProcess';
import { NatsServerProcess } from '../support/natsServer';

jest.setTimeout(60_000);

/** Issue #18 from the command line: `lms token`, `lms web` on the embedded store, `lms serve --http` beside NATS. */
function start(args: string[], env: Record<string, string> = {}) {
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', LMS_BOOTSTRAP_ADMIN: 'root', LMS_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return {
    child,
    output: () => `${out}${err}`,
    async until(pattern: RegExp): Promise<RegExpExecArray> {
      for (;;) {
        const match = pattern.exec(`${out}${err}`);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`lms exited ${child.exitCode}:\n${out}${err}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stop(): Promise<number | null> {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('issue #18: lms token, lms web and lms serve --http', () => {
  test('a token is printed once, listed without its secret, works against lms web (printed URL), and is refused once revoked', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-web-'));
    const created = runCli(['--data', data, 'token', 'create', '--user', 'root', '--name', 'bi-tool']);
    expect(created.status).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^lms_[A-Za-z0-9_-]{43}$/);
    const listed = runCli(['token', 'list', '--data', data, '--json']);
    const list = JSON.parse(listed.stdout) as { id: string; userId: string; name: string }[];
    expect(list).toEqual([expect.objectContaining({ userId: 'root', name: 'bi-tool' })]);
    expect(listed.stdout).not.toContain(token);
    const web = start(['web', '--data', data, '--port', '0']);
    try {
      const [, url] = await web.until(/lms web: (http:\/\/127\.0\.0\.1:\d+\/)/);
      const auth = { authorization: `Bearer ${token}` };
      const made = await fetch(`${url}api/commands/DefineOrgUnit`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ data: { orgUnitId: 'acme', name: 'Acme' } }),
      });
      expect(made.status).toBe(200);
      const courses = await fetch(`${url}api/queries/Courses`, { headers: auth });
      expect(courses.status).toBe(200);
      expect(runCli(['token', 'revoke', list[0]?.id ?? '', '--data', data]).status).toBe(0);
      expect((await fetch(`${url}api/queries/Courses`, { headers: auth })).status).toBe(401);
      expect(await web.stop()).toBe(0);
      // Never a token or a secret in the logs.
      expect(web.output()).not.toContain(token);
    } finally {
      if (web.child.exitCode === null) web.child.kill('SIGKILL');
      fs.rmSync(data, { recursive: true, force: true });
    }
  });

  test('lms serve --http PORT serves the API beside NATS, with the proxy secret never logged', async () => {
    const nats = await NatsServerProcess.start();
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-serve-http-'));
    const secret = 'a-proxy-secret-that-must-not-be-logged';
    const serve = start(['serve', '--data', data, '--http', '0'], { NATS_URL: nats.url, LMS_PROXY_SECRET: secret });
    try {
      const [, url] = await serve.until(/"url":"(http:\/\/127\.0\.0\.1:\d+\/)"/);
      const proxy = { 'x-forwarded-user': 'root', 'x-lms-proxy-secret': secret };
      const made = await fetch(`${url}api/commands/DefineOrgUnit`, {
        method: 'POST',
        headers: { authorization: 'Bearer lms_unknown' },
      });
      expect(made.status).toBe(401);
      const reply = await fetch(`${url}api/queries/Courses`, { headers: proxy });
      expect(reply.status).toBe(200);
      expect((await fetch(`${url}api/queries/Courses`, { headers: { 'x-forwarded-user': 'root' } })).status).toBe(401);
      expect(await serve.stop()).toBe(0);
      expect(serve.output()).toMatch(/"msg":"engine stopped"/);
      expect(serve.output()).not.toContain(secret);
    } finally {
      if (serve.child.exitCode === null) serve.child.kill('SIGKILL');
      await nats.dispose();
      fs.rmSync(data, { recursive: true, force: true });
    }
  });
});
