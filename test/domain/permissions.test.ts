import type { Grant } from '../../domain/access/accessDecider';
import { authorizeOrgUnit, delegationRefusal } from '../../domain/policies/delegationPolicy';
import type { Actor, OrgChart, TrainingFacts } from '../../domain/policies/permissionPolicy';
import { authorize, userScopeOf } from '../../domain/policies/permissionPolicy';

// Org tree: root > emea > uk > london; root > amer. Reporting: boss > lead > dev.
const parents: Record<string, string | null> = { root: null, emea: 'root', uk: 'emea', london: 'uk', amer: 'root' };
const orgUnitOf: Record<string, string> = { boss: 'emea', lead: 'uk', dev: 'london', yank: 'amer' };
const managerOf: Record<string, string | null> = { boss: null, lead: 'boss', dev: 'lead', yank: null };
const referenceData: OrgChart = {
  orgUnitPath: (id) => {
    const path: string[] = [];
    for (let at: string | null | undefined = id; at; at = parents[at]) path.push(at);
    return path;
  },
  userOrgUnit: (userId) => orgUnitOf[userId],
  managementChain: (userId) => {
    const chain: string[] = [];
    for (let at = managerOf[userId]; at; at = managerOf[at]) chain.push(at);
    return chain;
  },
};
const fire: TrainingFacts = { courseId: 'fire', provider: 'Acme', trainingType: 'Compliance', location: 'London' };
const actor = (userId: string, ...grants: Omit<Grant, 'grantId'>[]): Actor => ({
  userId,
  isBootstrapAdmin: false,
  grants: grants.map((grant, i) => ({ grantId: `g${i}`, ...grant })),
});

