import type { CommandFailure, CommandReply, QueryReply } from '../../handlers/ports/reply';
import { ADMIN, engineHarness } from '../support/engineHarness';

/** Issue #16: a refusal names the spec rule it enforces in `error.rule` (and per pair); its message is plain words. */

const SPEC_ID = /\bR\d+\b/;

function refusal(reply: CommandReply): CommandFailure['error'] {
  if (reply.ok) throw new Error(`expected a refusal, got: ${reply.message}`);
  return reply.error;
}

function queryRefusal(reply: QueryReply) {
  if (reply.ok) throw new Error('expected a refused query');
  return reply.error;
}

const fireForEngineering = {
  ruleId: 'r-fire',
  courseId: 'fire-safety',
  target: { kind: 'group', groupId: 'engineering' },
  mode: 'dynamic',
  due: { kind: 'relative', days: 28 },
};

describe('refusals carry the rule they enforce in `rule`, never in the message (issue #16)', () => {
  test('R1: a second individual assignment of a held course is no refusal: one assignment, the reply names its sources, no error and no rule', async () => {
    // Given Ada holds Security Awareness individually
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['security'] });

    // When she is assigned it individually again
    const reply = await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['security'] });

    // Then the reply succeeds unchanged, naming the source that already held it, and no second assignment exists
    expect(reply.results).toEqual([
      expect.objectContaining({ userId: 'ada', courseId: 'security', outcome: 'unchanged', heldVia: ['Individual'] }),
    ]);
    expect(reply.results?.[0]).not.toHaveProperty('rule');
    expect(reply.message).not.toMatch(SPEC_ID);
    expect(await h.eventTypes('training-ada')).toEqual(['TrainingAssigned']);
  });

  test('R4: removing an assignment that a group rule gives is refused with rule R4, and the message says why in words', async () => {
    // Given Grace holds Fire Safety only through the Engineering group's rule
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['grace'] });
    await h.ok('CreateAssignmentRule', fireForEngineering);

    // When an admin removes it from her
    const error = refusal(await h.send('UnassignCourse', { userId: 'grace', courseId: 'fire-safety' }));

    // Then it is refused as a rule violation naming R4 in `rule` only
    expect(error).toMatchObject({ code: 'RULE_VIOLATION', rule: 'R4' });
    expect(error.message).toMatch(/it is assigned via Group: Engineering/);
    expect(error.message).not.toMatch(SPEC_ID);
  });

  test('R6: exempting a user from an individual assignment is refused with rule R6', async () => {
    // Given Ada holds Security Awareness individually only
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['security'] });

    // When an admin exempts her from it
    const error = refusal(
      await h.send('ExemptUser', { userId: 'ada', courseId: 'security', reason: 'already certified elsewhere' }),
    );

    // Then the refusal names R6 and tells the admin to remove it instead
    expect(error).toMatchObject({ code: 'RULE_VIOLATION', rule: 'R6' });
    expect(error.message).toMatch(/remove it with UnassignCourse/);
    expect(error.message).not.toMatch(SPEC_ID);
  });

  test('R15: assigning an inactive course is refused with rule R15, on the reply and on the pair', async () => {
    // Given Security Awareness is deactivated
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('DeactivateCourse', { courseId: 'security' });

    // When it is assigned to Ada
    const error = refusal(await h.send('AssignCourse', { userIds: ['ada'], courseIds: ['security'] }));

    // Then the command and its one pair carry R15; the message is plain words
    expect(error).toMatchObject({ code: 'RULE_VIOLATION', rule: 'R15' });
    expect(error.details.results).toEqual([
      expect.objectContaining({ outcome: 'failed', reason: 'COURSE_INACTIVE', rule: 'R15' }),
    ]);
    expect(error.message).not.toMatch(SPEC_ID);
  });

  test('R17: a permission refusal carries rule R17, for a command, a bulk pair and a query', async () => {
    // Given Lee may assign training only within Sales
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('RegisterUser', {
      userId: 'lee',
      name: 'Lee Lead',
      email: 'lee@acme.test',
      orgUnitId: 'sales',
      hireDate: '2022-01-03',
    });
    await h.ok('GrantPermission', {
      userId: 'lee',
      permission: 'assignment.standard',
      constraints: { orgUnitIds: ['sales'] },
    });

    // When Lee assigns to Sam (Sales) and Ada (Engineering) at once, removes Ada's training, and views Ada's assignments
    const bulk = await h.ok('AssignCourse', { userIds: ['sam', 'ada'], courseIds: ['security'] }, { actor: 'lee' });
    const unassign = refusal(await h.send('UnassignCourse', { userId: 'ada', courseId: 'security' }, { actor: 'lee' }));
    const view = queryRefusal(
      await h.engine.query({ type: 'UserAssignments', actor: { userId: 'lee' }, params: { userId: 'ada' } }),
    );

    // Then the pair out of scope, the command and the query are each FORBIDDEN with R17, in plain words
    expect(bulk.results).toEqual([
      expect.objectContaining({ userId: 'sam', outcome: 'assigned' }),
      expect.objectContaining({ userId: 'ada', outcome: 'failed', code: 'FORBIDDEN', rule: 'R17' }),
    ]);
    expect(bulk.results?.[0]).not.toHaveProperty('rule');
    expect(unassign).toMatchObject({ code: 'FORBIDDEN', rule: 'R17' });
    expect(view).toMatchObject({ code: 'FORBIDDEN', rule: 'R17' });
    for (const message of [...bulk.warnings, unassign.message, view.message]) expect(message).not.toMatch(SPEC_ID);
  });

  test('R17: a refused pair that leaves no pair assigned refuses the command with the pair rule', async () => {
    // Given Sam holds no assignment permission
    const h = engineHarness();
    await h.seedPortal();

    // When Sam assigns a course to Ada
    const error = refusal(
      await h.send('AssignCourse', { userIds: ['ada'], courseIds: ['security'] }, { actor: 'sam' }),
    );

    // Then the whole command is FORBIDDEN with R17
    expect(error).toMatchObject({ code: 'FORBIDDEN', rule: 'R17' });
    expect(error.message).not.toMatch(SPEC_ID);
  });

  test('no rule: an unknown id is NOT_FOUND without a `rule` field', async () => {
    // Given a portal without user "nobody"
    const h = engineHarness();
    await h.seedPortal();

    // When an admin removes a course from "nobody", and asks for their assignments
    const command = refusal(await h.send('UnassignCourse', { userId: 'nobody', courseId: 'security' }));
    const query = queryRefusal(
      await h.engine.query({ type: 'UserAssignments', actor: { userId: ADMIN }, params: { userId: 'nobody' } }),
    );

    // Then both say NOT_FOUND in words and name no rule
    for (const error of [command, query]) {
      expect(error.code).toBe('NOT_FOUND');
      expect(error).not.toHaveProperty('rule');
      expect(error.message).not.toMatch(SPEC_ID);
    }
  });
});
