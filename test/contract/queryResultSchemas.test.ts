import type { QueryName } from '../../domain/queries';
import { queryNames } from '../../domain/queries';
import { queryResultSchemas } from '../../domain/queryResults/queryResultSchemas';
import type { Harness } from '../support/engineHarness';
import { engineHarness } from '../support/engineHarness';

/** A portal where every result has something in it: a rule, an exemption, completions, a removal, two versions. */
async function seededPortal(): Promise<{ h: Harness; commandId: string }> {
  const h = engineHarness();
  await h.seedPortal();
  await h.ok('CreateCourse', {
    courseId: 'first-aid',
    title: 'First Aid',
    kind: 'course',
    provider: 'Acme Learning',
    trainingType: 'Safety',
    validityDays: 365,
  });
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
  const { commandId } = await h.ok('AssignCourse', {
    userIds: ['ada', 'grace', 'sam'],
    courseIds: ['fire-safety', 'security', 'first-aid'],
    dueDate: '2026-02-01',
  });
  await h.ok('ExemptUser', {
    userId: 'grace',
    courseId: 'fire-safety',
    ruleId: 'r-eng',
    reason: 'Certified elsewhere',
  });
  await h.ok('StartCourse', { userId: 'ada', courseId: 'security' });
  await h.ok('RecordProgress', { userId: 'ada', courseId: 'security', progress: 40 });
  await h.ok('CompleteCourse', { userId: 'ada', courseId: 'first-aid', completedOn: '2026-01-04', score: 90 });
  await h.ok('UnassignCourse', { userId: 'sam', courseId: 'security' });
  await h.ok('UpgradeVersion', { courseId: 'fire-safety' });
  await h.engine.reactor.runUntilIdle();
  return { h, commandId };
}

/** The typed query results the contract documents publish are what the queries answer (issue #16). */
describe('query result schemas of the contract', () => {
  test('every query has a result schema', () => {
    expect(Object.keys(queryResultSchemas).sort()).toEqual([...queryNames].sort());
  });

  test("each query's result schema parses the real answers of the query on a seeded portal", async () => {
    const { h, commandId } = await seededPortal();
    // Each query asked one or more ways, so the nullable fields are seen both null and set.
    const asked: Record<QueryName, { params: Record<string, unknown>; actor?: string }[]> = {
      UserDashboard: [{ params: { userId: 'ada' } }],
      UserAssignments: [{ params: { userId: 'ada' } }, { params: { userId: 'grace' } }],
      UserExemptions: [{ params: { userId: 'grace' } }],
      MiReport: [{ params: {} }],
      MiSummary: [{ params: {} }, { params: { groupBy: 'department' } }, { params: { groupBy: 'orgUnit' } }],
      MyTeam: [{ params: {}, actor: 'grace' }, { params: { managerId: 'grace', scope: 'all' } }],
      SearchUsers: [{ params: { text: 'a' } }],
      AssignmentHistory: [{ params: { userId: 'ada' } }, { params: { userId: 'sam', asOf: '2026-01-05T10:00:00Z' } }],
      ExplainAssignment: [
        { params: { userId: 'grace', courseId: 'fire-safety' } },
        { params: { userId: 'sam', courseId: 'security' } },
      ],
      VersionStatus: [{ params: { courseId: 'fire-safety' } }],
      AssignmentRules: [{ params: {} }],
      AssignmentSummary: [{ params: { ruleId: 'r-eng' } }],
      Groups: [{ params: {} }],
      GroupMembers: [{ params: { groupId: 'engineering' } }],
      Courses: [{ params: {} }],
      UserProfile: [{ params: { userId: 'ada' } }],
      CommandOutcome: [{ params: { commandId } }],
    };
    for (const name of queryNames) {
      for (const { params, actor } of asked[name]) {
        const result = await h.query(name, params, actor);
        const parsed = queryResultSchemas[name].safeParse(result);
        expect([name, params, parsed.error?.issues.slice(0, 3)]).toEqual([name, params, undefined]);
      }
    }
  });
});
