import fs from 'node:fs';
import path from 'node:path';
import {
  command,
  errorFileOf,
  eventCount,
  headPosition,
  lms,
  query,
  readCsv,
  recordedCommands,
  reportLine,
  seed,
  workspace,
} from './csvCli';

// `lms import users FILE.csv` (issue #17 item 4): the HR list as CSV, on the built CLI and a fresh data folder.

const PORTAL = [
  command('DefineOrgUnit', { orgUnitId: 'acme', name: 'Acme' }),
  command('DefineOrgUnit', { orgUnitId: 'eng', name: 'Engineering', parentId: 'acme' }),
  command('DefineOrgUnit', { orgUnitId: 'sales', name: 'Sales', parentId: 'acme' }),
];

const USER_HEADER = 'userId,name,email,orgUnitId,department,hireDate';
const userId = (n: number) => `u${String(n).padStart(5, '0')}`;

interface UserProfileResult {
  user: { userId: string; name: string; email: string; orgUnitId: string; department: string | null };
}

describe('lms import users: a generated 10,000-row HR list with one bad row (DESIGN.md section 6, R21)', () => {
  const ROWS = 10_000;
  const BAD = 4321; // the data row with a bad email: file line BAD + 1 (the header is line 1)
  const { dir, data } = workspace();
  const file = path.join(dir, 'users.csv');
  const rowOf = (n: number, department = n % 2 === 0 ? 'Engineering' : 'Sales') =>
    [
      userId(n),
      `User ${n}`,
      n === BAD ? 'not-an-email' : `${userId(n)}@acme.test`,
      n % 2 === 0 ? 'eng' : 'sales',
      department,
      '2024-03-01',
    ].join(',');
  const lines = Array.from({ length: ROWS }, (_, i) => rowOf(i + 1));
  let first: ReturnType<typeof lms>;
  let headAfterFirst: number;

  beforeAll(() => {
    seed(data, PORTAL);
    fs.writeFileSync(file, `${USER_HEADER}\n${lines.join('\n')}\n`);
    first = lms(data, ['import', 'users', file]);
    headAfterFirst = headPosition(data);
  }, 240_000);

  test('import: a refused row does not stop the others; exit 1, and users.errors.csv holds that row with its line and error', () => {
    expect(first.stderr).not.toMatch(/unexpected failure|\n\s+at /);
    expect(first.status).toBe(1);
    const errors = readCsv(fs.readFileSync(errorFileOf(file), 'utf8'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      userId: userId(BAD),
      name: `User ${BAD}`,
      email: 'not-an-email',
      orgUnitId: 'sales',
      department: 'Sales',
      hireDate: '2024-03-01',
      line: String(BAD + 1),
      error: expect.stringMatching(/email/i),
    });
    // The summary counts the rows: 10,000 read, 9,999 stored, 1 refused.
    expect(first.stdout).toMatch(/10,?000/);
    expect(first.stdout).toMatch(/9,?999/);
    expect(first.stdout).toMatch(/refused/i);
  });

  test('import: every other user of the file is registered with the fields of its row', () => {
    expect(eventCount(data, 'UserRegistered')).toBe(ROWS - 1);
    for (const n of [1, 2, BAD - 1, BAD + 1, ROWS]) {
      const profile = query<UserProfileResult>(data, 'UserProfile', { userId: userId(n) });
      expect(profile.ok).toBe(true);
      expect(profile.result.user).toMatchObject({
        userId: userId(n),
        name: `User ${n}`,
        email: `${userId(n)}@acme.test`,
        orgUnitId: n % 2 === 0 ? 'eng' : 'sales',
        department: n % 2 === 0 ? 'Engineering' : 'Sales',
      });
    }
    expect(query(data, 'UserProfile', { userId: userId(BAD) }).ok).toBe(false);
    const profile = lms(data, ['profile', userId(ROWS)]);
    expect(profile.status).toBe(0);
    expect(profile.stdout).toContain(`User ${ROWS}`);
  });

  test('R21: a rerun of the same import stores nothing twice (the head of the log stays where it was)', () => {
    const again = lms(data, ['import', 'users', file]);
    expect(again.stderr).not.toMatch(/unexpected failure|\n\s+at /);
    // The bad row is still refused, and said again (the error file is written anew, not appended to).
    expect(again.status).toBe(1);
    expect(headPosition(data)).toBe(headAfterFirst);
    expect(eventCount(data, 'UserRegistered')).toBe(ROWS - 1);
    expect(readCsv(fs.readFileSync(errorFileOf(file), 'utf8')).map((row) => row.line)).toEqual([String(BAD + 1)]);
    expect(again.stdout).toMatch(/unchanged/i);
  });

  test('import: the HR list re-imported after changes updates the users whose rows changed (UpdateUserProfile), and only them', () => {
    const changed = [...lines];
    changed[6] = rowOf(7, 'Finance'); // u00007 moves to Finance
    changed[BAD - 1] = rowOf(BAD).replace('not-an-email', `${userId(BAD)}@acme.test`); // the bad row, mended
    const mended = path.join(dir, 'users-mended.csv');
    fs.writeFileSync(mended, `${USER_HEADER}\n${changed.join('\n')}\n`);
    const before = headPosition(data);
    const result = lms(data, ['import', 'users', mended]);
    expect(result.stderr).not.toMatch(/unexpected failure|\n\s+at /);
    expect(result.status).toBe(0);
    expect(eventCount(data, 'UserProfileUpdated')).toBe(1);
    expect(eventCount(data, 'UserRegistered')).toBe(ROWS);
    expect(headPosition(data)).toBe(before + 2);
    expect(query<UserProfileResult>(data, 'UserProfile', { userId: userId(7) }).result.user.department).toBe('Finance');
    expect(query<UserProfileResult>(data, 'UserProfile', { userId: userId(BAD) }).result.user.email).toBe(
      `${userId(BAD)}@acme.test`,
    );
  });
});

