import fs from 'node:fs';
import path from 'node:path';
import { command, errorFileOf, eventCount, headPosition, lms, query, readCsv, seed, workspace } from './csvCli';

// `lms import assignments|completions FILE.csv` (issue #17 item 4), on the built CLI and a fresh data folder.

const user = (userId: string) =>
  command('RegisterUser', {
    userId,
    name: userId.toUpperCase(),
    email: `${userId}@acme.test`,
    orgUnitId: 'acme',
    hireDate: '2020-01-06',
  });
const course = (courseId: string, title: string) =>
  command('CreateCourse', { courseId, title, kind: 'course', provider: 'Acme', trainingType: 'Compliance' });

const PORTAL = [
  command('DefineOrgUnit', { orgUnitId: 'acme', name: 'Acme' }),
  ...['ada', 'bob', 'cy', 'dee'].map(user),
  course('fire-safety', 'Fire Safety'),
  course('security', 'Security Awareness'),
];

interface Profile {
  assignments: {
    courseId: string;
    required: boolean;
    status: string;
    dueDate: string | null;
    completedOn: string | null;
    score: number | null;
    sources: { kind: string; label: string }[];
  }[];
  completionHistory: { courseId: string; completedOn: string; score: number | null }[];
}

const profileOf = (data: string, userId: string) => {
  const reply = query<Profile>(data, 'UserProfile', { userId });
  expect(reply.ok).toBe(true);
  return reply.result;
};
const heldCourses = (data: string, userId: string) =>
  profileOf(data, userId)
    .assignments.map((assignment) => assignment.courseId)
    .sort();