describe('R17 permissions with constraints', () => {
  test('R17: without the permission the refusal names it', () => {
    const decision = authorize(
      actor('lead'),
      { permission: 'assignment.standard', userId: 'dev', course: fire },
      referenceData,
    );
    expect(decision).toEqual({
      allowed: false,
      permission: 'assignment.standard',
      message:
        'user lead may not assign training individually or through standard rules: that needs the permission assignment.standard, and lead holds no permissions',
    });
  });

  test('R17: assignment.dynamic also allows standard assignment, not the other way round', () => {
    expect(
      authorize(
        actor('a', { permission: 'assignment.dynamic', constraints: {} }),
        { permission: 'assignment.standard' },
        referenceData,
      ).allowed,
    ).toBe(true);
    expect(
      authorize(
        actor('a', { permission: 'assignment.standard', constraints: {} }),
        { permission: 'assignment.dynamic' },
        referenceData,
      ).allowed,
    ).toBe(false);
  });

  test('R17: the bootstrap administrator holds every permission', () => {
    expect(
      authorize(
        { userId: 'root-admin', isBootstrapAdmin: true, grants: [] },
        { permission: 'permissions.manage', userId: 'yank' },
        referenceData,
      ).allowed,
    ).toBe(true);
  });

  test.each([
    ['providers', { providers: ['Acme'] }, { providers: ['Other'] }, /provider Acme, outside providers \[Other\]/],
    [
      'training types',
      { trainingTypes: ['Compliance'] },
      { trainingTypes: ['Leadership'] },
      /training type Compliance/,
    ],
    ['training items', { courseIds: ['fire'] }, { courseIds: ['other'] }, /not among training items/],
    ['locations', { locations: ['London'] }, { locations: ['Paris'] }, /held at London, outside locations \[Paris\]/],
  ])(
    'R17: a training-side constraint on %s admits training within it and refuses the rest',
    (_kind, admits, refuses, message) => {
      expect(
        authorize(
          actor('a', { permission: 'assignment.standard', constraints: admits }),
          { permission: 'assignment.standard', course: fire },
          referenceData,
        ).allowed,
      ).toBe(true);
      const refusal = authorize(
        actor('a', { permission: 'assignment.standard', constraints: refuses }),
        { permission: 'assignment.standard', course: fire },
        referenceData,
      );
      expect(refusal.allowed).toBe(false);
      if (!refusal.allowed) expect(refusal.message).toMatch(message);
    },
  );

  test('R17: every training-side kind given must admit the training', () => {
    const both = actor('a', {
      permission: 'assignment.standard',
      constraints: { providers: ['Acme'], trainingTypes: ['Leadership'] },
    });
    expect(authorize(both, { permission: 'assignment.standard', course: fire }, referenceData).allowed).toBe(false);
  });

  test.each([
    ['org units with descendants', { orgUnitIds: ['emea'] }, ['boss', 'lead', 'dev'], ['yank']],
    ['named users', { userIds: ['dev'] }, ['dev'], ['lead', 'yank']],
    ['self and subordinates', { selfAndSubordinates: true as const }, ['lead', 'dev'], ['boss', 'yank']],
    ["the actor's own org unit", { ownOrgUnit: true as const }, ['lead', 'dev'], ['boss', 'yank']],
  ])('R17: a user-side constraint on %s admits users within it only', (_kind, constraints, inside, outside) => {
    const lead = actor('lead', { permission: 'assignment.standard', constraints });
    for (const userId of inside)
      expect([userId, authorize(lead, { permission: 'assignment.standard', userId }, referenceData).allowed]).toEqual([
        userId,
        true,
      ]);
    for (const userId of outside)
      expect([userId, authorize(lead, { permission: 'assignment.standard', userId }, referenceData).allowed]).toEqual([
        userId,
        false,
      ]);
  });

  test('R17: user-side kinds on one grant admit a user if any admits; several grants add up', () => {
    const lead = actor('lead', {
      permission: 'reports.view',
      constraints: { userIds: ['yank'], selfAndSubordinates: true },
    });
    expect(
      ['yank', 'dev', 'boss'].map(
        (userId) => authorize(lead, { permission: 'reports.view', userId }, referenceData).allowed,
      ),
    ).toEqual([true, true, false]);
    const twoGrants = actor(
      'a',
      { permission: 'reports.view', constraints: { userIds: ['dev'] } },
      { permission: 'reports.view', constraints: { orgUnitIds: ['amer'] } },
    );
    expect(
      ['dev', 'yank', 'boss'].map(
        (userId) => authorize(twoGrants, { permission: 'reports.view', userId }, referenceData).allowed,
      ),
    ).toEqual([true, true, false]);
  });

  test("R17: a rule records the creator's user-side scope, or null when one grant is unconstrained", () => {
    expect(
      userScopeOf(
        actor('lead', { permission: 'assignment.dynamic', constraints: { orgUnitIds: ['uk'], providers: ['Acme'] } }),
        'assignment.dynamic',
      ),
    ).toEqual([{ orgUnitIds: ['uk'], userIds: undefined, selfAndSubordinates: undefined, ownOrgUnit: undefined }]);
    expect(
      userScopeOf(
        actor('lead', { permission: 'assignment.dynamic', constraints: { providers: ['Acme'] } }),
        'assignment.dynamic',
      ),
    ).toBeNull();
  });

  test('R17: a user is judged where a command would place them: an actor may not move users, or themselves, into their scope', () => {
    const lead = actor('lead', { permission: 'users.manage', constraints: { ownOrgUnit: true } });
    expect(authorize(lead, { permission: 'users.manage', userId: 'lead' }, referenceData).allowed).toBe(true);
    // Moving themselves to the root would make every user "their own org unit".
    const toRoot = authorize(
      lead,
      { permission: 'users.manage', userId: 'lead', placement: { orgUnitId: 'root', managementChain: [] } },
      referenceData,
    );
    expect(toRoot).toMatchObject({
      allowed: false,
      message: expect.stringContaining('placed in org unit root would be outside their own org unit'),
    });
    expect(
      authorize(
        lead,
        { permission: 'users.manage', userId: 'dev', placement: { orgUnitId: 'london', managementChain: ['lead'] } },
        referenceData,
      ).allowed,
    ).toBe(true);
  });

  test('R17: org units are reached only through org-unit constraints', () => {
    const emea = actor('lead', { permission: 'users.manage', constraints: { orgUnitIds: ['emea'] } });
    expect(authorizeOrgUnit(emea, 'users.manage', ['paris', 'emea', 'root'], referenceData).allowed).toBe(true);
    expect(authorizeOrgUnit(emea, 'users.manage', ['amer', 'root'], referenceData)).toMatchObject({
      allowed: false,
      message: expect.stringContaining('org unit amer (under root) is outside org units [emea]'),
    });
    expect(
      authorizeOrgUnit(
        actor('lead', { permission: 'users.manage', constraints: { selfAndSubordinates: true } }),
        'users.manage',
        ['paris', 'emea', 'root'],
        referenceData,
      ).allowed,
    ).toBe(false);
    expect(
      authorizeOrgUnit(
        actor('lead', { permission: 'users.manage', constraints: { providers: ['Acme'] } }),
        'users.manage',
        ['amer', 'root'],
        referenceData,
      ).allowed,
    ).toBe(true);
  });

  test('R17: a constrained grantor delegates only within their own permissions.manage', () => {
    const uk = actor('lead', {
      permission: 'permissions.manage',
      constraints: { orgUnitIds: ['uk'], providers: ['Acme'] },
    });
    expect(
      delegationRefusal(uk, 'dev', { orgUnitIds: ['london'], providers: ['Acme'] }, referenceData),
    ).toBeUndefined();
    expect(delegationRefusal(uk, 'dev', { userIds: ['dev'], providers: ['Acme'] }, referenceData)).toBeUndefined();
    expect(delegationRefusal(uk, 'dev', { orgUnitIds: ['emea'], providers: ['Acme'] }, referenceData)).toMatch(
      /org unit emea is outside the grantor's org units \[uk\]/,
    );
    expect(delegationRefusal(uk, 'dev', { providers: ['Acme'] }, referenceData)).toMatch(
      /the grant reaches every user/,
    );
    expect(delegationRefusal(uk, 'dev', { orgUnitIds: ['london'] }, referenceData)).toMatch(/no providers constraint/);
    expect(
      delegationRefusal(uk, 'dev', { orgUnitIds: ['london'], providers: ['Acme', 'Other'] }, referenceData),
    ).toMatch(/providers \[Other\] are outside/);
    // A reporting line is contained when the grantee reports to a grantor limited to their own line.
    const line = actor('lead', { permission: 'permissions.manage', constraints: { selfAndSubordinates: true } });
    expect(delegationRefusal(line, 'dev', { selfAndSubordinates: true }, referenceData)).toBeUndefined();
    expect(delegationRefusal(line, 'boss', { selfAndSubordinates: true }, referenceData)).toMatch(/reporting line/);
    expect(
      delegationRefusal({ userId: 'root-admin', isBootstrapAdmin: true, grants: [] }, 'yank', {}, referenceData),
    ).toBeUndefined();
    expect(
      delegationRefusal(actor('a', { permission: 'permissions.manage', constraints: {} }), 'yank', {}, referenceData),
    ).toBeUndefined();
  });
});
