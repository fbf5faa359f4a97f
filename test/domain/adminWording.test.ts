import type { Grant } from '../../domain/access/accessDecider';
import type { Actor, OrgChart, TrainingFacts } from '../../domain/policies/permissionPolicy';
import { authorize } from '../../domain/policies/permissionPolicy';
import type { TrainingStatus } from '../../domain/policies/versionPolicy';
import {
  versionForNewAssignment,
  versionOnReassignment,
  versionOnRegistration,
} from '../../domain/policies/versionPolicy';
import type { TrainingEvent } from '../../domain/userTraining/trainingState';
import { assigned, course, given, individualSource, rule, ruleSource, USER } from '../support/trainingSpec';

/**
 * Issue #16 item 5: replies say in plain sentences what happened to whose training. Spec rule ids ("(R1)") are for
 * explain, the auditor's view, never for the admin reading a reply.
 */

const SPEC_ID = /\(R\d+/;
const groupSource = ruleSource({ anchorDate: '2026-01-05' });

describe('issue #16 item 5: replies in plain sentences', () => {
  test('R1: a further source is reported as such, without a spec id', () => {
    const decision = given([assigned(individualSource(), null)])
      .when({ type: 'ApplyRule', rule: rule() })
      .run();
    expect(decision.outcome).toBe('sourceAdded');
    expect(decision.message).toBe(
      `${USER} already holds Fire Safety via Individual: Group: Engineering is added as a further source of the same assignment, due 2026-03-30`,
    );
    expect(decision.message).not.toMatch(SPEC_ID);
  });

  test('R11: training an admin removed is not brought back, and the reply says why without a spec id', () => {
    const history: TrainingEvent[] = [
      assigned(groupSource, '2026-02-02'),
      {
        type: 'AssignmentSourceRemoved',
        data: {
          userId: USER,
          courseId: 'fire-safety',
          sourceKey: 'r-eng',
          cause: 'dynamic',
          remainingSources: 0,
          dueDate: null,
          dueDatePolicy: 'earliest',
        },
      },
      {
        type: 'TrainingUnassigned',
        data: { userId: USER, courseId: 'fire-safety', cause: 'admin', status: 'notStarted' },
      },
    ];
    const decision = given(history).when({ type: 'ApplyRule', rule: rule() }).run();
    expect(decision.outcome).toBe('skipped');
    expect(decision.message).toMatch(/an admin removed it/);
    expect(decision.message).not.toMatch(SPEC_ID);
  });

  test('R14: a reassignment reply says the status it comes back in and why the version, without a spec id', () => {
    const history: TrainingEvent[] = [
      assigned(groupSource, '2026-02-02'),
      {
        type: 'AssignmentSourceRemoved',
        data: {
          userId: USER,
          courseId: 'fire-safety',
          sourceKey: 'r-eng',
          cause: 'dynamic',
          remainingSources: 0,
          dueDate: null,
          dueDatePolicy: 'earliest',
        },
      },
      {
        type: 'TrainingUnassigned',
        data: { userId: USER, courseId: 'fire-safety', cause: 'dynamic', status: 'notStarted' },
      },
    ];
    const decision = given(history)
      .when({ type: 'ApplyRule', rule: rule() }, { courses: [course({ version: 3 })] })
      .run();
    expect(decision.message).toBe(
      `Fire Safety assigned again to ${USER} via Group: Engineering, back not started on v3 (the rule upgrades reassigned users to the latest version: v1 → v3), due 2026-03-30`,
    );
  });

  test('R13, R14: no version reason carries a spec id', () => {
    const reasons = [
      versionForNewAssignment(2).reason,
      versionOnRegistration('notStarted', 1, 2).reason,
      versionOnRegistration('expired', 1, 2).reason,
    ];
    for (const versioning of ['standard', 'coursePublisher'] as const)
      for (const statusAtRemoval of ['notStarted', 'inProgress', 'completed', 'expired'] as TrainingStatus[])
        for (const upgradeToLatestVersion of [true, false])
          reasons.push(
            versionOnReassignment({ versioning, upgradeToLatestVersion, statusAtRemoval, current: 1, latest: 3 })
              .reason,
          );
    for (const reason of reasons) expect(reason).not.toMatch(SPEC_ID);
  });

  test('R5: a completion with validity says the day it expires ("expires on"), not "valid until" that day', () => {
    const decision = given([assigned(individualSource(), null)])
      .when(
        { type: 'CompleteCourse', courseId: 'fire-safety', completedOn: '2026-03-01' },
        { courses: [course({ validityDays: 365 })] },
      )
      .run();
    const completed = decision.events.find((event) => event.type === 'CourseCompleted');
    expect(completed?.type === 'CourseCompleted' && completed.data.expiresOn).toBe('2027-03-01');
    expect(decision.message).toMatch(/; the completion expires on 2027-03-01$/);
    expect(decision.message).not.toMatch(/valid until/);
  });

  test('R3, R9: an override reply says what the next reset is', () => {
    const decision = given([assigned(groupSource, '2026-02-02')])
      .when({ type: 'ChangeDueDate', courseId: 'fire-safety', dueDate: '2026-08-01' })
      .run();
    expect(decision.message).toMatch(
      /is now due 2026-08-01: this date holds until the next reset, when a new due date/,
    );
    expect(decision.message).toMatch(/reinstated after an exemption/);
    expect(decision.message).toMatch(/the completion expiring or its retake being assigned/);
    expect(decision.message).toMatch(/removed and assigned again/);
  });
});

// Org tree: root > eng; root > sales. Reporting: none needed.
const orgChart: OrgChart = {
  orgUnitPath: (id) => (id === 'root' ? ['root'] : [id, 'root']),
  userOrgUnit: (userId) => ({ lee: 'eng', ada: 'eng', grace: 'sales' })[userId],
  managementChain: () => [],
};
const fire: TrainingFacts = { courseId: 'fire', provider: 'Acme', trainingType: 'Compliance', location: null };
const actor = (userId: string, ...grants: Omit<Grant, 'grantId'>[]): Actor => ({
  userId,
  isBootstrapAdmin: false,
  grants: grants.map((grant, i) => ({ grantId: `g${i}`, ...grant })),
});

describe('issue #16 item 5: a permission refusal names what was tried, the permission it needs and what is held', () => {
  test('R17: an actor holding assignment.dynamic in one org unit is told so, not only that assignment.standard is needed', () => {
    const decision = authorize(
      actor('lee', { permission: 'assignment.dynamic', constraints: { orgUnitIds: ['eng'] } }),
      { permission: 'assignment.standard', action: 'assign training', userId: 'grace', course: fire },
      orgChart,
    );
    expect(decision).toMatchObject({ allowed: false, permission: 'assignment.standard' });
    expect(!decision.allowed && decision.message).toBe(
      'user lee may not assign training here: that needs assignment.standard, and lee holds assignment.dynamic (which includes assignment.standard) only within constraints: user grace is outside org units [eng] with their descendants',
    );
  });

  test('R17: an actor without the permission reads what they tried in words and which permissions they do hold', () => {
    const decision = authorize(
      actor(
        'lee',
        { permission: 'reports.view', constraints: {} },
        { permission: 'exemptions.manage', constraints: {} },
      ),
      { permission: 'assignment.dynamic', action: 'create a dynamic assignment rule', course: fire },
      orgChart,
    );
    expect(!decision.allowed && decision.message).toBe(
      'user lee may not create a dynamic assignment rule: that needs the permission assignment.dynamic, and lee holds exemptions.manage, reports.view',
    );
  });
});
