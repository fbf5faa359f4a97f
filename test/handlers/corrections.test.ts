import { streams } from '../../domain/streams';
import { aggregateKinds } from '../../handlers/aggregateKinds';
import { ManualClock } from '../../handlers/ports/clock';
import { buildEngine } from '../../infra/engine/buildEngine';
import { ProjectionRuntime } from '../../projections/projectionRuntime';
import { ReadModelDb } from '../../projections/readModelDb';
import { rebuildFromEvents } from '../../projections/streamRebuild';
import { compareReadModels } from '../../projections/verifyReadModels';
import { engineHarness, type Harness } from '../support/engineHarness';
import { sqliteCopyOf } from '../support/sqliteCopy';
import { testConfig } from '../support/testConfig';

/** The harness portal with First Aid (valid a year) assigned to ada on 2026-02-02, due 2026-03-31. */
async function portal(): Promise<Harness> {
  const h = engineHarness({ now: '2026-02-02T09:00:00.000Z' });
  await h.seedPortal();
  await h.ok('SetAssignmentPreferences', { timeZone: 'Europe/London' });
  await h.ok('CreateCourse', {
    courseId: 'first-aid',
    title: 'First Aid',
    kind: 'course',
    provider: 'Acme Learning',
    trainingType: 'Compliance',
    validityDays: 365,
  });
  await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['first-aid'], dueDate: '2026-03-31' });
  return h;
}

interface AssignmentRow {
  courseId: string;
  status: string;
  progress: number;
  dueDate: string | null;
  startedOn: string | null;
  completedOn: string | null;
  score: number | null;
  expiresOn: string | null;
  completions: unknown[];
}
const assignmentOf = async (h: Harness, userId: string, courseId: string) =>
  (await h.query<AssignmentRow[]>('UserAssignments', { userId })).find((row) => row.courseId === courseId);

interface HistoryAnswer {
  asOf: string | null;
  knownAt: string | null;
  view: string;
  assignments: { courseId: string; status: string; completedOn: string | null; score: number | null }[];
  events: { type: string; summary: string; reason: string | null }[];
}

