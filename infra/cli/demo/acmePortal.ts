import type { DemoScript } from './demoScript';

/**
 * The portal every chapter plays on, set up quietly at the start of chapter 1: Europe/London with dynamic
 * reassignment and upgrade-to-latest, Acme's org units, six people, two courses and the dynamic Finance group.
 */
export async function setUpAcmePortal(script: DemoScript): Promise<void> {
  await script.quietly('SetAssignmentPreferences', {
    timeZone: 'Europe/London',
    dynamicReassignment: true,
    upgradeToLatestVersion: true,
  });
  for (const [orgUnitId, name, parentId] of [
    ['acme', 'Acme', null],
    ['finance', 'Finance', 'acme'],
    ['marketing', 'Marketing', 'acme'],
    ['engineering', 'Engineering', 'acme'],
    ['sales', 'Sales', 'acme'],
  ] as const) {
    await script.quietly('DefineOrgUnit', { orgUnitId, name, parentId });
  }
  await registerPeople(script);
  await script.quietly('CreateCourse', {
    courseId: 'compliance',
    title: 'Compliance Training',
    kind: 'course',
    provider: 'Acme Learning',
    trainingType: 'Compliance',
  });
  await script.quietly('CreateCourse', {
    courseId: 'manual-handling',
    title: 'Manual Handling',
    kind: 'course',
    provider: 'Course Publisher',
    trainingType: 'Safety',
    versioning: 'coursePublisher',
  });
  await script.quietly('CreateGroup', {
    groupId: 'finance-team',
    name: 'Finance',
    kind: 'dynamic',
    criteria: { kind: 'attribute', attribute: 'department', in: ['Finance'] },
  });
}

async function registerPeople(script: DemoScript): Promise<void> {
  await script.quietly(
    'RegisterUser',
    person('grace', 'Grace Hopper', 'engineering', 'Engineering', 'Engineering Manager', null, '2012-04-02'),
  );
  await script.quietly(
    'RegisterUser',
    person('ada', 'Ada Lovelace', 'engineering', 'Engineering', 'Engineer', 'grace', '2015-09-01'),
  );
  await script.quietly(
    'RegisterUser',
    person('pat', 'Pat Jones', 'finance', 'Finance', 'Accountant', null, '2014-03-03'),
  );
  await script.quietly(
    'RegisterUser',
    person('quinn', 'Quinn Lee', 'finance', 'Finance', 'Analyst', null, '2015-01-05'),
  );
  await script.quietly(
    'RegisterUser',
    person('sam', 'Sam Patel', 'sales', 'Sales', 'Account Manager', null, '2013-06-10'),
  );
  await script.quietly('RegisterUser', person('lee', 'Lee Chen', 'sales', 'Sales', 'Sales Admin', null, '2011-02-14'));
}

function person(
  userId: string,
  name: string,
  orgUnitId: string,
  department: string,
  role: string,
  managerId: string | null,
  hireDate: string,
) {
  return {
    userId,
    name,
    email: `${userId}@acme.example`,
    orgUnitId,
    department,
    role,
    location: 'London',
    managerId,
    hireDate,
  };
}
