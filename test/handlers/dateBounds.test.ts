/**
 * R28: dates and instants a caller gives lie between 1900-01-01 and 2200-12-31; anything else is VALIDATION_FAILED
 * with nothing stored. Dates the engine computes from one (a due date counting from a hire date) always fit the
 * stored schema, so a placeholder such as 9999-12-31 in an HR feed can no longer wedge the reactor.
 */
import { engineHarness } from '../support/engineHarness';

async function portal() {
  const h = engineHarness({ now: '2026-03-02T09:00:00.000Z' });
  await h.seedPortal();
  return h;
}

const newUser = (hireDate: string) => ({
  userId: 'newbie',
  name: 'New Starter',
  email: 'newbie@acme.test',
  orgUnitId: 'eng',
  hireDate,
});

describe('R28: date ranges', () => {
  test.each([
    ['RegisterUser hireDate 9999-12-31', 'RegisterUser', newUser('9999-12-31'), 'data.hireDate'],
    ['RegisterUser hireDate 1899-12-31', 'RegisterUser', newUser('1899-12-31'), 'data.hireDate'],
    [
      'AssignCourse dueDate 2201-01-01',
      'AssignCourse',
      { userIds: ['ada'], courseIds: ['security'], dueDate: '2201-01-01' },
      'data.dueDate',
    ],
    [
      'a fixed rule due date 0001-01-01',
      'CreateAssignmentRule',
      {
        ruleId: 'r-old',
        courseId: 'security',
        target: { kind: 'allUsers' },
        mode: 'dynamic',
        due: { kind: 'fixed', date: '0001-01-01' },
      },
      'data.due.date',
    ],
    [
      'a dynamic group hired on or after 2300-01-01',
      'CreateGroup',
      { groupId: 'g', name: 'G', kind: 'dynamic', criteria: { kind: 'hireDate', onOrAfter: '2300-01-01' } },
      'data.criteria',
    ],
    [
      'CompleteCourse completedOn 1800-06-01',
      'CompleteCourse',
      { userId: 'ada', courseId: 'security', completedOn: '1800-06-01' },
      'data.completedOn',
    ],
  ])('R28: %s is VALIDATION_FAILED and stores nothing', async (_name, type, data, path) => {
    const h = await portal();
    const head = await h.store.headPosition();
    const reply = await h.send(type, data);
    expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    if (reply.ok) return;
    expect(JSON.stringify(reply.error.details)).toContain(path);
    expect(reply.error.message).toMatch(/from 1900-01-01 to 2200-12-31/);
    expect(await h.store.headPosition()).toBe(head);
  });

  test('R28: asOf outside the range is VALIDATION_FAILED', async () => {
    const h = await portal();
    const reply = await h.engine.query({
      type: 'AssignmentHistory',
      actor: { userId: 'root' },
      params: { userId: 'ada', asOf: '2201-01-01T00:00:00Z' },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  test('R18, R28: the last hire date accepted with the longest relative window gives a due date the engine stores', async () => {
    const h = await portal();
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-new',
      courseId: 'security',
      target: { kind: 'newStarters' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 3650 },
    });
    const reply = await h.ok('RegisterUser', newUser('2200-12-31'));
    expect(reply.warnings).toEqual([]);
    // 3650 days from the hire date (R18): past the input range, within the stored schema.
    expect((await h.training('newbie')).assignments.get('security')?.dueDate).toBe('2210-12-29');
    // The reactor went on: a later rule still reaches everyone.
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-all',
      courseId: 'fire-safety',
      target: { kind: 'allUsers' },
      mode: 'dynamic',
    });
    expect((await h.training('newbie')).assignments.get('fire-safety')?.active).toBe(true);
  });
});
