import type { PairOutcome } from '../../handlers/ports/reply';
import { engineHarness } from '../support/engineHarness';

/**
 * R17 on bulk AssignCourse: a pair outside the actor's scope answers FORBIDDEN and nothing else. Whether the user
 * exists, is deactivated or may see the course is a fact about people outside the scope, judged only after permission.
 */
describe('R17: per-pair outcomes of a scoped bulk assignment', () => {
  test('R17: pairs outside the scope are FORBIDDEN whatever the user is (unknown, deactivated, outside the audience); pairs inside say why not', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('RegisterUser', {
      userId: 'gone',
      name: 'Gone Away',
      email: 'gone@acme.test',
      orgUnitId: 'sales',
      hireDate: '2020-01-01',
    });
    await h.ok('DeactivateUser', { userId: 'gone' });
    await h.ok('CreateCourse', {
      courseId: 'secret-hr',
      title: 'Secret HR course',
      kind: 'course',
      provider: 'Acme Learning',
      trainingType: 'Compliance',
      visibility: { kind: 'audience', criteria: { kind: 'attribute', attribute: 'department', in: ['HR'] } },
    });
    await h.ok('GrantPermission', {
      userId: 'grace',
      permission: 'assignment.standard',
      constraints: { orgUnitIds: ['eng'] },
    });
    const reply = await h.ok(
      'AssignCourse',
      { userIds: ['ada', 'sam', 'gone', 'nobody'], courseIds: ['secret-hr', 'security'] },
      { actor: 'grace' },
    );
    const byPair = new Map((reply.results ?? []).map((pair: PairOutcome) => [`${pair.userId}/${pair.courseId}`, pair]));
    for (const userId of ['sam', 'gone', 'nobody'])
      for (const courseId of ['secret-hr', 'security']) {
        const pair = byPair.get(`${userId}/${courseId}`);
        expect(pair).toMatchObject({ outcome: 'failed', code: 'FORBIDDEN' });
        expect(pair?.message).not.toMatch(/registered|deactivated|visible|Secret HR/);
      }
    expect(byPair.get('ada/secret-hr')).toMatchObject({ outcome: 'failed', reason: 'NOT_VISIBLE' });
    expect(byPair.get('ada/security')).toMatchObject({ outcome: 'assigned' });
  });
});
