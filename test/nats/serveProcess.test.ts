import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from 'nats';
import { ulid } from 'ulid';
import { createClient } from '../../infra/nats/client';
import { loadNatsConfig } from '../../infra/nats/natsConfig';
import { NatsServerProcess } from '../support/natsServer';

jest.setTimeout(60_000);
const CLI = path.join(__dirname, '..', '..', 'dist', 'infra', 'cli', 'main.js');

describe('lms serve as a process (real nats-server)', () => {
  test('serves commands, then on SIGTERM finishes its work, drains NATS, closes the store and exits 0', async () => {
    const nats = await NatsServerProcess.start();
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-serve-'));
    const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--data', data], {
      env: {
        PATH: process.env.PATH ?? '',
        NATS_URL: nats.url,
        LMS_BOOTSTRAP_ADMIN: 'root',
        LMS_LOG_LEVEL: 'info',
        NATS_PASSWORD: 'hunter2',
        NATS_USER: 'svc',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      // The server accepts any user here; the point is that the password never reaches the logs.
      const nc = await connect({ servers: nats.url });
      const client = createClient(nc);
      const reply = await waitFor(
        () =>
          client.commands.DefineOrgUnit({
            commandId: ulid(),
            actor: { userId: 'root' },
            data: { orgUnitId: 'acme', name: 'Acme' },
          }),
        (r) => r.ok,
      );
      expect(reply).toMatchObject({ ok: true, events: [{ type: 'OrgUnitDefined', stream: 'orgunit-acme' }] });
      await nc.close();
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(log).toMatch(/"msg":"engine serving"/);
      expect(log).toMatch(/"msg":"engine stopped"/);
      expect(log).not.toMatch(/hunter2/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await nats.dispose();
      fs.rmSync(data, { recursive: true, force: true });
    }
  });
});

describe('npm start as an operator runs it', () => {
  test('SIGTERM to the npm start process stops the engine gracefully: no engine is left running', async () => {
    const nats = await NatsServerProcess.start();
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-npm-start-'));
    const npm = spawn('npm', ['start', '--silent', '--', '--data', data], {
      cwd: path.join(__dirname, '..', '..'),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: os.tmpdir(),
        NATS_URL: nats.url,
        LMS_BOOTSTRAP_ADMIN: 'root',
        LMS_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    npm.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      await waitFor(
        async () => log,
        (text) => text.includes('"msg":"engine serving"'),
      );
      const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
      npm.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(log).toMatch(/"msg":"engine stopped"/);
      // Nobody answers in the engines' queue group any more.
      const nc = await connect({ servers: nats.url });
      await expect(nc.request('lms.health', new Uint8Array(), { timeout: 1000 })).rejects.toThrow(
        /503|TIMEOUT|no responders/i,
      );
      await nc.close();
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
      await nats.dispose();
      fs.rmSync(data, { recursive: true, force: true });
    }
  });
});

describe('NATS configuration is validated at start with a message per mistake', () => {
  test.each([
    [{ NATS_URL: 'http://example' }, /NATS_URL is one or more nats:\/\/host:port/],
    [{ NATS_USER: 'svc' }, /NATS_USER and NATS_PASSWORD go together/],
    [
      { NATS_TOKEN: 't', NATS_USER: 'u', NATS_PASSWORD: 'p' },
      /choose one NATS authentication method, not user\/password and token/,
    ],
    [{ NATS_CREDS_FILE: '/nowhere/engine.creds' }, /NATS_CREDS_FILE: no file at \/nowhere\/engine.creds/],
    [{ NATS_TLS_CERT_FILE: __filename }, /NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE go together/],
    [{ NATS_NKEY_SEED: 'not-a-seed' }, /NATS_NKEY_SEED is a user nkey seed/],
    [{ LMS_MAX_PAYLOAD: '12' }, /LMS_MAX_PAYLOAD|too small|>=1024/],
  ])('%j is refused', (env, message) => {
    expect(() => loadNatsConfig(env)).toThrow(message);
  });

  test('a valid configuration keeps its defaults: payload limit, bounded deliveries, ack wait', () => {
    expect(loadNatsConfig({ NATS_URL: 'nats://a:4222,nats://b:4222', NATS_TOKEN: 's3cret' })).toMatchObject({
      LMS_MAX_PAYLOAD: 524288,
      LMS_MAX_DELIVER: 5,
      LMS_ACK_WAIT_SECONDS: 30,
    });
  });
});

async function waitFor<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
