import type { DemoScript } from './demoScript';

/** Chapter 4 (R17): a constrained permission lets Lee assign within Sales and refuses outside it. */
export async function permissionsChapter(script: DemoScript): Promise<void> {
  script.chapter('4. Permissions: a grant constrained to one org unit');
  await script.step('Lee is granted Assignment Tool - Standard, constrained to the Sales org unit', 'GrantPermission', {
    userId: 'lee',
    permission: 'assignment.standard',
    constraints: { orgUnitIds: ['sales'] },
  });
  await script.step(
    'Lee assigns Security Awareness to Sam (Sales)',
    'AssignCourse',
    { userIds: ['sam'], courseIds: ['security'] },
    'lee',
  );
  await script.step(
    'Lee tries to assign Security Awareness to Ada (Engineering)',
    'AssignCourse',
    { userIds: ['ada'], courseIds: ['security'] },
    'lee',
  );
}
