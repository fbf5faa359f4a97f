import { engineHarness } from './engineHarness';

/** A portal with some history for rebuild tests: rules, exemptions, progress, a removal (the seed's three users). */
export async function portalWithHistory() {
  const h = engineHarness({ now: '2026-11-02T09:00:00.000Z' });
  await h.seedPortal();
  await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada', 'grace'] });
  await h.ok('CreateAssignmentRule', {
    ruleId: 'r-eng',
    courseId: 'fire-safety',
    target: { kind: 'group', groupId: 'engineering' },
    mode: 'dynamic',
    due: { kind: 'relative', days: 28 },
  });
  await h.ok('CreateAssignmentRule', {
    ruleId: 'r-all',
    courseId: 'security',
    target: { kind: 'allUsers' },
    mode: 'dynamic',
    due: { kind: 'relative', days: 14 },
  });
  await h.ok('ExemptUser', { userId: 'sam', courseId: 'security', reason: 'support plan' });
  await h.ok('RecordProgress', { userId: 'ada', courseId: 'fire-safety', progress: 40 });
  await h.ok('RemoveGroupMember', { groupId: 'engineering', userId: 'grace' });
  return h;
}
