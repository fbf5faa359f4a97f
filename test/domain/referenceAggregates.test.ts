import { decideAssignmentRule } from '../../domain/assignmentRule/assignmentRuleDecider';
import type { AssignmentRuleContext } from '../../domain/assignmentRule/assignmentRuleDecider';
import { CreateAssignmentRuleSchema } from '../../domain/assignmentRule/assignmentRuleCommands';
import { decideOrgUnit } from '../../domain/orgUnit/orgUnitDecider';
import { decidePortal, defaultPreferences, initialPortalState } from '../../domain/portal/portalDecider';
import { DomainError } from '../../domain/shared/domainError';
import { decideUser, initialUserState } from '../../domain/user/userDecider';
import { RegisterUserSchema } from '../../domain/user/userCommands';

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

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
  }
  throw new Error('expected a refusal');
}

describe('portal preferences and assignment rules (R12, R15, R18, R19)', () => {
  test('R12: a new dynamic rule takes both flags from the portal preferences when enabled there', () => {
    const preferences = { ...defaultPreferences, dynamicReassignment: true, upgradeToLatestVersion: true };
    const [event] = decideAssignmentRule(createRule({}), { exists: false }, ruleContext({ preferences }));
    expect(event?.data).toMatchObject({
      dynamicReassignment: true,
      upgradeToLatestVersion: true,
      name: 'Group: Engineering: fire',
      createdBy: 'admin',
    });
  });

  test('R12: a rule may switch a flag off, and cannot switch on what the portal disables', () => {
    const preferences = { ...defaultPreferences, dynamicReassignment: true, upgradeToLatestVersion: false };
    const [event] = decideAssignmentRule(
      createRule({ dynamicReassignment: false }),
      { exists: false },
      ruleContext({ preferences }),
    );
    expect(event?.data).toMatchObject({ dynamicReassignment: false, upgradeToLatestVersion: false });
    expect(
      refusal(() =>
        decideAssignmentRule(
          createRule({ upgradeToLatestVersion: true }),
          { exists: false },
          ruleContext({ preferences }),
        ),
      ).message,
    ).toMatch(/upgradeToLatestVersion is disabled in the portal's assignment preferences/);
  });

  test('R10: a standard rule carries neither dynamic flag', () => {
    const [event] = decideAssignmentRule(createRule({ mode: 'standard' }), { exists: false }, ruleContext());
    expect(event?.data).toMatchObject({ mode: 'standard', dynamicReassignment: false, upgradeToLatestVersion: false });
  });

  test('R18, R19: mandatory and new-starter rules reach future users, so they must be dynamic', () => {
    const error = refusal(() =>
      decideAssignmentRule(
        createRule({ mode: 'standard', target: { kind: 'allUsers' } }),
        { exists: false },
        ruleContext(),
      ),
    );
    expect(error.code).toBe('RULE_VIOLATION');
    expect(error.message).toMatch(/mode must be dynamic/);
  });

  test('R15: a rule for an inactive or unknown course is refused', () => {
    expect(
      refusal(() => decideAssignmentRule(createRule({}), { exists: false }, ruleContext({ courseActive: () => false })))
        .message,
    ).toMatch(/inactive/);
    expect(
      refusal(() =>
        decideAssignmentRule(createRule({}), { exists: false }, ruleContext({ courseActive: () => undefined })),
      ).code,
    ).toBe('NOT_FOUND');
  });

  test('portal preferences: only the fields given change, and an unchanged set decides nothing', () => {
    const [event] = decidePortal({ dueDatePolicy: 'latest' }, initialPortalState());
    expect(event?.data).toEqual({ ...defaultPreferences, dueDatePolicy: 'latest', changed: ['dueDatePolicy'] });
    expect(decidePortal({ dueDatePolicy: 'earliest' }, initialPortalState())).toEqual([]);
  });

  test('org units form a tree: moving a unit under its own descendant is refused', () => {
    const context = {
      orgUnitExists: () => true,
      pathToRoot: (id: string) => (id === 'uk' ? ['uk', 'emea', 'root'] : [id]),
    };
    expect(
      refusal(() =>
        decideOrgUnit(
          { orgUnitId: 'emea', name: 'EMEA', parentId: 'uk' },
          { exists: true, orgUnitId: 'emea', name: 'EMEA', parentId: 'root' },
          context,
        ),
      ).message,
    ).toMatch(/cycle/);
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
    expect(refusal(() => decideUser(register({ orgUnitId: 'nowhere' }), initialUserState(), context)).message).toMatch(
      /org unit nowhere does not exist: define it with DefineOrgUnit first/,
    );
    expect(
      refusal(() => decideUser(register({ email: 'taken@example.com' }), initialUserState(), context)).message,
    ).toMatch(/already belongs to user bob/);
    expect(refusal(() => decideUser(register({ managerId: 'grace' }), initialUserState(), context)).message).toMatch(
      /grace reports to ada/,
    );
    expect(decideUser(register({}), initialUserState(), context)).toHaveLength(1);
  });
});
