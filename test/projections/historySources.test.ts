import { ADMIN, engineHarness } from '../support/engineHarness';

type History = {
  assignments: { courseId: string; sources: string[]; completedOn: string | null; score: number | null }[];
};

describe("issue #16: AssignmentHistory names each assignment's sources and its last completion's score", () => {
  test("R1, R17: sources as the LMS labels them (a rule outside the actor's scope unnamed), completion date and score", async () => {
    const h = engineHarness({ now: '2026-11-02T09:00:00.000Z' });
    await h.seedPortal();
    await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada'] });
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-eng',
      courseId: 'fire-safety',
      target: { kind: 'group', groupId: 'engineering' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 28 },
    });
    await h.engine.reactor.runUntilIdle();
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety', 'security'] });
    await h.ok('StartCourse', { userId: 'ada', courseId: 'security' }, { actor: 'ada' });
    await h.ok('CompleteCourse', { userId: 'ada', courseId: 'security', score: 92 }, { actor: 'ada' });

    const history = await h.query<History>('AssignmentHistory', { userId: 'ada' }, ADMIN);
    const row = (courseId: string) => history.assignments.find((assignment) => assignment.courseId === courseId);
    expect(row('fire-safety')).toMatchObject({ sources: ['Group: Engineering', 'Individual'], score: null });
    expect(row('security')).toMatchObject({ sources: ['Individual'], completedOn: '2026-11-02', score: 92 });

    // Grace, a manager with reports.view over Engineering, did not create r-eng (the bootstrap admin did).
    await h.ok('GrantPermission', {
      userId: 'grace',
      permission: 'reports.view',
      constraints: { orgUnitIds: ['eng'] },
    });
    const seen = await h.query<History>('AssignmentHistory', { userId: 'ada' }, 'grace');
    expect(seen.assignments.find((assignment) => assignment.courseId === 'fire-safety')?.sources).toEqual([
      'a rule outside your scope',
      'Individual',
    ]);
  });
});
