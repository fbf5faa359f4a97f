import { GrantConstraintsSchema, PermissionSchema } from '../../domain/access/accessEvents';
import { commandTypes } from '../../domain/commands';
import { queryNames } from '../../domain/queries';
import { streams } from '../../domain/streams';
import type { MatrixCase, Portal } from './permissionCases';
import {
  actorOf,
  buildPortal,
  COMMAND_OPS,
  CONSTRAINT_KINDS,
  casesFor,
  GRANT_DIMENSIONS,
  KINDS,
  OPERATIONS,
  QUERY_OPS,
  register,
  requiredOf,
  runCase,
  runCommand,
  runQuery,
  TRAINING_SIDE,
  targetOf,
  USER_SIDE,
} from './permissionCases';

/**
 * Issue #7, item 4: the R17 permission matrix. For every grant dimension (each permission, and no grant at all) one
 * portal is seeded once; its actors hold that permission unconstrained or under one constraint kind each, and every
 * command and query of the contract is tried on a target inside and outside the grant. See permissionCases.ts.
 */

describe.each(GRANT_DIMENSIONS)('R17 permission matrix: actors holding %s', (grant) => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await buildPortal(grant);
  });

  test.each(casesFor(grant))('$title', async (c: MatrixCase) => {
    await runCase(portal, c);
  });
});

