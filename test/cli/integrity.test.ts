import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ulid } from 'ulid';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';

// R30 on the built CLI and a real `lms serve` (npm test builds first), against data folders damaged on purpose.
const CLI = path.join(__dirname, '..', '..', 'dist', 'infra', 'cli', 'main.js');
const env = { PATH: process.env.PATH ?? '', LMS_BOOTSTRAP_ADMIN: 'root' };

function lms(data: string, args: string[]) {
  const result = spawnSync(process.execPath, [CLI, '--data', data, ...args], {
    encoding: 'utf8',
    env,
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const command = (type: string, data: unknown) => JSON.stringify({ type, actor: { userId: 'root' }, data });

/** A small portal with a dynamic rule over everyone, the log checkpointed into the main file. */
function portal(): string {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-integrity-'));
  const commands = [
    command('DefineOrgUnit', { orgUnitId: 'acme', name: 'Acme' }),
    command('CreateCourse', {
      courseId: 'fire',
      title: 'Fire',
      kind: 'course',
      provider: 'Acme',
      trainingType: 'Safety',
    }),
    command('CreateAssignmentRule', {
      ruleId: 'r-all',
      courseId: 'fire',
      target: { kind: 'allUsers' },
      mode: 'dynamic',
    }),
    ...['ada', 'bob', 'cy'].map((userId) =>
      command('RegisterUser', {
        userId,
        name: userId,
        email: `${userId}@acme.test`,
        orgUnitId: 'acme',
        hireDate: '2024-01-01',
      }),
    ),
  ];
  for (const line of commands) expect(lms(data, ['command', line]).status).toBe(0);
  const db = new Database(path.join(data, 'events.db'));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return data;
}

describe('R30: integrity of the log and the read models', () => {
  test('R30: verify checks every event against its checksum and names the first that no longer matches', () => {
    const data = portal();
    expect(lms(data, ['verify'])).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(/event log OK: \d+ events match/),
    });
    const db = new Database(path.join(data, 'events.db'));
    db.prepare("UPDATE events SET data = replace(data, 'Fire', 'Water') WHERE position = 2").run();
    db.close();
    const verified = lms(data, ['verify']);
    expect(verified.status).toBe(1);
    expect(verified.stdout).toMatch(
      /verify FAILED: the event log is damaged at position 2: event .* no longer matches its checksum/,
    );
    expect(verified.stdout).toMatch(/restore events.db from a backup/);
  });

  test('R30: a damaged log file is a fatal error that names the file and the remedy, never UNAVAILABLE', () => {
    const data = portal();
    const file = path.join(data, 'events.db');
    const bytes = fs.readFileSync(file);
    bytes.write('this is not sqlite', 0);
    fs.writeFileSync(file, bytes);
    const reply = lms(data, ['command', command('DefineOrgUnit', { orgUnitId: 'x', name: 'X' })]);
    expect(reply.status).toBe(2);
    expect(reply.stderr).toMatch(/the event store .*events\.db is damaged: .*restore the file from a backup/);
    expect(reply.stdout + reply.stderr).not.toMatch(/UNAVAILABLE|try again/);
  });

  test('R30: lms serve checks the log at start and refuses a damaged one by name', async () => {
    const data = portal();
    const file = path.join(data, 'events.db');
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    bytes.fill(0x5a, pageSize * 2 + 8, pageSize * 3); // the body of the third page: the header is fine
    fs.writeFileSync(file, bytes);
    const child = spawn(process.execPath, [CLI, 'serve', '--data', data], {
      env: { ...env, NATS_URL: 'nats://127.0.0.1:1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/the event store .*events\.db is damaged: .*\(quick check: /);
  });

  test('R30: damaged read models are set aside with a warning naming them, and rebuilt from the events', () => {
    const data = portal();
    fs.writeFileSync(
      path.join(data, 'readmodels.db'),
      'not a database at all, but long enough to look like one'.repeat(40),
    );
    for (const suffix of ['-wal', '-shm']) fs.rmSync(path.join(data, `readmodels.db${suffix}`), { force: true });
    const query = JSON.stringify({ type: 'MiReport', actor: { userId: 'root' }, params: { courseId: 'fire' } });
    const reply = lms(data, ['query', query]);
    expect(reply.status).toBe(0);
    expect((JSON.parse(reply.stdout) as { result: unknown[] }).result).toHaveLength(3);
    expect(reply.stderr).toMatch(/read models were damaged: set aside and rebuilt from the events/);
    expect(fs.readdirSync(data).some((name) => name.startsWith('readmodels.db.damaged-'))).toBe(true);
  });

  test('R30: verify fails when a reaction is missing, naming the rule and the user', async () => {
    const data = portal();
    // A foreign writer took ada's source away without the reactor seeing a reason to put it back.
    const store = SqliteEventStore.open({ file: path.join(data, 'events.db') });
    const commandId = ulid();
    const metadata = { actorId: 'foreign', commandId, correlationId: commandId, occurredAt: new Date().toISOString() };
    const removed = {
      userId: 'ada',
      courseId: 'fire',
      sourceKey: 'r-all',
      cause: 'admin',
      remainingSources: 0,
      dueDate: null,
      dueDatePolicy: 'earliest',
    };
    await store.append([
      {
        stream: 'training-ada',
        expectedRevision: 'any',
        events: [{ id: randomUUID(), type: 'AssignmentSourceRemoved', data: removed, metadata }],
      },
    ]);
    await store.close();
    const verified = lms(data, ['verify']);
    expect(verified.status).toBe(1);
    expect(verified.stdout).toMatch(/verify FAILED: rule r-all reaches ada, who does not hold fire through it/);
  });
});
