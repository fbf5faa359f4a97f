import type { ExistingGroup, ExistingUser, ReferenceData } from '../referenceData/referenceData';
import { matchesCriteria } from './criteriaPolicy';

/** Whether a user is in a group now: listed in a static group, or active and matching a dynamic group's criteria (R10). */
export function isGroupMember(group: ExistingGroup, user: ExistingUser, referenceData: ReferenceData): boolean {
  if (group.kind === 'static') return group.members.has(user.userId);
  return (
    user.active &&
    group.criteria !== null &&
    matchesCriteria(group.criteria, user, (id) => referenceData.orgUnitPath(id))
  );
}

/** Who is in a group now (isGroupMember), as rules see them (ruleAudiencePolicy). */
export function groupMemberIds(group: ExistingGroup, referenceData: ReferenceData): string[] {
  if (group.kind === 'static') return [...group.members];
  const members: string[] = [];
  for (const user of referenceData.users.values())
    if (isGroupMember(group, user, referenceData)) members.push(user.userId);
  return members;
}

/** The groups a user is in now: static memberships, and the dynamic groups whose criteria their profile matches. */
export function groupsOfUser(userId: string, referenceData: ReferenceData): ExistingGroup[] {
  const user = referenceData.users.get(userId);
  if (user === undefined) return [];
  return [...referenceData.groups.values()].filter((group) => isGroupMember(group, user, referenceData));
}
