import { setUpAcmePortal } from './acmePortal';
import type { DemoScript } from './demoScript';
import { showAssignments } from './demoViews';

/** Chapter 1 (seed: dynamic reassignment), 2016–2017: rules on a dynamic group, moves out and back, new versions. */
export async function dynamicReassignmentChapter(script: DemoScript): Promise<void> {
  script.chapter('1. Dynamic reassignment and versions (seed: dynamic reassignment), January 2016');
  await setUpAcmePortal(script);
  console.log(
    'Portal: Europe/London; dynamic reassignment and upgrade-to-latest enabled. Dynamic group "Finance" = department is Finance.',
  );
  await assignToFinance(script);
  await leaveWhileVersionsArePublished(script);
  await returnToFinance(script);
}

/** January 2016: two dynamic rules on the Finance group; Quinn registers for one course, Pat does not. */
async function assignToFinance(script: DemoScript): Promise<void> {
  await script.step(
    'A dynamic rule assigns Compliance Training (v1) to the Finance group, due in 30 days',
    'CreateAssignmentRule',
    {
      ruleId: 'r-compliance',
      name: 'Compliance Training for Finance',
      courseId: 'compliance',
      target: { kind: 'group', groupId: 'finance-team' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 30 },
    },
  );
  await script.step(
    'A dynamic rule assigns Manual Handling (Course Publisher, v1) to the Finance group',
    'CreateAssignmentRule',
    {
      ruleId: 'r-manual',
      name: 'Manual Handling for Finance',
      courseId: 'manual-handling',
      target: { kind: 'group', groupId: 'finance-team' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 60 },
    },
  );
  await script.step(
    'Quinn registers for Manual Handling (post-registered); Pat does not (pre-registered)',
    'StartCourse',
    { userId: 'quinn', courseId: 'manual-handling' },
    'quinn',
  );
  await showAssignments(script, 'pat');
  await showAssignments(script, 'quinn');
}

/** March–October 2016: Pat and Quinn leave Finance, then both courses publish new versions. */
async function leaveWhileVersionsArePublished(script: DemoScript): Promise<void> {
  script.clock.set('2016-03-14T09:00:00.000Z');
  await script.step('March 2016: Pat moves to Marketing, so stops matching the Finance group', 'UpdateUserProfile', {
    userId: 'pat',
    department: 'Marketing',
    orgUnitId: 'marketing',
  });
  await script.step('Quinn moves to Marketing too', 'UpdateUserProfile', {
    userId: 'quinn',
    department: 'Marketing',
    orgUnitId: 'marketing',
  });
  await showAssignments(script, 'pat');
  script.clock.set('2016-06-01T09:00:00.000Z');
  await script.step('June 2016: Compliance Training v2 is published', 'UpgradeVersion', {
    courseId: 'compliance',
    notes: 'new anti-bribery module',
  });
  await script.step('Manual Handling v2 is published through the Course Publisher', 'UpgradeVersion', {
    courseId: 'manual-handling',
  });
  script.clock.set('2016-10-03T09:00:00.000Z');
  await script.step('October 2016: Compliance Training v3 is published', 'UpgradeVersion', {
    courseId: 'compliance',
    notes: 'GDPR update',
  });
}

/** January 2017: back in Finance, reassigned with the version rules for pre- and post-registered learners. */
async function returnToFinance(script: DemoScript): Promise<void> {
  script.clock.set('2017-01-16T09:00:00.000Z');
  await script.step('January 2017: Pat moves back to Finance and is reassigned dynamically', 'UpdateUserProfile', {
    userId: 'pat',
    department: 'Finance',
    orgUnitId: 'finance',
  });
  await script.step('Quinn moves back to Finance too', 'UpdateUserProfile', {
    userId: 'quinn',
    department: 'Finance',
    orgUnitId: 'finance',
  });
  console.log(
    'Pat now has Compliance Training v3 (the rule upgrades to the latest version on reassignment); Manual Handling stays v1 until Pat registers (pre-registered, Course Publisher).',
  );
  await showAssignments(script, 'pat');
  console.log(
    'Quinn was In Progress when removed: Manual Handling comes back In Progress and is not upgraded (a post-registered learner keeps their version).',
  );
  await showAssignments(script, 'quinn');
  await script.step(
    'Pat registers for Manual Handling and moves to the latest version, v2, on registration',
    'StartCourse',
    { userId: 'pat', courseId: 'manual-handling' },
    'pat',
  );
  await showAssignments(script, 'pat');
}