describe('R26: completions corrected and revoked, through the engine', () => {
  test("R26: correcting a completion's date moves its expiry; the history reads it as a sentence", async () => {
    const h = await portal();
    h.clock.set('2026-03-05T10:00:00.000Z');
    await h.ok('CompleteCourse', { userId: 'ada', courseId: 'first-aid', completedOn: '2026-03-01', score: 80 });
    const reply = await h.ok('CorrectCompletion', {
      userId: 'ada',
      courseId: 'first-aid',
      completedOn: '2026-02-27',
      score: 85,
      reason: 'the paper register says 27 February',
    });
    expect(reply.events).toEqual([{ type: 'CompletionCorrected', stream: streams.training('ada') }]);
    expect(await assignmentOf(h, 'ada', 'first-aid')).toMatchObject({
      status: 'completed',
      completedOn: '2026-02-27',
      score: 85,
      expiresOn: '2027-02-27',
      completions: [
        { completedOn: '2026-02-27', score: 85, version: 1, correctedFrom: { completedOn: '2026-03-01', score: 80 } },
      ],
    });
    const history = await h.query<HistoryAnswer>('AssignmentHistory', { userId: 'ada' });
    expect(history.events.at(-1)).toMatchObject({
      type: 'CompletionCorrected',
      reason: 'the paper register says 27 February',
      summary:
        'completion of First Aid on 2026-03-01 corrected to 2026-02-27, score 80 → 85; it now expires on 2027-02-27: the paper register says 27 February',
    });
    // The completion as first recorded stays in the history: nothing is rewritten.
    expect(history.events.map((event) => event.summary)).toContain(
      'First Aid v1 completed on 2026-03-01 with score 80; the completion expires on 2027-03-01',
    );
  });

  test('R26: revoking a completion returns the assignment to In Progress with its progress', async () => {
    const h = await portal();
    await h.ok('RecordProgress', { userId: 'ada', courseId: 'first-aid', progress: 40 }, { actor: 'ada' });
    h.clock.set('2026-03-05T10:00:00.000Z');
    await h.ok('CompleteCourse', { userId: 'ada', courseId: 'first-aid', score: 90 }, { actor: 'ada' });
    const reply = await h.ok('RevokeCompletion', {
      userId: 'ada',
      courseId: 'first-aid',
      reason: 'the assessment was taken by someone else',
    });
    expect(reply.message).toBe(
      'completion of First Aid v1 by ada on 2026-03-05 revoked: back in progress at 40%, due 2026-03-31; it stays in history, marked revoked: the assessment was taken by someone else',
    );
    expect(await assignmentOf(h, 'ada', 'first-aid')).toMatchObject({
      status: 'inProgress',
      progress: 40,
      dueDate: '2026-03-31',
      startedOn: '2026-02-02',
      completedOn: null,
      expiresOn: null,
    });
    const profile = await h.query<{ completionHistory: { completedOn: string; revoked: boolean }[] }>('UserProfile', {
      userId: 'ada',
    });
    expect(profile.completionHistory).toEqual([expect.objectContaining({ completedOn: '2026-03-05', revoked: true })]);
    const history = await h.query<HistoryAnswer>('AssignmentHistory', { userId: 'ada' });
    expect(history.assignments.find((row) => row.courseId === 'first-aid')).toMatchObject({
      status: 'inProgress',
      completedOn: null,
    });
    expect(history.events.at(-1)?.summary).toBe(
      'completion of First Aid v1 on 2026-03-05 revoked, back in progress at 40%: the assessment was taken by someone else',
    );
    // The expiry of the revoked completion no longer applies: a year on nothing expires.
    h.clock.set('2027-03-06T10:00:00.000Z');
    const tick = await h.ok('RunScheduledTransitions', { userIds: ['ada'] });
    expect(tick.events.map((event) => event.type)).toEqual(['AssignmentOverdue']);
  });

  test('R26: a back-dated completion without a start shows no start after it, anywhere', async () => {
    const h = await portal();
    h.clock.set('2026-03-05T10:00:00.000Z');
    await h.ok('CompleteCourse', { userId: 'ada', courseId: 'first-aid', completedOn: '2026-02-20' });
    expect(await assignmentOf(h, 'ada', 'first-aid')).toMatchObject({
      startedOn: '2026-02-20',
      completedOn: '2026-02-20',
    });
    expect((await h.training('ada')).assignments.get('first-aid')?.startedOn).toBe('2026-02-20');
    const history = await h.query<HistoryAnswer>('AssignmentHistory', { userId: 'ada' });
    expect(history.events.map((event) => event.summary)).toContain(
      'First Aid registered on v1 with its completion, dated 2026-02-20',
    );
  });

  test('R26, R17: corrections need progress.record over the user; a learner cannot correct their own completion', async () => {
    const h = await portal();
    await h.ok('CompleteCourse', { userId: 'ada', courseId: 'first-aid', completedOn: '2026-02-01' }, { actor: 'ada' });
    const own = await h.send(
      'CorrectCompletion',
      { userId: 'ada', courseId: 'first-aid', score: 100, reason: 'I did better' },
      { actor: 'ada' },
    );
    expect(own).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', rule: 'R17' } });
    await h.ok('GrantPermission', {
      userId: 'grace',
      permission: 'progress.record',
      constraints: { orgUnitIds: ['eng'] },
    });
    await h.ok(
      'RevokeCompletion',
      { userId: 'ada', courseId: 'first-aid', reason: 'recorded by mistake' },
      { actor: 'grace' },
    );
    await h.ok('AssignCourse', { userIds: ['sam'], courseIds: ['first-aid'] });
    await h.ok('CompleteCourse', { userId: 'sam', courseId: 'first-aid', completedOn: '2026-02-01' }, { actor: 'sam' });
    const outside = await h.send(
      'RevokeCompletion',
      { userId: 'sam', courseId: 'first-aid', reason: 'recorded by mistake' },
      { actor: 'grace' },
    );
    expect(outside).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  test('R26, R28: bad input is VALIDATION_FAILED with nothing appended; a missing reason is refused', async () => {
    const h = await portal();
    await h.ok('CompleteCourse', { userId: 'ada', courseId: 'first-aid', completedOn: '2026-02-01' });
    const head = await h.store.headPosition();
    const refused = [
      await h.send('CorrectCompletion', { userId: 'ada', courseId: 'first-aid', completedOn: '2026-01-30' }),
      await h.send('CorrectCompletion', { userId: 'ada', courseId: 'first-aid', reason: 'nothing to change' }),
      await h.send('CorrectCompletion', { userId: 'ada', courseId: 'first-aid', score: 101, reason: 'x' }),
      await h.send('RevokeCompletion', { userId: 'ada', courseId: 'first-aid', reason: '   ' }),
      await h.send('ExtendDueDates', { target: { groupId: 'engineering' }, by: { days: 7 }, reason: 'outage' }),
      await h.send('ExtendDueDates', {
        target: { userIds: ['ada'] },
        courseId: 'first-aid',
        by: { days: 0 },
        reason: 'x',
      }),
      await h.send('ExtendDueDates', {
        target: { userIds: ['ada'] },
        courseId: 'first-aid',
        by: { toDate: '2201-01-01' },
        reason: 'x',
      }),
    ];
    for (const reply of refused) expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(refused[0]).toMatchObject({ error: { message: expect.stringMatching(/data\.reason/) } });
    expect(await h.store.headPosition()).toBe(head);
    // A correction of nothing in force is a rule violation that says why.
    const future = await h.send('CorrectCompletion', {
      userId: 'ada',
      courseId: 'first-aid',
      completedOn: '2026-02-10',
      reason: 'typo',
    });
    expect(future).toMatchObject({
      ok: false,
      error: { code: 'RULE_VIOLATION', message: expect.stringMatching(/is in the future for ada/) },
    });
  });
});

describe('R26: due dates corrected, through the engine', () => {
  test('R26, R18: a corrected hire date moves a new-starter due date but not an admin override', async () => {
    const h = await portal();
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-new',
      courseId: 'fire-safety',
      target: { kind: 'newStarters' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 30 },
    });
    for (const userId of ['nina', 'otto'])
      await h.ok('RegisterUser', {
        userId,
        name: userId,
        email: `${userId}@acme.test`,
        orgUnitId: 'eng',
        hireDate: '2026-02-09',
      });
    await h.ok('ChangeDueDate', { userId: 'otto', courseId: 'fire-safety', dueDate: '2026-04-30' });
    for (const userId of ['nina', 'otto'])
      await h.ok('UpdateUserProfile', { userId, hireDate: '2026-02-01' }, { reason: 'HR typo' });
    expect(await assignmentOf(h, 'nina', 'fire-safety')).toMatchObject({ dueDate: '2026-03-03' });
    expect(await assignmentOf(h, 'otto', 'fire-safety')).toMatchObject({ dueDate: '2026-04-30' });
    const nina = await h.query<HistoryAnswer>('AssignmentHistory', { userId: 'nina' });
    expect(nina.events.at(-1)).toMatchObject({
      type: 'DueDateChanged',
      summary: 'Fire Safety due date 2026-03-11 → 2026-03-03: hire date corrected from 2026-02-09 to 2026-02-01',
    });
    const otto = await h.query<{
      corrections: string[];
      dueDate: { dueDate: string; candidates: { basis: string }[] };
    }>('ExplainAssignment', { userId: 'otto', courseId: 'fire-safety' });
    expect(otto.dueDate).toMatchObject({ dueDate: '2026-04-30', candidates: [{ basis: '30 days from 2026-02-01' }] });
    expect(otto.corrections).toEqual([
      expect.stringMatching(
        /^Fire Safety: hire date corrected from 2026-02-09 to 2026-02-01; the due date an admin set, 2026-04-30, holds \(recorded 2026-02-02 by root\)$/,
      ),
    ]);
  });

  test("R26, R17: ExtendDueDates by 14 days for a rule's holders; holders outside the actor's scope are counted, never named", async () => {
    const h = await portal();
    await h.ok('RegisterUser', {
      userId: 'lee',
      name: 'Lee',
      email: 'lee@acme.test',
      orgUnitId: 'eng',
      hireDate: '2021-01-04',
    });
    await h.ok('GrantPermission', { userId: 'grace', permission: 'assignment.dynamic' });
    await h.ok(
      'CreateAssignmentRule',
      {
        ruleId: 'r-all',
        courseId: 'security',
        target: { kind: 'allUsers' },
        mode: 'dynamic',
        due: { kind: 'relative', days: 28 },
      },
      { actor: 'grace' },
    );
    await h.ok('GrantPermission', {
      userId: 'lee',
      permission: 'assignment.standard',
      constraints: { orgUnitIds: ['eng'] },
    });
    const reply = await h.ok(
      'ExtendDueDates',
      { target: { ruleId: 'r-all' }, by: { days: 14 }, reason: 'the LMS was down for a week' },
      { actor: 'lee' },
    );
    expect(reply.message).toBe('due dates extended by 14 days for 3 of 3 users; 1 outside your scope left as they are');
    expect(reply.results).toEqual([
      expect.objectContaining({ userId: 'ada', outcome: 'changed' }),
      expect.objectContaining({ userId: 'grace', outcome: 'changed' }),
      expect.objectContaining({ userId: 'lee', outcome: 'changed' }),
    ]);
    expect(reply.resultCounts).toEqual({ changed: 3 });
    // Sam holds the rule outside Lee's scope: nothing in the reply names him, as GroupMembers would not.
    expect(JSON.stringify(reply)).not.toContain('sam');
    for (const userId of ['ada', 'grace', 'lee'])
      expect(await assignmentOf(h, userId, 'security')).toMatchObject({ dueDate: '2026-03-16' });
    expect(await assignmentOf(h, 'sam', 'security')).toMatchObject({ dueDate: '2026-03-02' });
    // An admin override (R3): it holds until the next reset, and explain says so.
    const explained = await h.query<{ dueDate: { override: string | null }; corrections: string[] }>(
      'ExplainAssignment',
      { userId: 'ada', courseId: 'security' },
    );
    expect(explained.dueDate.override).toBe('2026-03-16');
    expect(explained.corrections).toEqual([
      'Security Awareness due date extended by 14 days: 2026-03-02 → 2026-03-16: the LMS was down for a week (recorded 2026-02-02 by lee)',
    ]);
    // A rule created outside the actor's user side is not theirs to act on; nor is a user alone outside the scope.
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-root',
      courseId: 'fire-safety',
      target: { kind: 'allUsers' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 10 },
    });
    const theirs = await h.send(
      'ExtendDueDates',
      { target: { ruleId: 'r-root' }, by: { days: 1 }, reason: 'x' },
      { actor: 'lee' },
    );
    expect(theirs).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', rule: 'R17' } });
    const alone = await h.send(
      'ExtendDueDates',
      { target: { userIds: ['sam'] }, courseId: 'security', by: { toDate: '2026-04-01' }, reason: 'x' },
      { actor: 'lee' },
    );
    expect(alone).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { results: [{ userId: 'sam' }] } } });
    // A group whose only member is outside the scope: refused, counting, naming nobody.
    await h.ok('CreateGroup', { groupId: 'outside', name: 'Outside', kind: 'static' });
    await h.ok('AddGroupMember', { groupId: 'outside', userIds: ['sam'] });
    const group = await h.send(
      'ExtendDueDates',
      { target: { groupId: 'outside' }, courseId: 'security', by: { days: 3 }, reason: 'x' },
      { actor: 'lee' },
    );
    expect(group).toMatchObject({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        rule: 'R17',
        message: 'no due date could be extended: the target reaches 1 user, none within your scope',
        details: { outsideScope: 1 },
      },
    });
    expect(JSON.stringify(group)).not.toContain('sam');
    expect(await assignmentOf(h, 'sam', 'security')).toMatchObject({ dueDate: '2026-03-02' });
  });

  test('R26: ExtendDueDates to a date for a group: members without the training or with a later date are unchanged, and say why', async () => {
    const h = await portal();
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada', 'grace'] });
    await h.ok('AssignCourse', { userIds: ['grace'], courseIds: ['first-aid'], dueDate: '2026-06-01' });
    const reply = await h.ok('ExtendDueDates', {
      target: { groupId: 'engineering' },
      courseId: 'first-aid',
      by: { toDate: '2026-04-30' },
      reason: 'policy change',
    });
    expect(reply.results).toEqual([
      expect.objectContaining({ userId: 'ada', outcome: 'changed' }),
      expect.objectContaining({
        userId: 'grace',
        outcome: 'unchanged',
        message: 'First Aid for grace is already due 2026-06-01, on or after 2026-04-30',
      }),
    ]);
    expect(await assignmentOf(h, 'ada', 'first-aid')).toMatchObject({ dueDate: '2026-04-30' });
    const none = await h.ok('ExtendDueDates', {
      target: { groupId: 'engineering' },
      courseId: 'security',
      by: { days: 3 },
      reason: 'x',
    });
    expect(none.resultCounts).toEqual({ skipped: 2 });
    expect(none.events).toEqual([]);
  });
});

