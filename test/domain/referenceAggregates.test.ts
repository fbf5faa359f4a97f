import { accessDecider } from '../../domain/access/accessDecider';
import { CreateAssignmentRuleSchema } from '../../domain/assignmentRule/assignmentRuleCommands';
import type { AssignmentRuleContext } from '../../domain/assignmentRule/assignmentRuleDecider';
import { assignmentRuleDecider } from '../../domain/assignmentRule/assignmentRuleDecider';
import { CreateCourseSchema } from '../../domain/course/courseCommands';
import { courseDecider } from '../../domain/course/courseDecider';
import { groupDecider } from '../../domain/group/groupDecider';
import { orgUnitDecider } from '../../domain/orgUnit/orgUnitDecider';
import { defaultPreferences, portalDecider } from '../../domain/portal/portalDecider';
import { RegisterUserSchema } from '../../domain/user/userCommands';
import { userDecider } from '../../domain/user/userDecider';
import { deciderSpec } from '../support/deciderSpec';

const rules = deciderSpec(assignmentRuleDecider);
const portal = deciderSpec(portalDecider);
const orgUnits = deciderSpec(orgUnitDecider);
const users = deciderSpec(userDecider);
const courses = deciderSpec(courseDecider);
const groups = deciderSpec(groupDecider);
const access = deciderSpec(accessDecider);

const ruleContext = (overrides: Partial<AssignmentRuleContext> = {}): AssignmentRuleContext => ({
  now: '2026-01-05T09:00:00.000Z',
  actorId: 'admin',
  preferences: defaultPreferences,
  courseActive: () => true,
  groupName: () => 'Engineering',
  audienceScope: null,
  ...overrides,
});
const createRule = (data: Record<string, unknown>) => ({
  type: 'CreateAssignmentRule' as const,
  data: CreateAssignmentRuleSchema.parse({
    ruleId: 'r1',
    courseId: 'fire',
    target: { kind: 'group', groupId: 'eng' },
    mode: 'dynamic',
    ...data,
  }),
});