describe('lms import assignments (R16: the bulk path)', () => {
  test('R16: each row assigns its own pair with its due date and required flag (and no other pair); refused rows go to the error file', () => {
    const { dir, data } = workspace();
    seed(data, PORTAL);
    const file = path.join(dir, 'assignments.csv');
    fs.writeFileSync(
      file,
      [
        'userId,courseId,dueDate,required',
        'ada,fire-safety,2030-06-30,', // line 2
        'bob,fire-safety,2030-06-30,', // line 3
        'cy,fire-safety,2030-06-30,', // line 4
        'ada,security,,false', // line 5: no due date, not required
        'ghost,fire-safety,2030-06-30,', // line 6: no such user (a pair refused inside a bulk command)
        'dee,nothing,,', // line 7: no such course
        'bob,security,2030-13-01,', // line 8: not a date
        'dee,security,2030-06-30,true', // line 9: same due date as the fire-safety rows, another course
        '',
      ].join('\n'),
    );
    const result = lms(data, ['import', 'assignments', file]);
    expect(result.stderr).not.toMatch(/unexpected failure|\n\s+at /);
    expect(result.status).toBe(1);

    // Rows that share a due date and flag travel together, yet no row's user gets another row's course.
    expect(heldCourses(data, 'ada')).toEqual(['fire-safety', 'security']);
    expect(heldCourses(data, 'bob')).toEqual(['fire-safety']);
    expect(heldCourses(data, 'cy')).toEqual(['fire-safety']);
    expect(heldCourses(data, 'dee')).toEqual(['security']);
    const ada = profileOf(data, 'ada').assignments;
    expect(ada.find((row) => row.courseId === 'fire-safety')).toMatchObject({
      required: true,
      dueDate: '2030-06-30',
      status: 'notStarted',
      sources: [expect.objectContaining({ kind: 'individual' })],
    });
    expect(ada.find((row) => row.courseId === 'security')).toMatchObject({ required: false, dueDate: null });
    expect(profileOf(data, 'dee').assignments[0]).toMatchObject({ required: true, dueDate: '2030-06-30' });

    const errors = readCsv(fs.readFileSync(errorFileOf(file), 'utf8'));
    expect(errors.map((row) => [row.line, row.userId, row.courseId])).toEqual([
      ['6', 'ghost', 'fire-safety'],
      ['7', 'dee', 'nothing'],
      ['8', 'bob', 'security'],
    ]);
    expect(errors[0]?.error).toMatch(/ghost/);
    expect(errors[1]?.error).toMatch(/nothing/);
    expect(errors[2]?.error).toMatch(/date/i);

    // R21: the same file again stores nothing.
    const head = headPosition(data);
    expect(lms(data, ['import', 'assignments', file]).status).toBe(1);
    expect(headPosition(data)).toBe(head);
  });

  test('R27: every refused pair of a bulk AssignCourse reaches the error file, past the 100 details a reply carries', () => {
    const { dir, data } = workspace();
    seed(data, PORTAL);
    const file = path.join(dir, 'many.csv');
    const ghosts = Array.from({ length: 150 }, (_, i) => `ghost-${String(i + 1).padStart(3, '0')},fire-safety,,`);
    fs.writeFileSync(
      file,
      ['userId,courseId,dueDate,required', 'ada,fire-safety,,', ...ghosts, 'bob,fire-safety,,', ''].join('\n'),
    );
    const result = lms(data, ['import', 'assignments', file]);
    expect(result.status).toBe(1);
    expect(heldCourses(data, 'ada')).toEqual(['fire-safety']);
    expect(heldCourses(data, 'bob')).toEqual(['fire-safety']);
    const errors = readCsv(fs.readFileSync(errorFileOf(file), 'utf8'));
    expect(errors).toHaveLength(150);
    expect(new Set(errors.map((row) => row.userId)).size).toBe(150);
    expect(errors.every((row) => Number(row.line) === Number(row.userId?.slice(6)) + 2)).toBe(true);
  });

  test('R16: given a file naming one pair on two identical rows, when imported, then one row is stored and the repeat is counted unchanged (the summary matches the events)', () => {
    const { dir, data } = workspace();
    seed(data, PORTAL);
    const file = path.join(dir, 'twice.csv');
    fs.writeFileSync(
      file,
      ['userId,courseId,dueDate,required', 'ada,fire-safety,,', 'ada,fire-safety,,', 'bob,fire-safety,,', ''].join(
        '\n',
      ),
    );
    const preview = lms(data, ['import', 'assignments', file, '--dry-run']);
    expect(preview.stdout).toMatch(/^\s*3\s+unchanged\s+.*line 2/im);
    expect(preview.stdout).toMatch(/^\s*3\s+2\s+1\s+0\s*$/m);

    const result = lms(data, ['import', 'assignments', file]);
    expect(result.status).toBe(0);
    expect(eventCount(data, 'TrainingAssigned')).toBe(2);
    // rows read, stored, unchanged, refused
    expect(result.stdout).toMatch(/^\s*3\s+2\s+1\s+0\s*$/m);
  });
});

