import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Issue #16 item 5, in the CLI an administrator reads: explain of a removed assignment, a due-date policy changed
 * since, My Team refused or with its overdue column named, MI summaries by title, history without spec rule ids.
 * Spawns the built entry point (run `npm run build` first).
 */

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

const root = { userId: 'root' };
const user = (userId: string, name: string, managerId: string | null) => ({
  type: 'RegisterUser',
  actor: root,
  data: {
    userId,
    name,
    email: `${userId}@acme.test`,
    orgUnitId: 'acme',
    hireDate: '2024-03-01',
    ...(managerId ? { managerId } : {}),
  },
});
const setup = [
  { type: 'DefineOrgUnit', actor: root, data: { orgUnitId: 'acme', name: 'Acme' } },
  user('grace', 'Grace Hopper', null),
  user('ada', 'Ada Lovelace', 'grace'),
  user('sam', 'Sam Seller', null),
  {
    type: 'CreateCourse',
    actor: root,
    data: { courseId: 'security', title: 'Security Awareness', kind: 'course', provider: 'S', trainingType: 'C' },
  },
  {
    type: 'CreateCourse',
    actor: root,
    data: { courseId: 'fire', title: 'Fire Safety', kind: 'course', provider: 'S', trainingType: 'C' },
  },
  { type: 'CreateGroup', actor: root, data: { groupId: 'eng', name: 'Engineering', kind: 'static' } },
  {
    type: 'CreateAssignmentRule',
    actor: root,
    data: {
      ruleId: 'r-eng',
      name: 'Engineering security',
      courseId: 'security',
      target: { kind: 'group', groupId: 'eng' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 28 },
    },
  },
  { type: 'AddGroupMember', actor: root, data: { groupId: 'eng', userId: 'ada' } },
  { type: 'RemoveGroupMember', actor: root, data: { groupId: 'eng', userId: 'ada' } },
  // Overdue from the start: a due date in the past.
  { type: 'AssignCourse', actor: root, data: { userIds: ['ada'], courseIds: ['fire'], dueDate: '2020-01-31' } },
  { type: 'SetAssignmentPreferences', actor: root, data: { dueDatePolicy: 'latest' } },
];

describe('issue #16 item 5: what the CLI says to an administrator', () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-wording-'));
  beforeAll(() => {
    const seeded = lms(['--data', data, 'command', '-'], setup.map((command) => JSON.stringify(command)).join('\n'));
    expect(seeded.status).toBe(0);
  });

  test('R10: explain of a removed assignment says it was removed, when and why, and not "hidden: exempt"', () => {
    const { status, stdout } = lms(['--data', data, 'explain', 'ada', 'security']);
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /^Security Awareness for ada: no longer assigned: taken away on \d{4}-\d{2}-\d{2} because the user no longer matched the rule "Engineering security" \(dynamic removal\); it was not started \(v1\)/,
    );
    expect(stdout).not.toMatch(/hidden/);
  });

  test('R3: explain shows the policy the date was worked out under and that the policy changed since', () => {
    const { stdout } = lms(['--data', data, 'explain', 'ada', 'fire']);
    expect(stdout).toMatch(/Due date 2020-01-31, worked out under the "earliest" policy:/);
    expect(stdout).toMatch(
      /Note: the due date was computed under the "earliest" policy; the portal has since changed to "latest": existing due dates were kept/,
    );
  });

  test('R17: team by someone with no rights over the team is FORBIDDEN, not "0 people"', () => {
    const { status, stdout, stderr } = lms(['--data', data, '--actor', 'sam', 'team', 'grace']);
    expect(status).toBe(1);
    expect(stdout).not.toMatch(/people/);
    expect(stderr).toMatch(/^FORBIDDEN: user sam may not see the team of grace/);
  });

  test('R5: the My Team table names its overdue column', () => {
    const { status, stdout } = lms(['--data', data, 'team', 'grace']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/My Team of grace \(direct reports\): 1 person/);
    expect(stdout).toMatch(/member\s+manager\s+training\s+status\s+due\s+overdue/);
    expect(stdout).toMatch(/Fire Safety\s+Not Started\s+2020-01-31\s+yes/);
  });

  test('R6: the MI summary by course lists titles; CSV keeps the ids', () => {
    const table = lms(['--data', data, 'report', '--summary']);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/Fire Safety\s+1/);
    expect(table.stdout).not.toMatch(/^\s*fire\s/m);
    const csv = lms(['--data', data, 'report', '--summary', '--format', 'csv']);
    expect(csv.stdout.split(/\r?\n/)[0]).toBe(
      'course,courseId,assigned,not started,in progress,completed,expired,overdue,completion rate',
    );
    expect(csv.stdout).toMatch(/^Fire Safety,fire,1,/m);
  });

  test('R20: history reads in words, with no spec rule ids', () => {
    const { status, stdout } = lms(['--data', data, 'history', 'ada']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/dynamic removal: the user no longer matches the rule/);
    expect(stdout).not.toMatch(/\(R\d+/);
  });
});
