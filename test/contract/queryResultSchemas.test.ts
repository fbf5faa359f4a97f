import { queryResultSchemas } from '../../domain/queryResults/queryResultSchemas';
import { engineHarness } from '../support/engineHarness';

/** The typed query results the contract documents publish are what the queries answer (issue #16). */
describe('query result schemas of the contract', () => {
  test('each typed query result parses the real answer of its query on a seeded portal', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada', 'grace'] });
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-eng',
      name: 'Engineering fire safety',
      courseId: 'fire-safety',
      target: { kind: 'group', groupId: 'engineering' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 28 },
    });
    await h.engine.reactor.runUntilIdle();
    const params: Record<string, Record<string, unknown>> = {
      AssignmentRules: {},
      AssignmentSummary: { ruleId: 'r-eng' },
      Groups: {},
      GroupMembers: { groupId: 'engineering' },
      Courses: {},
      UserProfile: { userId: 'ada' },
    };
    const typed = Object.entries(queryResultSchemas);
    expect(typed.map(([name]) => name).sort()).toEqual(Object.keys(params).sort());
    for (const [name, schema] of typed) {
      const result = await h.query(name, params[name] ?? {});
      const parsed = schema?.safeParse(result);
      expect([name, parsed?.success, parsed?.error?.issues.slice(0, 3)]).toEqual([name, true, undefined]);
    }
  });
});
