import type { Criteria } from '../shared/criteria';
import type { UserProfile } from '../user/userEvents';

/** Dynamic-group membership and course visibility: does a user's profile satisfy a criteria expression? */
export function matchesCriteria(
  criteria: Criteria,
  user: UserProfile,
  orgUnitPath: (orgUnitId: string) => readonly string[],
): boolean {
  switch (criteria.kind) {
    case 'all':
      return criteria.of.every((child) => matchesCriteria(child, user, orgUnitPath));
    case 'any':
      return criteria.of.some((child) => matchesCriteria(child, user, orgUnitPath));
    case 'not':
      return !matchesCriteria(criteria.of, user, orgUnitPath);
    case 'attribute': {
      const value = user[criteria.attribute];
      if (value === null) return false;
      const wanted = criteria.attribute === 'email' ? value.toLowerCase() : value;
      return criteria.in.some(
        (candidate) => (criteria.attribute === 'email' ? candidate.toLowerCase() : candidate) === wanted,
      );
    }
    case 'orgUnit':
      return criteria.includeDescendants
        ? orgUnitPath(user.orgUnitId).includes(criteria.orgUnitId)
        : user.orgUnitId === criteria.orgUnitId;
    case 'hireDate':
      return (
        (criteria.onOrAfter === undefined || user.hireDate >= criteria.onOrAfter) &&
        (criteria.before === undefined || user.hireDate < criteria.before)
      );
  }
}
