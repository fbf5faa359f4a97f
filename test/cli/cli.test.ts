import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ulid } from 'ulid';

// The CLI as a newcomer runs it: the built entry point in a child process (npm test builds first).
const CLI = path.join(__dirname, '..', '..', 'dist', 'infra', 'cli', 'main.js');

function lms(args: string[], options: { input?: string | Buffer; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input: options.input ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LMS_BOOTSTRAP_ADMIN: 'root', ...options.env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lms-cli-'));
const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as {
          ok: boolean;
          commandId: string;
          position: number;
          error?: { code: string; message: string };
        },
    );

const setup = [
  { type: 'DefineOrgUnit', actor: { userId: 'root' }, data: { orgUnitId: 'acme', name: 'Acme' } },
  {
    type: 'RegisterUser',
    actor: { userId: 'root' },
    data: { userId: 'ada', name: 'Ada Lovelace', email: 'ada@acme.test', orgUnitId: 'acme', hireDate: '2024-03-01' },
  },
  {
    type: 'CreateCourse',
    actor: { userId: 'root' },
    data: {
      courseId: 'security',
      title: 'Security Awareness',
      kind: 'course',
      provider: 'SecureCo',
      trainingType: 'Compliance',
    },
  },
];

describe('lms CLI on the embedded SQLite store', () => {
  test('demo plays the seeds end to end on an empty folder and reads as a story', () => {
    const data = path.join(tempDir(), 'demo');
    const { status, stdout, stderr } = lms(['demo', '--data', data]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toMatch(/Compliance Training\s+Group: Finance\s+Not Started\s+2017-02-15\s+v3/);
    expect(stdout).toMatch(
      /already holds Fire Safety via Group: Engineering: Individual is added as a further source of the same assignment/,
    );
    expect(stdout).toMatch(
      /RULE_VIOLATION: cannot remove Fire Safety from grace: it is assigned via Group: Engineering: remove grace from the group/,
    );
    expect(stdout).toMatch(/Exemptions saved for sam: reinstated Code of Conduct, due 2026-12-21/);
    // R26: a completion corrected, and the two audit questions answered.
    expect(stdout).toMatch(/As of 27 November, as known now: First Aid completed on 2026-11-26, score 85/);
    expect(stdout).toMatch(
      /What the engine said on 2 December, before the correction: First Aid completed on 2026-11-30, score 80/,
    );
    expect(stdout).toMatch(
      /FORBIDDEN: user lee may not assign training here: that needs assignment.standard, and lee holds assignment.standard only within constraints/,
    );
    expect(stdout).not.toMatch(/unexpected/);
  });

  test('demo refuses a data folder that already holds events', () => {
    const data = path.join(tempDir(), 'demo');
    expect(lms(['demo', '--data', data]).status).toBe(0);
    const again = lms(['demo', '--data', data]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/needs an empty data folder/);
  });

  test('commands as JSON lines on stdin are stored durably; a later process sees them and replays a repeated command id', () => {
    const data = tempDir();
    const first = lms(['--data', data, 'command', '-'], {
      input: setup.map((command) => JSON.stringify(command)).join('\n'),
    });
    expect(first.status).toBe(0);
    expect(lines(first.stdout).map((reply) => reply.ok)).toEqual([true, true, true]);

    const assign = JSON.stringify({
      commandId: ulid(),
      type: 'AssignCourse',
      actor: { userId: 'root' },
      data: { userIds: ['ada'], courseIds: ['security'] },
    });
    const once = lines(lms(['--data', data, 'command', assign]).stdout)[0];
    const twice = lines(lms(['--data', data, 'command', assign]).stdout)[0];
    expect(twice).toEqual(once);

    const history = lms(['--data', data, 'history', 'ada']);
    expect(history.status).toBe(0);
    expect(history.stdout).toMatch(/Security Awareness v1 assigned via Individual/);
    expect(history.stdout.match(/assigned via Individual/g)).toHaveLength(1);
  });

  test('bad input: invalid JSON, an unknown type, a missing actor and an unknown course exit 1 with messages and no stack trace', () => {
    const data = tempDir();
    lms(['--data', data, 'command', '-'], { input: setup.map((command) => JSON.stringify(command)).join('\n') });
    const input = [
      '{not json',
      JSON.stringify({ type: 'Teleport', actor: { userId: 'root' }, data: {} }),
      JSON.stringify({ type: 'AssignCourse', data: { userIds: ['ada'], courseIds: ['security'] } }),
      JSON.stringify({
        type: 'AssignCourse',
        actor: { userId: 'root' },
        data: { userIds: ['ada'], courseIds: ['nothing'] },
      }),
    ].join('\n');
    const { status, stdout, stderr } = lms(['--data', data, 'command', '-'], { input });
    expect(status).toBe(1);
    expect(lines(stdout).map((reply) => reply.error?.code)).toEqual([
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'NOT_FOUND',
    ]);
    expect(lines(stdout)[0]?.error?.message).toMatch(/line 1 is not valid JSON/);
    expect(`${stdout}${stderr}`).not.toMatch(/\n\s+at /);
  });

  test('R28: lms command refuses invalid UTF-8 (C3 28 FF, overlong C0 AF) and duplicate keys line by line; nothing of theirs is stored', () => {
    const data = tempDir();
    const withName = (id: string, name: Buffer) =>
      Buffer.concat([
        Buffer.from(`{"type":"DefineOrgUnit","actor":{"userId":"root"},"data":{"orgUnitId":"${id}","name":"`),
        name,
        Buffer.from('"}}\n'),
      ]);
    const input = Buffer.concat([
      withName('u-ok', Buffer.from('Fine')),
      withName('u-bad', Buffer.from([0xc3, 0x28, 0xff])),
      withName('u-overlong', Buffer.from([0xc0, 0xaf])),
      Buffer.from(
        '{"type":"DefineOrgUnit","actor":{"userId":"bob"},"actor":{"userId":"root"},"data":{"orgUnitId":"u-dup","name":"Dup"}}\n',
      ),
    ]);
    const { status, stdout } = lms(['--data', data, 'command', '-'], { input });
    expect(status).toBe(1);
    const replies = lines(stdout);
    expect(replies.map((reply) => reply.ok)).toEqual([true, false, false, false]);
    expect(replies[1]?.error?.message).toMatch(/line 2 is not valid UTF-8/);
    expect(replies[2]?.error?.message).toMatch(/line 3 is not valid UTF-8/);
    expect(replies[3]?.error?.message).toMatch(/line 4 names the key "actor" twice/);
    const db = new Database(path.join(data, 'events.db'), { readonly: true });
    const streams = db.prepare<[], { stream: string }>("SELECT stream FROM events WHERE stream LIKE 'orgunit-%'").all();
    db.close();
    expect(streams.map((row) => row.stream)).toEqual(['orgunit-u-ok']);
  });

  test('input mistakes are usage errors (exit 2, one line): -f on a folder, a missing file, an endless file, --data with no folder', () => {
    const data = tempDir();
    for (const [args, message] of [
      [['--data', data, 'command', '-f', data], /cannot read .*: it is a folder, not a file/],
      [
        ['--data', data, 'command', '-f', path.join(data, 'missing.jsonl')],
        /cannot read .*missing\.jsonl: no such file/,
      ],
      [
        ['--data', data, 'command', '-f', '/dev/zero'],
        /\/dev\/zero is larger than 128 MiB: split it into smaller files/,
      ],
      [['--data', '', 'command', '{}'], /--data needs a folder/],
    ] as const) {
      const result = lms([...args]);
      expect([result.status, result.stderr]).toEqual([2, expect.stringMatching(message)]);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  test('a bulk command in which some pairs were refused exits 1, as the README says', () => {
    const data = tempDir();
    expect(
      lms(['--data', data, 'command', '-'], { input: setup.map((command) => JSON.stringify(command)).join('\n') })
        .status,
    ).toBe(0);
    const bulk = JSON.stringify({
      type: 'AssignCourse',
      actor: { userId: 'root' },
      data: { userIds: ['ada', 'nobody'], courseIds: ['security'] },
    });
    const result = lms(['--data', data, 'command', bulk]);
    expect(result.status).toBe(1);
    expect(lines(result.stdout)[0]?.ok).toBe(true);
  });

  test('usage and configuration mistakes exit 2 with one line saying what is wrong', () => {
    const unknown = lms(['teleport']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "teleport"/);
    // Before anything is opened: a data folder that cannot be opened does not turn it into a failure (exit 1).
    const notAFolder = path.join(tempDir(), 'events.txt');
    fs.writeFileSync(notAFolder, 'not a data folder');
    const unknownOnBadData = lms(['--data', notAFolder, 'teleport']);
    expect(unknownOnBadData.status).toBe(2);
    expect(unknownOnBadData.stderr).toMatch(/unknown command "teleport"/);
    const badStore = lms(['--data', tempDir(), 'history', 'ada'], { env: { EVENT_STORE: 'floppy' } });
    expect(badStore.status).toBe(2);
    expect(badStore.stderr).toMatch(/invalid configuration: EVENT_STORE/);
    expect(badStore.stderr).not.toMatch(/\n\s+at /);
  });

  test("queries run from JSON and are filtered by the actor: a learner sees their own dashboard, not someone else's", () => {
    const data = tempDir();
    const bob = {
      type: 'RegisterUser',
      actor: { userId: 'root' },
      data: { userId: 'bob', name: 'Bob', email: 'bob@acme.test', orgUnitId: 'acme', hireDate: '2024-03-01' },
    };
    lms(['--data', data, 'command', '-'], {
      input: [
        ...setup,
        bob,
        {
          type: 'AssignCourse',
          actor: { userId: 'root' },
          data: { userIds: ['ada'], courseIds: ['security'], dueDate: '2030-01-31' },
        },
      ]
        .map((command) => JSON.stringify(command))
        .join('\n'),
    });
    const own = lms([
      '--data',
      data,
      'query',
      JSON.stringify({ type: 'UserDashboard', actor: { userId: 'ada' }, params: { userId: 'ada' } }),
    ]);
    expect(own.status).toBe(0);
    expect(JSON.parse(own.stdout)).toMatchObject({
      ok: true,
      result: [
        {
          courseId: 'security',
          title: 'Security Awareness',
          dueDate: '2030-01-31',
          status: 'notStarted',
          overdue: false,
        },
      ],
    });
    const nosy = lms([
      '--data',
      data,
      'query',
      JSON.stringify({ type: 'UserDashboard', actor: { userId: 'ada' }, params: { userId: 'bob' } }),
    ]);
    expect(nosy.status).toBe(1);
    expect(JSON.parse(nosy.stdout)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/ada may not view the assignments of bob/) },
    });
  });

  test('report, team, rebuild and verify on the demo data: verify passes, then names a tampered row and exits 1', () => {
    const data = path.join(tempDir(), 'demo');
    expect(lms(['demo', '--data', data]).status).toBe(0);
    const csv = lms(['--data', data, 'report', '--summary', '--group-by', 'department', '--format', 'csv'], {
      env: { LMS_BOOTSTRAP_ADMIN: 'admin' },
    });
    expect(csv.status).toBe(0);
    expect(csv.stdout.split(/\r?\n/)[0]).toBe(
      'department,assigned,not started,in progress,completed,expired,overdue,completion rate',
    );
    expect(csv.stdout).toMatch(/^Sales,4,3,0,1,0,/m);
    const team = lms(['--data', data, 'team', 'grace'], { env: { LMS_BOOTSTRAP_ADMIN: 'admin' } });
    expect(team.stdout).toMatch(/My Team of grace \(direct reports\): 1 person/);
    expect(team.stdout).toMatch(/Ada Lovelace\s+grace\s+Code of Conduct\s+Not Started/);
    // Inputs as people type them (issue #16): the status label the table prints, a plain date for --as-of.
    const notStarted = lms(['--data', data, 'report', '--status', 'Not Started', '--format', 'csv'], {
      env: { LMS_BOOTSTRAP_ADMIN: 'admin' },
    });
    expect(notStarted.status).toBe(0);
    const statuses = notStarted.stdout.trim().split(/\r?\n/).slice(1);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((row) => row.includes(',notStarted,'))).toBe(true);
    // Issue #16: exemptions and search as tables, not only JSON.
    const ticks = lms(['--data', data, 'exemptions', 'sam'], { env: { LMS_BOOTSTRAP_ADMIN: 'admin' } });
    expect(ticks.status).toBe(0);
    expect(ticks.stdout).toMatch(/Exemptions of sam:\n\s*exempt\s+course\s+source/);
    expect(ticks.stdout).toMatch(/\[[ x]\]\s+Code of Conduct\s+Mandatory/);
    const found = lms(['--data', data, 'search', 'lovelace'], { env: { LMS_BOOTSTRAP_ADMIN: 'admin' } });
    expect([found.status, found.stdout]).toEqual([0, expect.stringMatching(/ada\s+Ada Lovelace\s+ada@/)]);
    // Issue #16: report filters by a manager's whole line (grace manages ada) and by date ranges.
    const line = lms(['--data', data, 'report', '--manager', 'grace', '--due-from', '2000-01-01', '--format', 'csv'], {
      env: { LMS_BOOTSTRAP_ADMIN: 'admin' },
    });
    expect(line.status).toBe(0);
    const lineRows = line.stdout.trim().split(/\r?\n/).slice(1);
    expect(lineRows.length).toBeGreaterThan(0);
    expect(lineRows.every((row) => row.startsWith('ada,'))).toBe(true);
    const backwards = lms(['--data', data, 'report', '--due-from', '2027-01-01', '--due-to', '2026-01-01'], {
      env: { LMS_BOOTSTRAP_ADMIN: 'admin' },
    });
    expect([backwards.status, backwards.stderr]).toEqual([
      1,
      expect.stringMatching(/VALIDATION_FAILED: .*dueFrom 2027-01-01 is after dueTo 2026-01-01/),
    ]);
    const wrongStatus = lms(['--data', data, 'report', '--status', 'Done'], { env: { LMS_BOOTSTRAP_ADMIN: 'admin' } });
    expect([wrongStatus.status, wrongStatus.stderr.trim()]).toEqual([
      2,
      'lms: --status "Done" is not a status: use one of "Not Started", "In Progress", "Completed", "Expired"',
    ]);
    const onTheDay = lms(['--data', data, 'history', 'ada', '--as-of', '2030-01-01', '--json'], {
      env: { LMS_BOOTSTRAP_ADMIN: 'admin' },
    });
    expect(onTheDay.status).toBe(0);
    expect(JSON.parse(onTheDay.stdout)).toMatchObject({ asOf: '2030-01-01T23:59:59.999Z' });
    // R26: both questions; plain dates end in the portal's time zone (Europe/London, UTC in winter).
    const env = { env: { LMS_BOOTSTRAP_ADMIN: 'admin' } };
    const said = lms(
      ['--data', data, 'history', 'sam', '--as-of', '2026-11-27', '--known-at', '2026-12-02', '--json'],
      env,
    );
    expect(JSON.parse(said.stdout)).toMatchObject({
      asOf: '2026-11-27T23:59:59.999Z',
      knownAt: '2026-12-02T23:59:59.999Z',
    });
    const explained = lms(['--data', data, 'explain', 'sam', 'first-aid', '--as-of', '2026-11-27'], env);
    expect(explained.stdout).toMatch(
      /First Aid for sam \(what was true on 2026-11-27T23:59:59.999Z, as known now.*\): Completed/,
    );
    expect(explained.stdout).toMatch(
      /Correction: completion of First Aid on 2026-11-30 corrected to 2026-11-26, score 80 → 85/,
    );
    const badKnownAt = lms(['--data', data, 'history', 'sam', '--known-at', '2026-02-30'], env);
    expect([badKnownAt.status, badKnownAt.stderr.trim()]).toEqual([
      2,
      'lms: --known-at 2026-02-30 is not a date: use YYYY-MM-DD or an ISO instant',
    ]);

    expect(lms(['--data', data, 'verify']).status).toBe(0);
    const rebuild = lms(['--data', data, 'rebuild']);
    expect(rebuild.status).toBe(0);
    expect(rebuild.stderr).toMatch(/rebuild: 71 events in/);
    // Rebuilt in bulk mode, handed over as an ordinary WAL file that servers and queries share.
    const rebuilt = new Database(path.join(data, 'readmodels.db'), { readonly: true });
    expect(rebuilt.pragma('journal_mode', { simple: true })).toBe('wal');
    rebuilt.close();
    expect(lms(['--data', data, 'verify']).stdout).toMatch(
      /verify OK: the live read models equal a rebuild from the events at position 71/,
    );

    const db = new Database(path.join(data, 'readmodels.db'));
    db.prepare(
      "UPDATE assignments SET due_date = '2099-01-01' WHERE user_id = 'sam' AND course_id = 'code-of-conduct'",
    ).run();
    db.close();
    const tampered = lms(['--data', data, 'verify']);
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toMatch(
      /verify FAILED at position 71: first difference in assignments \{"user_id":"sam","course_id":"code-of-conduct"\}/,
    );
  });
});