describe('R17: learners act on their own training and see their own views without any grant', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await buildPortal('none');
  });

  const self = { ...targetOf('unconstrained', 'in'), actor: 'lin' };
  test.each(['StartCourse', 'RecordProgress', 'CompleteCourse'])(
    "R17: lin without a grant allows %s of lin's own c-in",
    async (type) => {
      const data = { userId: 'lin', courseId: 'c-in', ...(type === 'RecordProgress' ? { progress: 40 } : {}) };
      expect(await portal.h.send(type, data, { actor: 'lin' })).toMatchObject({ ok: true });
    },
  );

  test.each(
    COMMAND_OPS.filter((op) => op.permission === 'progress.record' && op.user).map((op) => [op.name, op] as const),
  )('R17: lin without a grant refuses %s for ada: it needs progress.record', async (_name, op) => {
    await runCommand(portal, op, self, { allowed: false, names: ['progress.record'] });
  });

  const ownViews = QUERY_OPS.filter((op) => op.perUser && op.name !== 'UserExemptions');
  test.each(ownViews.map((op) => [op.name, op] as const))(
    'R17: lin without a grant may ask %s about lin',
    async (name, op) => {
      const reply = await portal.h.engine.query({
        type: name,
        actor: { userId: 'lin' },
        params: { ...op.params(self), userId: 'lin' },
      });
      expect(reply).toMatchObject({ ok: true });
      if (reply.ok) await op.check(portal, self, reply.result);
    },
  );

  test("R17: lin without a grant refuses UserExemptions of lin: the exemptions view is an administrator's (exemptions.manage or reports.view)", async () => {
    const reply = await portal.h.engine.query({
      type: 'UserExemptions',
      actor: { userId: 'lin' },
      params: { userId: 'lin' },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    if (!reply.ok)
      for (const permission of ['exemptions.manage', 'reports.view']) expect(reply.error.message).toContain(permission);
  });

  test.each(QUERY_OPS.filter((op) => op.perUser).map((op) => [op.name, op] as const))(
    'R17: lin without a grant refuses %s of ada',
    async (name, op) => {
      const reply = await portal.h.engine.query({
        type: name,
        actor: { userId: 'lin' },
        params: { ...op.params(self), userId: 'ada' },
      });
      expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      if (!reply.ok) for (const permission of op.permissions) expect(reply.error.message).toContain(permission);
    },
  );

  test('R17: a manager without any grant sees their whole reporting line in MyTeam, and only that (issue #16: another team is FORBIDDEN, not empty)', async () => {
    const manager = actorOf('selfAndSubordinates');
    const line = await portal.h.query<{ members: { userId: string }[] }>(
      'MyTeam',
      { managerId: 'grace', scope: 'all' },
      manager,
    );
    const everyone = await portal.h.query<{ members: { userId: string }[] }>('MyTeam', {
      managerId: 'grace',
      scope: 'all',
    });
    expect(line.members.map((member) => member.userId)).toEqual(everyone.members.map((member) => member.userId));
    expect(line.members.map((member) => member.userId)).toEqual(expect.arrayContaining(['ada', 'lin']));
    expect(
      await portal.h.engine.query({
        type: 'MyTeam',
        actor: { userId: manager },
        params: { managerId: 'max', scope: 'all' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe.each([
  ['ghost', 'an unregistered actor', /ghost is not a registered user and holds no permissions/],
  ['gone', 'a deactivated actor holding every permission', /gone is deactivated/],
] as const)('R17: only the bootstrap administrator and registered, active users may act: %s', (actor, who, message) => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await buildPortal('none');
    // gone held every permission without constraint, and was then deactivated.
    await register(portal, 'gone', { orgUnitId: 'eng', managerId: null });
    for (const permission of PermissionSchema.options)
      await portal.h.ok('GrantPermission', { userId: 'gone', permission, constraints: {} });
    await portal.h.ok('DeactivateUser', { userId: 'gone' });
  });

  test.each(OPERATIONS.map((op) => ({ title: `R17: ${who} is refused ${op.name}`, op })))('$title', async ({ op }) => {
    const target = { ...targetOf('unconstrained', 'in'), actor };
    if (op.what === 'command')
      await runCommand(portal, op, target, { allowed: false, names: [actor], pattern: message });
    else await runQuery(portal, op, target, { allowed: false, names: [actor], pattern: message });
  });
});

/**
 * A grant constrained on the user side must not be usable to reach users outside it by changing the very facts the
 * constraint is judged on (the org tree, the actor's own org unit, the actor's own grants).
 */
describe('R17: a constrained grant cannot be used to widen its own scope', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await buildPortal('none');
    for (const [actor, permission, constraints] of [
      ['esc-own', 'users.manage', { ownOrgUnit: true }],
      ['esc-org', 'users.manage', { orgUnitIds: ['eng'] }],
      ['esc-perm', 'permissions.manage', { orgUnitIds: ['eng'] }],
    ] as const) {
      await register(portal, actor, { orgUnitId: 'eng', managerId: null });
      await portal.h.ok('GrantPermission', { userId: actor, permission, constraints });
    }
  });

  async function expectRefusedUnchanged(
    type: string,
    data: Record<string, unknown>,
    actor: string,
    permission: string,
    stream: string,
  ) {
    const headBefore = await portal.h.store.headPosition();
    const before = await portal.h.eventTypes(stream);
    const reply = await portal.h.send(type, data, { actor });
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    if (!reply.ok) expect(reply.error.message).toContain(permission);
    expect(await portal.h.store.headPosition()).toBe(headBefore);
    expect(await portal.h.eventTypes(stream)).toEqual(before);
  }

  test('R17: users.manage constrained to own org unit refuses UpdateUserProfile moving the actor themselves to the root org unit (it would put every user in scope)', async () => {
    await expectRefusedUnchanged(
      'UpdateUserProfile',
      { userId: 'esc-own', orgUnitId: 'root' },
      'esc-own',
      'users.manage',
      streams.user('esc-own'),
    );
  });

  test('R17: users.manage constrained to org unit eng refuses DefineOrgUnit moving sales (outside) under eng (it would put sam in scope)', async () => {
    await expectRefusedUnchanged(
      'DefineOrgUnit',
      { orgUnitId: 'sales', name: 'Sales', parentId: 'eng' },
      'esc-org',
      'users.manage',
      streams.orgUnit('sales'),
    );
  });

  test('R17: users.manage constrained to org unit eng refuses moving eng itself to the top of the tree or under sales: the unit’s own place does not count', async () => {
    for (const parentId of [null, 'sales'])
      await expectRefusedUnchanged(
        'DefineOrgUnit',
        { orgUnitId: 'eng', name: 'Engineering', parentId },
        'esc-org',
        'users.manage',
        streams.orgUnit('eng'),
      );
  });

  test('R17: users.manage constrained to org unit eng renames eng in place and moves units within eng', async () => {
    const renamed = await portal.h.send(
      'DefineOrgUnit',
      { orgUnitId: 'eng', name: 'Engineering (renamed)', parentId: 'root' },
      { actor: 'esc-org' },
    );
    expect(renamed.ok).toBe(true);
    expect(
      (
        await portal.h.send(
          'DefineOrgUnit',
          { orgUnitId: 'eng-tools', name: 'Tools', parentId: 'eng' },
          { actor: 'esc-org' },
        )
      ).ok,
    ).toBe(true);
    const moved = await portal.h.send(
      'DefineOrgUnit',
      { orgUnitId: 'eng-tools', name: 'Tools', parentId: 'platform' },
      { actor: 'esc-org' },
    );
    expect(moved.ok).toBe(true);
  });

  test('R17: permissions.manage constrained to org unit eng refuses GrantPermission of an unconstrained reports.view to the actor themselves', async () => {
    await expectRefusedUnchanged(
      'GrantPermission',
      { userId: 'esc-perm', permission: 'reports.view', constraints: {} },
      'esc-perm',
      'permissions.manage',
      streams.access('esc-perm'),
    );
  });

  test('R17: permissions.manage constrained to org unit eng refuses GrantPermission of an unconstrained permissions.manage to ada (in scope)', async () => {
    await expectRefusedUnchanged(
      'GrantPermission',
      { userId: 'ada', permission: 'permissions.manage', constraints: {} },
      'esc-perm',
      'permissions.manage',
      streams.access('ada'),
    );
  });
});

describe('R17: the matrix covers the whole domain', () => {
  const all = GRANT_DIMENSIONS.flatMap(casesFor);

  test('R17: the matrix covers every command type, every query, every permission and every constraint kind the domain defines', () => {
    // Commands and queries of the contract (domain/commands.ts, domain/queries.ts).
    expect([...new Set(COMMAND_OPS.map((op) => op.type))].sort()).toEqual([...commandTypes].sort());
    // CommandOutcome answers only the command's sender whatever their grants: test/security/commandOwnership.test.ts.
    // The admin's views of rules, groups and courses (R17 by rule creator and course): test/projections/adminViews.test.ts.
    const elsewhere = ['CommandOutcome', 'AssignmentRules', 'AssignmentSummary', 'Groups', 'GroupMembers', 'Courses'];
    expect([...new Set(QUERY_OPS.map((op) => op.name)), ...elsewhere].sort()).toEqual([...queryNames].sort());
    // Permissions (PermissionSchema): each is a grant dimension and is what some operation needs.
    expect([...GRANT_DIMENSIONS].sort()).toEqual([...PermissionSchema.options, 'none'].sort());
    expect([...new Set(OPERATIONS.flatMap(requiredOf))].sort()).toEqual([...PermissionSchema.options].sort());
    // Constraint kinds (GrantConstraintsSchema): each has a concrete constraint and a side, and the sides partition them.
    expect(Object.keys(KINDS).sort()).toEqual(Object.keys(GrantConstraintsSchema.shape).sort());
    expect([...TRAINING_SIDE, ...USER_SIDE].sort()).toEqual([...CONSTRAINT_KINDS].sort());
    expect([...TRAINING_SIDE].sort()).toEqual(['courseIds', 'locations', 'providers', 'trainingTypes']);
    expect([...USER_SIDE].sort()).toEqual(['orgUnitIds', 'ownOrgUnit', 'selfAndSubordinates', 'userIds']);

    const outcomes = (pick: (c: MatrixCase) => boolean) => {
      const picked = all.filter(pick);
      return { allowed: picked.some((c) => c.expect.allowed), refused: picked.some((c) => !c.expect.allowed) };
    };
    for (const permission of PermissionSchema.options) {
      expect({ permission, ...outcomes((c) => c.grant === permission) }).toEqual({
        permission,
        allowed: true,
        refused: true,
      });
    }
    for (const kind of CONSTRAINT_KINDS) {
      expect({ kind, ...outcomes((c) => c.target.kind === kind) }).toEqual({ kind, allowed: true, refused: true });
      for (const permission of PermissionSchema.options) {
        expect({ kind, permission, cases: all.some((c) => c.grant === permission && c.target.kind === kind) }).toEqual({
          kind,
          permission,
          cases: true,
        });
      }
    }
    // Every command and every query is allowed to someone and refused to someone in the matrix.
    for (const op of OPERATIONS) {
      const seen = outcomes((c) => c.op === op);
      const refusedSomewhere = seen.refused || requiredOf(op).length === 0;
      expect({ op: op.name, allowed: seen.allowed, refused: refusedSomewhere }).toEqual({
        op: op.name,
        allowed: true,
        refused: true,
      });
    }
    expect(all.length).toBeGreaterThan(1000);
  });
});
