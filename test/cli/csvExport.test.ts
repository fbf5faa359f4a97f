import fs from 'node:fs';
import path from 'node:path';
import { command, lms, readCsv, readCsvRows, seed, workspace } from './csvCli';

// `lms export transcripts|report` (issue #17 item 4): CSV a CSV parser reads back, on stdout or in --out FILE.

const TRANSCRIPT_COLUMNS = [
  'user',
  'course',
  'title',
  'version',
  'status',
  'assigned',
  'due',
  'started',
  'completed',
  'score',
  'sources',
];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Given: ada and bob in Acme; Fire Safety, a course whose title holds a comma and quotes, and one whose title a
 * spreadsheet would run as a formula; ada holds all three (Fire Safety completed on 2023-05-10 with 91), bob has
 * started Fire Safety.
 */
function portal(): { dir: string; data: string } {
  const space = workspace();
  const course = (courseId: string, title: string) =>
    command('CreateCourse', { courseId, title, kind: 'course', provider: 'Acme', trainingType: 'Compliance' });
  const user = (userId: string, name: string, department: string) =>
    command('RegisterUser', {
      userId,
      name,
      email: `${userId}@acme.test`,
      orgUnitId: 'acme',
      department,
      hireDate: '2020-01-06',
    });
  seed(space.data, [
    command('DefineOrgUnit', { orgUnitId: 'acme', name: 'Acme' }),
    user('ada', 'Lovelace, Ada', 'Engineering'),
    user('bob', 'Bob "The Builder"', 'Sales'),
    course('fire-safety', 'Fire Safety'),
    course('security', 'Security Awareness, "Basics"'),
    course('formula', '=1+2'),
    command('AssignCourse', {
      userIds: ['ada'],
      courseIds: ['fire-safety', 'security', 'formula'],
      dueDate: '2030-06-30',
    }),
    command('AssignCourse', { userIds: ['bob'], courseIds: ['fire-safety'] }),
    command('CompleteCourse', { userId: 'ada', courseId: 'fire-safety', completedOn: '2023-05-10', score: 91 }),
    command('StartCourse', { userId: 'bob', courseId: 'fire-safety' }),
  ]);
  return space;
}

describe('lms export transcripts (DESIGN.md section 4, CLI: import and export)', () => {
  let dir = '';
  let data = '';
  beforeAll(() => {
    ({ dir, data } = portal());
  }, 60_000);

  test("export transcripts --user: the user's training, one CSV record per course, quoting read back by a CSV parser", () => {
    const result = lms(data, ['export', 'transcripts', '--user', 'ada']);
    expect(result.stderr).not.toMatch(/unexpected failure|\n\s+at /);
    expect(result.status).toBe(0);
    expect(readCsvRows(result.stdout)[0]).toEqual(TRANSCRIPT_COLUMNS);
    const rows = readCsv(result.stdout);
    expect(rows.map((row) => row.course).sort()).toEqual(['fire-safety', 'formula', 'security']);
    expect(rows.every((row) => row.user === 'ada')).toBe(true);
    const fire = rows.find((row) => row.course === 'fire-safety');
    expect(fire).toMatchObject({
      title: 'Fire Safety',
      version: '1',
      status: expect.stringMatching(/^completed$/i),
      assigned: expect.stringMatching(DATE),
      due: '2030-06-30',
      completed: '2023-05-10',
      score: '91',
      sources: expect.stringMatching(/Individual/),
    });
    expect(rows.find((row) => row.course === 'security')).toMatchObject({
      title: 'Security Awareness, "Basics"',
      status: expect.stringMatching(/^not ?started$/i),
      started: '',
      completed: '',
      score: '',
    });
    // As the MI report's CSV does: text a spreadsheet would run as a formula is written with a leading apostrophe.
    expect(rows.find((row) => row.course === 'formula')?.title).toBe("'=1+2");
  });

  test('export transcripts --out FILE: every user, written to the file, nothing on stdout', () => {
    const out = path.join(dir, 'transcripts.csv');
    const result = lms(data, ['export', 'transcripts', '--out', out]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('');
    const rows = readCsv(fs.readFileSync(out, 'utf8'));
    expect(rows.map((row) => `${row.user}/${row.course}`).sort()).toEqual([
      'ada/fire-safety',
      'ada/formula',
      'ada/security',
      'bob/fire-safety',
    ]);
    expect(rows.find((row) => row.user === 'bob')).toMatchObject({
      status: expect.stringMatching(/^in ?progress$/i),
      started: expect.stringMatching(DATE),
      completed: '',
    });
  });

  test('export transcripts --user of an unknown user is refused (exit 1) with a message, not an empty file', () => {
    const result = lms(data, ['export', 'transcripts', '--user', 'nobody']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/nobody/);
  });
});

describe('lms export report (DESIGN.md section 4, CLI: MI report as CSV)', () => {
  let dir = '';
  let data = '';
  beforeAll(() => {
    ({ dir, data } = portal());
  }, 60_000);
  const reportCsv = (args: string[]) => {
    const result = lms(data, ['report', ...args, '--format', 'csv']);
    expect(result.status).toBe(0);
    return result.stdout;
  };

  test('export report takes the filters of lms report and gives the records of its CSV, read back by a CSV parser', () => {
    const result = lms(data, ['export', 'report', '--course', 'security']);
    expect(result.stderr).not.toMatch(/unexpected failure|\n\s+at /);
    expect(result.status).toBe(0);
    const rows = readCsv(result.stdout);
    expect(rows).toEqual(readCsv(reportCsv(['--course', 'security'])));
    expect(rows).toEqual([
      expect.objectContaining({
        user: 'ada',
        name: 'Lovelace, Ada',
        course: 'security',
        title: 'Security Awareness, "Basics"',
        due: '2030-06-30',
      }),
    ]);
  });

  test('export report --out FILE: every visible assignment, quotes and formula guard as lms report --format csv writes them', () => {
    const out = path.join(dir, 'report.csv');
    const result = lms(data, ['export', 'report', '--out', out]);
    expect(result.status).toBe(0);
    const rows = readCsv(fs.readFileSync(out, 'utf8'));
    expect(rows).toEqual(readCsv(reportCsv([])));
    expect(rows).toHaveLength(4);
    expect(rows.find((row) => row.user === 'bob')?.name).toBe('Bob "The Builder"');
    expect(rows.find((row) => row.course === 'formula')?.title).toBe("'=1+2");
    expect(rows.find((row) => row.course === 'fire-safety' && row.user === 'ada')).toMatchObject({
      completed: '2023-05-10',
      score: '91',
    });
  });

  test('lms report --format csv keeps its format: header, CRLF line ends, RFC 4180 quoting', () => {
    const csv = reportCsv(['--course', 'security']);
    expect(csv.split('\r\n')[0]).toBe(
      'user,name,department,org unit,course,title,required,status,progress,version,due,overdue,completed,score',
    );
    expect(csv).toContain('ada,"Lovelace, Ada",Engineering,acme,security,"Security Awareness, ""Basics""",yes,');
  });
});