describe('lms import users --dry-run (R25)', () => {
  test('R25: --dry-run decides every row, reports what each would do or its error, with totals, and stores nothing', () => {
    const { dir, data } = workspace();
    seed(data, [
      ...PORTAL,
      command('RegisterUser', {
        userId: 'ada',
        name: 'Ada Lovelace',
        email: 'ada@acme.test',
        orgUnitId: 'eng',
        department: 'Engineering',
        hireDate: '2024-03-01',
      }),
      command('RegisterUser', {
        userId: 'grace',
        name: 'Grace Hopper',
        email: 'grace@acme.test',
        orgUnitId: 'eng',
        department: 'Engineering',
        hireDate: '2024-03-01',
      }),
    ]);
    const file = path.join(dir, 'hr.csv');
    fs.writeFileSync(
      file,
      [
        USER_HEADER,
        'kim,Kim Park,kim@acme.test,sales,Sales,2025-01-06', // line 2: a new user
        'ada,Ada Lovelace,ada@acme.test,eng,Research,2024-03-01', // line 3: ada moves to Research
        'bob,Bob,bob-at-acme,sales,Sales,2025-01-06', // line 4: a bad email
        'lee,Lee,lee@acme.test,nowhere,Sales,2025-01-06', // line 5: an org unit that does not exist
        'grace,Grace Hopper,grace@acme.test,eng,Engineering,2024-03-01', // line 6: as she is
        '',
      ].join('\n'),
    );
    const head = headPosition(data);
    const commands = recordedCommands(data);

    const preview = lms(data, ['import', 'users', file, '--dry-run']);
    expect(preview.stderr).not.toMatch(/unexpected failure|\n\s+at /);
    expect(preview.status).toBe(1);
    expect(preview.stdout).toMatch(reportLine(2, 'registers kim'));
    expect(preview.stdout).toMatch(reportLine(3, "updates ada'?s? department"));
    expect(preview.stdout).toMatch(reportLine(4, 'email'));
    expect(preview.stdout).toMatch(reportLine(5, 'nowhere'));
    expect(preview.stdout).toMatch(reportLine(6, '(unchanged|no change|nothing (to )?change)'));
    expect(preview.stdout).toMatch(/refused/i);

    // Nothing stored: no event, no recorded reply (the derived command ids stay free), kim not registered.
    expect(headPosition(data)).toBe(head);
    expect(recordedCommands(data)).toBe(commands);
    expect(query(data, 'UserProfile', { userId: 'kim' }).ok).toBe(false);
    expect(query<UserProfileResult>(data, 'UserProfile', { userId: 'ada' }).result.user.department).toBe('Engineering');

    // The real run afterwards does what the preview said.
    const real = lms(data, ['import', 'users', file]);
    expect(real.status).toBe(1);
    expect(query<UserProfileResult>(data, 'UserProfile', { userId: 'kim' }).ok).toBe(true);
    expect(query<UserProfileResult>(data, 'UserProfile', { userId: 'ada' }).result.user.department).toBe('Research');
    expect(
      readCsv(fs.readFileSync(errorFileOf(file), 'utf8'))
        .map((row) => row.line)
        .sort(),
    ).toEqual(['4', '5']);
  });
});

