import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The CLI as an administrator runs it: the built entry point in a child process (run `npm run build` first).
const CLI = path.join(__dirname, '..', '..', 'dist', 'infra', 'cli', 'main.js');

function lms(args: string[], input = '') {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LMS_BOOTSTRAP_ADMIN: 'root' },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const command = (type: string, data: Record<string, unknown>, actor = 'root') =>
  JSON.stringify({ type, actor: { userId: actor }, data });

/**
 * Given: org units acme > eng and acme > sales; ada (eng) and sam (sales) in group Engineering; a dynamic rule of
 * Security Awareness on the group, created by the bootstrap administrator; grace may view eng only; ada completed it.
 */
function portal(): string {
  const data = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lms-admin-')), 'data');
  const user = (userId: string, name: string, orgUnitId: string) =>
    command('RegisterUser', { userId, name, email: `${userId}@acme.test`, orgUnitId, hireDate: '2024-03-01' });
  const lines = [
    command('DefineOrgUnit', { orgUnitId: 'acme', name: 'Acme' }),
    command('DefineOrgUnit', { orgUnitId: 'eng', name: 'Engineering', parentId: 'acme' }),
    command('DefineOrgUnit', { orgUnitId: 'sales', name: 'Sales', parentId: 'acme' }),
    user('ada', 'Ada Lovelace', 'eng'),
    user('sam', 'Sam Seller', 'sales'),
    user('grace', 'Grace Hopper', 'eng'),
    command('CreateCourse', {
      courseId: 'security',
      title: 'Security Awareness',
      kind: 'course',
      provider: 'SecureCo',
      trainingType: 'Compliance',
    }),
    command('CreateGroup', { groupId: 'engineering', name: 'Engineering', kind: 'static' }),
    command('AddGroupMember', { groupId: 'engineering', userIds: ['ada', 'sam'] }),
    command('CreateAssignmentRule', {
      ruleId: 'r-sec',
      name: 'Security for engineers',
      courseId: 'security',
      target: { kind: 'group', groupId: 'engineering' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 28 },
    }),
    command('CompleteCourse', { userId: 'ada', courseId: 'security', completedOn: '2026-01-02', score: 88 }, 'ada'),
    command('GrantPermission', { userId: 'grace', permission: 'reports.view', constraints: { orgUnitIds: ['eng'] } }),
  ];
  const setup = lms(['command', '--data', data, '-'], lines.join('\n'));
  expect({ status: setup.status, stderr: setup.stderr }).toEqual({ status: 0, stderr: '' });
  return data;
}

describe('lms views of rules and users (issue #16)', () => {
  test("R10, R17: lms summary prints the Assignment Summary as tables; a rule created outside a constrained admin's scope is FORBIDDEN; --json gives the query result, paged", () => {
    const data = portal();
    const all = lms(['summary', 'r-sec', '--data', data]);
    expect(all.stderr).toBe('');
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(/assigned to\s+Group: Engineering/);
    expect(all.stdout).toMatch(/mode\s+dynamic \(continuous\)/);
    expect(all.stdout).toMatch(/due\s+28 days after assignment/);
    expect(all.stdout).toMatch(/1 not started, 0 in progress, 1 completed/);
    expect(all.stdout).toMatch(/Users 1-2 of 2:/);
    expect(all.stdout).toMatch(/ada\s+Ada Lovelace\s+Completed\s+100%/);
    expect(all.stdout).toMatch(/sam\s+Sam Seller\s+Not Started/);
    const asGrace = lms(['summary', 'r-sec', '--actor', 'grace', '--data', data]);
    // The rule was created by the bootstrap administrator, outside grace's scope (R17).
    expect(asGrace.status).toBe(1);
    expect(asGrace.stderr).toMatch(/^FORBIDDEN: /);
    const paged = lms(['summary', 'r-sec', '--limit', '1', '--offset', '1', '--json', '--data', data]);
    const result = JSON.parse(paged.stdout) as { users: { total: number; rows: { userId: string }[] } };
    expect(result.users.total).toBe(2);
    expect(result.users.rows.map((row) => row.userId)).toEqual(['sam']);
    expect(lms(['summary', '--data', data]).status).toBe(2);
    expect(lms(['summary', 'r-sec', '--limit', '0', '--data', data]).status).toBe(2);
    const rules = lms(['rules', '--data', data]);
    expect(rules.stdout).toMatch(/r-sec\s+Security for engineers\s+Security Awareness\s+Group: Engineering\s+dynamic/);
  });

  test('R1, R17: lms profile prints the profile drawer (details, training with sources, completion history); outside the scope it is FORBIDDEN', () => {
    const data = portal();
    const profile = lms(['profile', 'ada', '--actor', 'grace', '--data', data]);
    expect(profile.stderr).toBe('');
    expect(profile.status).toBe(0);
    expect(profile.stdout).toMatch(/Ada Lovelace \(ada\)/);
    expect(profile.stdout).toMatch(/org unit Engineering/);
    expect(profile.stdout).toMatch(/groups: Engineering/);
    // The rule's creator (the bootstrap administrator) is outside grace's scope: the source is not named.
    expect(profile.stdout).toMatch(/Security Awareness\s+a rule outside your scope\s+Completed/);
    expect(profile.stdout).toMatch(/2026-01-02\s+Security Awareness\s+v1\s+88/);
    const json = JSON.parse(lms(['profile', 'ada', '--json', '--data', data]).stdout) as {
      assignments: { sources: { label: string }[] }[];
    };
    expect(json.assignments[0]?.sources.map((source) => source.label)).toEqual(['Group: Engineering']);
    const outside = lms(['profile', 'sam', '--actor', 'grace', '--data', data]);
    expect(outside.status).toBe(1);
    expect(outside.stderr).toMatch(/^FORBIDDEN: /);
    const members = lms(['members', 'engineering', '--actor', 'grace', '--data', data]);
    expect(members.stdout).toMatch(/Engineering \(static\): 1 members \(and 1 outside your scope\)/);
    expect(lms(['courses', '--data', data]).stdout).toMatch(
      /security\s+Security Awareness\s+SecureCo\s+Compliance\s+v1\s+v1: 2/,
    );
    expect(lms(['groups', '--data', data]).stdout).toMatch(
      /engineering\s+Engineering\s+static\s+2\s+2\s+Security for engineers/,
    );
  });
});