describe('R26: the two history questions', () => {
  async function corrected() {
    const h = await portal();
    h.clock.set('2026-03-01T10:00:00.000Z');
    await h.ok('CompleteCourse', { userId: 'ada', courseId: 'first-aid', completedOn: '2026-03-01', score: 80 });
    h.clock.set('2026-03-05T10:00:00.000Z');
    await h.ok('CorrectCompletion', {
      userId: 'ada',
      courseId: 'first-aid',
      completedOn: '2026-02-27',
      score: 85,
      reason: 'the paper register says 27 February',
    });
    return h;
  }
  const firstAid = (answer: HistoryAnswer) => answer.assignments.find((row) => row.courseId === 'first-aid');

  test('R26: history asOf applies the later correction; knownAt shows what was said then', async () => {
    const h = await corrected();
    const asOf = await h.query<HistoryAnswer>('AssignmentHistory', { userId: 'ada', asOf: '2026-02-28' });
    expect(asOf).toMatchObject({
      asOf: '2026-02-28T23:59:59.999Z',
      knownAt: null,
      view: 'what was true on 2026-02-28T23:59:59.999Z, as known now: every correction applied',
    });
    expect(firstAid(asOf)).toMatchObject({ status: 'completed', completedOn: '2026-02-27', score: 85 });
    expect(asOf.events.map((event) => event.summary)).toEqual(
      expect.arrayContaining([
        'First Aid v1 completed on 2026-02-27 with score 85; the completion expires on 2027-02-27 (as corrected later)',
        'completion of First Aid on 2026-03-01 corrected to 2026-02-27, score 80 → 85; it now expires on 2027-02-27: the paper register says 27 February',
      ]),
    );
    const knownAt = await h.query<HistoryAnswer>('AssignmentHistory', {
      userId: 'ada',
      knownAt: '2026-03-02T12:00:00Z',
    });
    expect(knownAt).toMatchObject({ asOf: null, knownAt: '2026-03-02T12:00:00Z' });
    expect(firstAid(knownAt)).toMatchObject({ status: 'completed', completedOn: '2026-03-01', score: 80 });
    expect(knownAt.events.map((event) => event.type)).not.toContain('CompletionCorrected');
    // Both: on 28 February, as the engine knew it on 2 March, the completion (then dated 1 March) had not happened.
    const both = await h.query<HistoryAnswer>('AssignmentHistory', {
      userId: 'ada',
      asOf: '2026-02-28',
      knownAt: '2026-03-02T12:00:00Z',
    });
    expect(firstAid(both)).toMatchObject({ status: 'notStarted', completedOn: null });
  });

  test('R26: explain answers both questions, and a revoked completion is gone as of any date but still in what was said', async () => {
    const h = await corrected();
    type Explained = { status: string; asOf: string | null; knownAt: string | null; corrections: string[] };
    const asOf = await h.query<Explained>('ExplainAssignment', {
      userId: 'ada',
      courseId: 'first-aid',
      asOf: '2026-02-28',
    });
    expect(asOf).toMatchObject({
      status: 'completed',
      corrections: [expect.stringMatching(/corrected to 2026-02-27/)],
    });
    const then = await h.query<Explained>('ExplainAssignment', {
      userId: 'ada',
      courseId: 'first-aid',
      knownAt: '2026-03-02T12:00:00Z',
    });
    expect(then).toMatchObject({ status: 'completed', corrections: [], knownAt: '2026-03-02T12:00:00Z' });
    h.clock.set('2026-03-10T10:00:00.000Z');
    await h.ok('RevokeCompletion', { userId: 'ada', courseId: 'first-aid', reason: 'not attended after all' });
    const revoked = await h.query<HistoryAnswer>('AssignmentHistory', { userId: 'ada', asOf: '2026-03-06' });
    expect(firstAid(revoked)).toMatchObject({ status: 'notStarted', completedOn: null });
    expect(revoked.events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['CompletionCorrected', 'CompletionRevoked']),
    );
    expect(revoked.events.map((event) => event.type)).not.toContain('CourseCompleted');
    const said = await h.query<HistoryAnswer>('AssignmentHistory', { userId: 'ada', knownAt: '2026-03-06T00:00:00Z' });
    expect(firstAid(said)).toMatchObject({ status: 'completed', completedOn: '2026-02-27' });
    const early = await h.engine.query({
      type: 'ExplainAssignment',
      actor: { userId: 'root' },
      params: { userId: 'ada', courseId: 'first-aid', knownAt: '2026-01-01T00:00:00Z' },
    });
    expect(early).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('R26, R20: read models after a rebuild equal live ones with corrections in the log', () => {
  test('R20: live read models equal both rebuilds, and a replayed engine folds the same training', async () => {
    const h = await portal();
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-new',
      courseId: 'fire-safety',
      target: { kind: 'newStarters' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 30 },
    });
    await h.ok('RegisterUser', {
      userId: 'nina',
      name: 'Nina',
      email: 'nina@acme.test',
      orgUnitId: 'eng',
      hireDate: '2026-02-09',
    });
    await h.ok('UpdateUserProfile', { userId: 'nina', hireDate: '2026-02-01' });
    await h.ok('RecordProgress', { userId: 'ada', courseId: 'first-aid', progress: 30 });
    await h.ok('CompleteCourse', { userId: 'ada', courseId: 'first-aid', completedOn: '2026-01-30', score: 70 });
    await h.ok('CorrectCompletion', { userId: 'ada', courseId: 'first-aid', score: 75, reason: 'remarked' });
    await h.ok('RevokeCompletion', { userId: 'ada', courseId: 'first-aid', reason: 'wrong learner' });
    await h.ok('AssignCourse', { userIds: ['sam'], courseIds: ['first-aid'], dueDate: '2026-03-01' });
    await h.ok('CompleteCourse', { userId: 'sam', courseId: 'first-aid', completedOn: '2026-01-15' });
    await h.ok('ExtendDueDates', {
      target: { userIds: ['ada', 'sam'] },
      courseId: 'first-aid',
      by: { days: 7 },
      reason: 'x',
    });

    const events = ReadModelDb.open({ file: ':memory:' });
    await new ProjectionRuntime(h.store, events, { batchSize: 3 }).catchUp();
    expect(compareReadModels(h.readModels, events).difference).toBeNull();
    const copy = await sqliteCopyOf(h.store);
    const streamed = ReadModelDb.open({ file: ':memory:' });
    await rebuildFromEvents(copy, streamed);
    expect(compareReadModels(h.readModels, streamed).difference).toBeNull();
    await copy.close();

    const replayed = buildEngine({
      config: testConfig(),
      store: h.store,
      readModels: ReadModelDb.open({ file: ':memory:' }),
      clock: new ManualClock('2030-01-01T00:00:00Z'),
    });
    for (const userId of ['ada', 'sam', 'nina']) {
      const rebuilt = (await replayed.commands.aggregates.load(streams.training(userId), aggregateKinds.training))
        .state;
      expect(rebuilt).toEqual(await h.training(userId));
    }
    const head = await h.store.headPosition();
    await replayed.reactor.runUntilIdle();
    expect(await h.store.headPosition()).toBe(head);
  });
});
