import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ulid } from 'ulid';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';

// The operator's commands on the built CLI (npm test builds first), against a data folder.
const CLI = path.join(__dirname, '..', '..', 'dist', 'infra', 'cli', 'main.js');

function lms(data: string, args: string[]) {
  const result = spawnSync(process.execPath, [CLI, '--data', data, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LMS_BOOTSTRAP_ADMIN: 'root' },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const command = (type: string, data: unknown) => JSON.stringify({ type, actor: { userId: 'root' }, data });

describe('lms status, parked and retry (R29)', () => {
  test('R29: parked work shows in status (exit 1) and parked, and a retry after the fix clears it (status OK again)', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-ops-'));
    const setup = [
      command('DefineOrgUnit', { orgUnitId: 'acme', name: 'Acme' }),
      command('CreateCourse', {
        courseId: 'induction',
        title: 'Induction',
        kind: 'course',
        provider: 'Acme',
        trainingType: 'Onboarding',
      }),
      command('CreateAssignmentRule', {
        ruleId: 'r-new',
        courseId: 'induction',
        target: { kind: 'newStarters' },
        mode: 'dynamic',
        due: { kind: 'relative', days: 14 },
      }),
    ];
    for (const line of setup) expect(lms(data, ['command', line]).status).toBe(0);
    expect(lms(data, ['status'])).toMatchObject({ status: 0, stdout: expect.stringContaining('OK') });

    // A hire date stored before dates were bounded, as an older version or an import could have left it.
    const store = SqliteEventStore.open({ file: path.join(data, 'events.db') });
    const commandId = ulid();
    const metadata = {
      actorId: 'hr-import',
      commandId,
      correlationId: commandId,
      occurredAt: new Date().toISOString(),
    };
    const profile = { name: 'Lee', email: 'lee@acme.test', orgUnitId: 'acme', department: null, role: null };
    const registered = {
      userId: 'lee',
      ...profile,
      location: null,
      managerId: null,
      hireDate: '9999-12-31',
      timeZone: null,
    };
    await store.append([
      {
        stream: 'user-lee',
        expectedRevision: 'no_stream',
        events: [{ id: randomUUID(), type: 'UserRegistered', data: registered, metadata }],
      },
    ]);
    await store.close();

    // The next command settles the background work: the reaction for lee is parked; the command itself succeeds.
    const newcomer = { userId: 'kim', ...profile, name: 'Kim', email: 'kim@acme.test', hireDate: '2026-01-05' };
    expect(lms(data, ['command', command('RegisterUser', newcomer)]).status).toBe(0);
    const status = lms(data, ['status']);
    expect(status.status).toBe(1);
    expect(status.stdout).toMatch(/parked work: 1 \(reactor 1\)/);
    // Issue #19: the state cache's line says how many states are held, and how many of them packed.
    expect(status.stdout).toMatch(/state cache: \d+ aggregates \(0 of them packed\), [\d.]+ MiB of 128\.0 MiB/);
    expect(status.stdout).toMatch(/NEEDS ATTENTION/);
    const parked = lms(data, ['parked', '--json']);
    expect(parked.status).toBe(1);
    const [work] = JSON.parse(parked.stdout) as { key: string; userId: string; error: string }[];
    expect(work).toMatchObject({ userId: 'lee', error: expect.stringMatching(/does not match its schema/) });

    expect(lms(data, ['command', command('UpdateUserProfile', { userId: 'lee', hireDate: '2026-01-05' })]).status).toBe(
      0,
    );
    const retried = lms(data, ['retry', work?.key ?? '']);
    expect(retried).toMatchObject({ status: 0, stdout: expect.stringContaining(`${work?.key}: done`) });
    expect(lms(data, ['parked'])).toMatchObject({ status: 0, stdout: 'no parked work\n' });
    expect(lms(data, ['status'])).toMatchObject({ status: 0, stdout: expect.stringContaining('OK') });
    const query = JSON.stringify({ type: 'UserAssignments', actor: { userId: 'root' }, params: { userId: 'lee' } });
    const assignments = JSON.parse(lms(data, ['query', query]).stdout) as { result: { courseId: string }[] };
    expect(assignments.result.map((row) => row.courseId)).toEqual(['induction']);
  });
});
