import { assignability } from '../../domain/policies/assignabilityPolicy';
import { matchesCriteria } from '../../domain/policies/criteriaPolicy';
import { BoundedCriteriaSchema } from '../../domain/shared/criteria';
import type { UserProfile } from '../../domain/user/userEvents';
import { course } from '../support/trainingSpec';

const parents: Record<string, string | null> = { root: null, eng: 'root', platform: 'eng', sales: 'root' };
const path = (id: string) => {
  const result: string[] = [];
  for (let at: string | null | undefined = id; at; at = parents[at]) result.push(at);
  return result;
};
const ada: UserProfile = {
  name: 'Ada',
  email: 'Ada@Example.com',
  orgUnitId: 'platform',
  department: 'Engineering',
  role: 'Engineer',
  location: 'London',
  managerId: 'grace',
  hireDate: '2026-02-01',
  timeZone: null,
};

describe('dynamic-group criteria and course visibility (R10, R15)', () => {
  test('R10: all/any/not over attributes, org units with descendants and hire date', () => {
    const criteria = BoundedCriteriaSchema.parse({
      kind: 'all',
      of: [
        { kind: 'orgUnit', orgUnitId: 'eng' },
        {
          kind: 'any',
          of: [
            { kind: 'attribute', attribute: 'location', in: ['London', 'Leeds'] },
            { kind: 'attribute', attribute: 'role', in: ['Manager'] },
          ],
        },
        { kind: 'not', of: { kind: 'hireDate', before: '2026-01-01' } },
      ],
    });
    expect(matchesCriteria(criteria, ada, path)).toBe(true);
    expect(matchesCriteria(criteria, { ...ada, orgUnitId: 'sales' }, path)).toBe(false);
    expect(matchesCriteria(criteria, { ...ada, location: 'Paris' }, path)).toBe(false);
    expect(matchesCriteria(criteria, { ...ada, hireDate: '2025-12-31' }, path)).toBe(false);
  });

  test('R10: an org unit leaf without descendants matches that unit only; email compares without case', () => {
    expect(matchesCriteria({ kind: 'orgUnit', orgUnitId: 'eng', includeDescendants: false }, ada, path)).toBe(false);
    expect(matchesCriteria({ kind: 'attribute', attribute: 'email', in: ['ada@example.com'] }, ada, path)).toBe(true);
    expect(
      matchesCriteria(
        { kind: 'attribute', attribute: 'department', in: ['Sales'] },
        { ...ada, department: null },
        path,
      ),
    ).toBe(false);
  });

  test('criteria nested deeper than 8 levels are refused', () => {
    let deep: unknown = { kind: 'attribute', attribute: 'role', in: ['x'] };
    for (let i = 0; i < 20; i++) deep = { kind: 'not', of: deep };
    expect(BoundedCriteriaSchema.safeParse(deep).success).toBe(false);
  });

  test('R15: each assignability failure has its own reason and a message saying what to check', () => {
    const user = { ...ada, active: true };
    expect(assignability('fire', undefined, 'ada', user, path)).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
      reason: 'COURSE_NOT_FOUND',
    });
    expect(assignability('fire', course({ active: false }), 'ada', user, path)).toMatchObject({
      ok: false,
      code: 'RULE_VIOLATION',
      reason: 'COURSE_INACTIVE',
      message: expect.stringMatching(/check the course is Active/),
    });
    const londonOnly = course({
      visibility: { kind: 'audience', criteria: { kind: 'attribute', attribute: 'location', in: ['Leeds'] } },
    });
    expect(assignability('fire', londonOnly, 'ada', user, path)).toMatchObject({
      ok: false,
      reason: 'NOT_VISIBLE',
      message: expect.stringMatching(/visibility/),
    });
    expect(assignability('fire', course(), 'ada', undefined, path)).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
      reason: 'USER_NOT_FOUND',
    });
    expect(assignability('fire', course(), 'ada', { ...user, active: false }, path)).toMatchObject({
      ok: false,
      reason: 'USER_INACTIVE',
    });
    expect(assignability('fire', course(), 'ada', user, path)).toEqual({ ok: true });
  });
});
