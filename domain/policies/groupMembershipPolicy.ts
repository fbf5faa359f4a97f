import type { ExistingGroup, ReferenceData } from '../referenceData/referenceData';
import { matchesCriteria } from './criteriaPolicy';

/**
 * Who is in a group now: a static group's listed members; a dynamic group's active users matching its criteria (R10),
 * as rules see them (ruleAudiencePolicy).
 */
export function groupMemberIds(group: ExistingGroup, referenceData: ReferenceData): string[] {
  if (group.kind === 'static') return [...group.members];
  const { criteria } = group;
  if (criteria === null) return [];
  const members: string[] = [];
  for (const user of referenceData.users.values()) {
    if (user.active && matchesCriteria(criteria, user, (id) => referenceData.orgUnitPath(id)))
      members.push(user.userId);
  }
  return members;
}

/** The groups a user is in now: static memberships, and the dynamic groups whose criteria their profile matches. */
export function groupsOfUser(userId: string, referenceData: ReferenceData): ExistingGroup[] {
  const user = referenceData.users.get(userId);
  const statics = referenceData.groupsOf(userId);
  return [...referenceData.groups.values()].filter((group) =>
    group.kind === 'static'
      ? statics.has(group.groupId)
      : user !== undefined &&
        user.active &&
        group.criteria !== null &&
        matchesCriteria(group.criteria, user, (id) => referenceData.orgUnitPath(id)),
  );
}
