import type { DemoScript } from './demoScript';
import { ADMIN } from './demoScript';
import { showAssignments, showSummary, showTeam } from './demoViews';

/** Chapter 2 (seed: individual training assignment), November 2026: individual and group sources of one assignment. */
export async function groupAssignmentChapter(script: DemoScript): Promise<void> {
  script.clock.set('2026-11-02T09:00:00.000Z');
  script.chapter('2. Individual and group assignment (seed: individual training assignment), November 2026');
  await createChapterCourses(script);
  await script.quietly('CreateGroup', { groupId: 'engineering-team', name: 'Engineering', kind: 'static' });
  await script.quietly('AddGroupMember', { groupId: 'engineering-team', userIds: ['ada', 'grace'] });
  await script.step(
    'Assign Security Awareness to Ada individually, due 30 November',
    'AssignCourse',
    { userIds: ['ada'], courseIds: ['security'], dueDate: '2026-11-30' },
    ADMIN,
    'new role: handles customer data',
  );
  await showAssignments(script, 'ada');
  const fireRule = {
    ruleId: 'r-fire',
    name: 'Fire Safety for Engineering',
    courseId: 'fire-safety',
    target: { kind: 'group', groupId: 'engineering-team' },
    mode: 'dynamic',
    due: { kind: 'relative', days: 28 },
  };
  await script.preview(
    'Preview the group assignment before creating it: who would get it?',
    'CreateAssignmentRule',
    fireRule,
  );
  await script.step(
    'Group assignment: Fire Safety for Group: Engineering (Ada, Grace), 28-day window',
    'CreateAssignmentRule',
    fireRule,
  );
  await showSummary(script, 'r-fire');
  await script.step(
    'Assign Fire Safety to Ada individually as well: still one assignment, now with a second source',
    'AssignCourse',
    { userIds: ['ada'], courseIds: ['fire-safety'], dueDate: '2026-11-20' },
  );
  await showAssignments(script, 'ada');
  await script.step('Try to remove Fire Safety from Grace: it comes from the group, so it stays', 'UnassignCourse', {
    userId: 'grace',
    courseId: 'fire-safety',
  });
  await script.step(
    "Remove Ada's individual Fire Safety: the group source keeps it assigned, and the due date goes back to the group's",
    'UnassignCourse',
    { userId: 'ada', courseId: 'fire-safety' },
  );
  await showAssignments(script, 'ada');
  await showTeam(script, 'grace');
}

/** The courses of chapters 2 to 4: Security Awareness, Fire Safety and the Code of Conduct learning path. */
async function createChapterCourses(script: DemoScript): Promise<void> {
  await script.quietly('CreateCourse', {
    courseId: 'security',
    title: 'Security Awareness',
    kind: 'course',
    provider: 'SecureCo',
    trainingType: 'Compliance',
    validityDays: 365,
  });
  await script.quietly('CreateCourse', {
    courseId: 'fire-safety',
    title: 'Fire Safety',
    kind: 'course',
    provider: 'Acme Learning',
    trainingType: 'Safety',
  });
  await script.quietly('CreateCourse', {
    courseId: 'code-of-conduct',
    title: 'Code of Conduct',
    kind: 'learningPath',
    provider: 'Acme Learning',
    trainingType: 'Compliance',
  });
}