describe('lms import users: the file as spreadsheets write it (DESIGN.md section 4, import)', () => {
  test('import: a BOM-prefixed file with CRLF ends and quoted fields holding commas, quotes and line breaks (RFC 4180)', () => {
    const { dir, data } = workspace();
    seed(data, PORTAL);
    const file = path.join(dir, 'excel.csv');
    const text = [
      'userId,name,email,orgUnitId,department,location,hireDate',
      'lin,"Lin, Mei ""Mae""",lin@acme.test,eng,"R&D, Platform",London,2024-05-01', // line 2
      'otis,"Otis\r\nNewline",otis@acme.test,eng,,,2024-05-01', // lines 3-4: a name holding a line break
      'pia,Pia,pia@acme.test,sales,"Sales ""Inside""",,2024-05-02', // line 5
      '',
    ].join('\r\n');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));

    const result = lms(data, ['import', 'users', file]);
    expect(result.stderr).not.toMatch(/unexpected failure|unknown column|\n\s+at /);
    expect(result.status).toBe(1);
    const lin = query<UserProfileResult & { user: { location: string | null } }>(data, 'UserProfile', {
      userId: 'lin',
    });
    expect(lin.result.user).toMatchObject({
      name: 'Lin, Mei "Mae"',
      department: 'R&D, Platform',
      location: 'London',
    });
    // The quoted line break is one field: the record after it is read whole.
    const pia = query<UserProfileResult & { user: { location: string | null } }>(data, 'UserProfile', {
      userId: 'pia',
    });
    expect(pia.result.user).toMatchObject({ name: 'Pia', department: 'Sales "Inside"', location: null });
    // A name may not hold a line break (R28: control characters): the row is refused, and the error file gives its
    // fields back as they were, quoted, with the line the record starts on (or ends on).
    const errors = readCsv(fs.readFileSync(errorFileOf(file), 'utf8'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ userId: 'otis', name: 'Otis\r\nNewline', email: 'otis@acme.test' });
    expect(['3', '4']).toContain(errors[0]?.line);
    expect(errors[0]?.error).toMatch(/control character/i);
  });

  test('import: a quote that is never closed is reported on the line it opens, with the lines left unread (exit 1)', () => {
    const { dir, data } = workspace();
    seed(data, PORTAL);
    const file = path.join(dir, 'unclosed.csv');
    const text = [
      USER_HEADER,
      'ann,Ann,ann@acme.test,eng,,2024-05-01', // line 2
      'bob,"Bob,bob@acme.test,eng,,2024-05-01', // line 3: the quote never closes
      'cy,Cy,cy@acme.test,eng,,2024-05-01', // line 4
      'di,Di,di@acme.test,eng,,2024-05-01', // line 5
      '',
    ].join('\n');
    fs.writeFileSync(file, text);
    const result = lms(data, ['import', 'users', file]);
    expect(result.stderr).not.toMatch(/unexpected failure|\n\s+at /);
    expect(result.status).toBe(1);
    expect(query<UserProfileResult>(data, 'UserProfile', { userId: 'ann' }).result.user.name).toBe('Ann');
    const errors = readCsv(fs.readFileSync(errorFileOf(file), 'utf8'));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.line).toBe('3');
    expect(errors[0]?.error).toMatch(
      /quote opened in the record on line 3 is never closed, so lines 3 to 5 were not read/,
    );
  });

  test('import: an unknown column refuses the file with a message naming it (exit 2), and nothing is stored', () => {
    const { dir, data } = workspace();
    seed(data, PORTAL);
    const head = headPosition(data);
    const file = path.join(dir, 'odd.csv');
    fs.writeFileSync(file, 'userId,name,email,orgUnitId,hireDate,shoeSize\nzed,Zed,zed@acme.test,eng,2024-01-01,44\n');
    const result = lms(data, ['import', 'users', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/shoeSize/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(headPosition(data)).toBe(head);
  });

  test('import: usage mistakes exit 2 with one line (an unknown kind, no file, a missing file)', () => {
    const { dir, data } = workspace();
    seed(data, PORTAL);
    for (const [args, message] of [
      [['import', 'teams', path.join(dir, 'teams.csv')], /teams/],
      [['import', 'users'], /FILE|file/],
      [['import', 'users', path.join(dir, 'missing.csv')], /missing\.csv/],
    ] as const) {
      const result = lms(data, [...args]);
      expect([result.status, result.stderr.trim().split('\n')]).toEqual([2, [expect.stringMatching(/^lms: /)]]);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/unknown command/);
    }
  });

  test('lms help documents the import kinds and their columns', () => {
    const { data } = workspace();
    const help = lms(data, ['help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/import users/);
    expect(help.stdout).toMatch(/assignments/);
    expect(help.stdout).toMatch(/completions/);
    for (const column of [
      'userId',
      'orgUnitId',
      'department',
      'location',
      'managerId',
      'hireDate',
      'timeZone',
      'courseId',
      'dueDate',
      'required',
      'completedOn',
      'score',
    ])
      expect(help.stdout).toContain(column);
    expect(help.stdout).toMatch(/export transcripts/);
    expect(help.stdout).toMatch(/export report/);
  });
});