describe('lms import completions (historical completions from a previous LMS)', () => {
  test('R5: a completion of a course the user does not hold assigns it (Individual) and completes it on the given date with the score', () => {
    const { dir, data } = workspace();
    seed(data, [
      ...PORTAL,
      command('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'], dueDate: '2030-01-31' }),
    ]);
    const file = path.join(dir, 'completions.csv');
    fs.writeFileSync(
      file,
      [
        'userId,courseId,completedOn,score',
        'ada,fire-safety,2023-05-10,91', // line 2: ada holds it already
        'bob,fire-safety,2022-11-30,', // line 3: bob holds nothing: assigned, then completed (no score)
        'bob,security,2023-01-15,77.5', // line 4
        'cy,fire-safety,2023-02-01,150', // line 5: a score above 100
        'dee,nothing,2023-01-01,10', // line 6: no such course
        '',
      ].join('\n'),
    );
    const result = lms(data, ['import', 'completions', file]);
    expect(result.stderr).not.toMatch(/unexpected failure|\n\s+at /);
    expect(result.status).toBe(1);

    const ada = profileOf(data, 'ada');
    expect(ada.assignments).toEqual([
      expect.objectContaining({
        courseId: 'fire-safety',
        status: 'completed',
        completedOn: '2023-05-10',
        score: 91,
        dueDate: '2030-01-31',
        sources: [expect.objectContaining({ kind: 'individual' })],
      }),
    ]);
    const bob = profileOf(data, 'bob');
    expect(bob.assignments.map((row) => row.courseId).sort()).toEqual(['fire-safety', 'security']);
    expect(bob.assignments.find((row) => row.courseId === 'fire-safety')).toMatchObject({
      status: 'completed',
      completedOn: '2022-11-30',
      score: null,
      sources: [expect.objectContaining({ kind: 'individual', label: 'Individual' })],
    });
    expect(bob.assignments.find((row) => row.courseId === 'security')).toMatchObject({
      status: 'completed',
      completedOn: '2023-01-15',
      score: 77.5,
    });
    expect(bob.completionHistory.map((row) => [row.courseId, row.completedOn, row.score])).toEqual([
      ['security', '2023-01-15', 77.5],
      ['fire-safety', '2022-11-30', null],
    ]);
    // A row refused by its schema is refused before anything of it is stored: cy was not assigned the course.
    expect(profileOf(data, 'cy').assignments).toEqual([]);
    expect(profileOf(data, 'dee').assignments).toEqual([]);
    const errors = readCsv(fs.readFileSync(errorFileOf(file), 'utf8'));
    expect(errors.map((row) => [row.line, row.userId, row.courseId, row.completedOn, row.score])).toEqual([
      ['5', 'cy', 'fire-safety', '2023-02-01', '150'],
      ['6', 'dee', 'nothing', '2023-01-01', '10'],
    ]);
    expect(errors[0]?.error).toMatch(/score/i);
    expect(errors[1]?.error).toMatch(/nothing/);

    // R21: the same file again stores nothing: no second assignment, no "already completed" refusal.
    const head = headPosition(data);
    const again = lms(data, ['import', 'completions', file]);
    expect(again.status).toBe(1);
    expect(headPosition(data)).toBe(head);
    expect(readCsv(fs.readFileSync(errorFileOf(file), 'utf8')).map((row) => row.line)).toEqual(['5', '6']);
  });

  test('R5: given a completion dated in the future for a user who does not hold the course, when imported, then the row is refused and nothing of it is stored (no assignment left behind)', () => {
    const { dir, data } = workspace();
    seed(data, PORTAL);
    const file = path.join(dir, 'future.csv');
    fs.writeFileSync(file, 'userId,courseId,completedOn,score\nbob,fire-safety,2199-01-01,80\n');
    const head = headPosition(data);
    const result = lms(data, ['import', 'completions', file]);
    expect(result.status).toBe(1);
    expect(profileOf(data, 'bob').assignments).toEqual([]);
    expect(headPosition(data)).toBe(head);
    const errors = readCsv(fs.readFileSync(errorFileOf(file), 'utf8'));
    expect(errors.map((row) => row.line)).toEqual(['2']);
    expect(errors[0]?.error).toMatch(/future/);
  });

  test('R25: import completions --dry-run reports each row (assigns and completes, completes, or the error) and stores nothing', () => {
    const { dir, data } = workspace();
    seed(data, [...PORTAL, command('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'] })]);
    const file = path.join(dir, 'completions.csv');
    fs.writeFileSync(
      file,
      'userId,courseId,completedOn,score\nada,fire-safety,2023-05-10,91\nbob,security,2023-01-15,\ndee,nothing,2023-01-01,\n',
    );
    const head = headPosition(data);
    const preview = lms(data, ['import', 'completions', file, '--dry-run']);
    expect(preview.status).toBe(1);
    expect(preview.stdout).toMatch(/^\s*2\s+.*complete/im);
    expect(preview.stdout).toMatch(/^\s*3\s+.*assign.*complete/im);
    expect(preview.stdout).toMatch(/^\s*4\s+.*nothing/im);
    expect(headPosition(data)).toBe(head);
    expect(profileOf(data, 'bob').assignments).toEqual([]);
  });
});