describe('portal preferences and assignment rules (R12, R15, R18, R19)', () => {
  test('R12: a new dynamic rule takes both flags from the portal preferences when enabled there', () => {
    const preferences = { ...defaultPreferences, dynamicReassignment: true, upgradeToLatestVersion: true };
    const decision = rules()
      .when(createRule({}), ruleContext({ preferences }))
      .then(([event]) =>
        expect(event?.data).toMatchObject({
          dynamicReassignment: true,
          upgradeToLatestVersion: true,
          name: 'Group: Engineering: fire',
          createdBy: 'admin',
        }),
      );
    expect(decision.message).toBe(
      'assignment rule r1 created: it applies to its audience now and keeps applying as users come to match it',
    );
  });

  test('R12: a rule may switch a flag off, and cannot switch on what the portal disables', () => {
    const preferences = { ...defaultPreferences, dynamicReassignment: true, upgradeToLatestVersion: false };
    rules()
      .when(createRule({ dynamicReassignment: false }), ruleContext({ preferences }))
      .then(([event]) =>
        expect(event?.data).toMatchObject({ dynamicReassignment: false, upgradeToLatestVersion: false }),
      );
    rules()
      .when(createRule({ upgradeToLatestVersion: true }), ruleContext({ preferences }))
      .thenRefused('RULE_VIOLATION', /upgradeToLatestVersion is disabled in the portal's assignment preferences/);
  });

  test('R10: a standard rule carries neither dynamic flag', () => {
    rules()
      .when(createRule({ mode: 'standard' }), ruleContext())
      .then(([event]) =>
        expect(event?.data).toMatchObject({
          mode: 'standard',
          dynamicReassignment: false,
          upgradeToLatestVersion: false,
        }),
      );
  });

  test('R18, R19: mandatory and new-starter rules reach future users, so they must be dynamic', () => {
    rules()
      .when(createRule({ mode: 'standard', target: { kind: 'allUsers' } }), ruleContext())
      .thenRefused('RULE_VIOLATION', /mode must be dynamic/);
  });

  test('R15: a rule for an inactive or unknown course is refused', () => {
    rules()
      .when(createRule({}), ruleContext({ courseActive: () => false }))
      .thenRefused('RULE_VIOLATION', /inactive/);
    rules()
      .when(createRule({}), ruleContext({ courseActive: () => undefined }))
      .thenRefused('NOT_FOUND', /course fire does not exist/);
  });

  test('R10: retiring a rule retires it once, and says its source is withdrawn from every holder', () => {
    const [created] = rules().when(createRule({}), ruleContext()).run().events;
    const retire = { type: 'RetireAssignmentRule' as const, data: { ruleId: 'r1' } };
    const decision = rules(created ? [created] : [])
      .when(retire, ruleContext())
      .then([{ type: 'AssignmentRuleRetired', data: { ruleId: 'r1' } }]);
    expect(decision.message).toBe('assignment rule r1 retired: its source is withdrawn from every user who holds it');
    rules(created ? [created, { type: 'AssignmentRuleRetired', data: { ruleId: 'r1' } }] : [])
      .when(retire, ruleContext())
      .thenNothingHappened(/nothing changed/);
  });

  test('portal preferences: only the fields given change, and an unchanged set decides nothing', () => {
    const set = (data: Record<string, unknown>) => ({ type: 'SetAssignmentPreferences' as const, data });
    portal()
      .when(set({ dueDatePolicy: 'latest' }), undefined)
      .then([
        {
          type: 'AssignmentPreferencesSet',
          data: { ...defaultPreferences, dueDatePolicy: 'latest', changed: ['dueDatePolicy'] },
        },
      ]);
    portal()
      .when(set({ dueDatePolicy: 'earliest' }), undefined)
      .thenNothingHappened(/assignment preferences: nothing changed/);
  });

  test('org units form a tree: moving a unit under its own descendant is refused', () => {
    const context = {
      orgUnitExists: () => true,
      pathToRoot: (id: string) => (id === 'uk' ? ['uk', 'emea', 'root'] : [id]),
    };
    const defined = { type: 'OrgUnitDefined' as const, data: { orgUnitId: 'emea', name: 'EMEA', parentId: 'root' } };
    orgUnits([defined])
      .when({ type: 'DefineOrgUnit', data: { orgUnitId: 'emea', name: 'EMEA', parentId: 'uk' } }, context)
      .thenRefused('RULE_VIOLATION', /cycle/);
  });

  test('users: unknown org unit, duplicate email and a manager loop are refused with what to fix', () => {
    const register = (data: Record<string, unknown>) => ({
      type: 'RegisterUser' as const,
      data: RegisterUserSchema.parse({
        userId: 'ada',
        name: 'Ada',
        email: 'ada@example.com',
        orgUnitId: 'eng',
        hireDate: '2026-01-01',
        ...data,
      }),
    });
    const context = {
      orgUnitExists: (id: string) => id === 'eng',
      userExists: () => true,
      managementChain: (id: string) => (id === 'grace' ? ['ada'] : []),
      emailOwner: (email: string) => (email === 'taken@example.com' ? 'bob' : undefined),
    };
    users()
      .when(register({ orgUnitId: 'nowhere' }), context)
      .thenRefused('NOT_FOUND', /org unit nowhere does not exist: define it with DefineOrgUnit first/);
    users()
      .when(register({ email: 'taken@example.com' }), context)
      .thenRefused('RULE_VIOLATION', /already belongs to user bob/);
    users()
      .when(register({ managerId: 'grace' }), context)
      .thenRefused('RULE_VIOLATION', /grace reports to ada/);
    const decision = users()
      .when(register({}), context)
      .then(([event]) => expect(event?.type).toBe('UserRegistered'));
    expect(decision.message).toBe('user ada (Ada) registered');
  });

  test('courses: a new version is the next number, and the reply names both', () => {
    const created = courses()
      .when(
        {
          type: 'CreateCourse',
          data: CreateCourseSchema.parse({
            courseId: 'fire',
            title: 'Fire Safety',
            kind: 'course',
            provider: 'Acme',
            trainingType: 'Compliance',
          }),
        },
        { now: '2016-01-11T09:00:00.000Z' },
      )
      .run().events;
    const decision = courses(created)
      .when({ type: 'UpgradeVersion', data: { courseId: 'fire' } }, { now: '2016-06-01T09:00:00.000Z' })
      .then(([event]) => expect(event?.data).toMatchObject({ version: 2, previousVersion: 1 }));
    expect(decision.message).toBe(
      'course fire upgraded from v1 to v2: new assignments get v2; users not started move to it when they start; those in progress or completed keep their version',
    );
  });

  test('groups: a dynamic group takes no members by hand', () => {
    groups([{ type: 'GroupCreated', data: { groupId: 'g', name: 'Finance', kind: 'dynamic', criteria: null } }])
      .when({ type: 'AddGroupMember', data: { groupId: 'g', userIds: ['ada'] } }, { userActive: () => true })
      .thenRefused('RULE_VIOLATION', /group Finance is dynamic: its members follow its criteria/);
  });

  test('R17: a grant without a grantId takes the command id, so the same grant again decides nothing', () => {
    const context = { commandId: '01J0000000000000000000000A', userExists: () => true };
    const grant = {
      type: 'GrantPermission' as const,
      data: { userId: 'lee', permission: 'reports.view' as const, constraints: {} },
    };
    const [granted] = access()
      .when(grant, context)
      .then(([event]) => expect(event?.data.grantId).toBe('01J0000000000000000000000A')).events;
    access(granted ? [granted] : [])
      .when(grant, context)
      .thenNothingHappened();
  });
});
