import { GROUP_VIEWING, requireAnyPermission, ruleViewOf, usersViewOf } from '../domain/policies/adminViewPolicy';
import { groupMemberIds } from '../domain/policies/groupMembershipPolicy';
import type { Actor } from '../domain/policies/permissionPolicy';
import type { QueryOf } from '../domain/queries';
import type { GroupMemberRow, GroupMembersResult, GroupsResult } from '../domain/queryResults/groupResults';
import type { ExistingGroup } from '../domain/referenceData/referenceData';
import { notFound } from '../domain/shared/domainError';
import { AudienceSizes } from './audienceSizes';
import { ReadModelQueries } from './readModelQueries';

/**
 * Groups and GroupMembers, from the reference data (membership lives there, a dynamic group's by its criteria). R17:
 * members outside the actor's scope are counted, never listed; only the rules the actor may see are named.
 */
export class GroupQueries extends ReadModelQueries {
  private readonly sizes = new AudienceSizes();

  groups(actor: Actor): GroupsResult {
    requireAnyPermission(actor, GROUP_VIEWING, 'groups');
    const scope = usersViewOf(actor, this.referenceData, GROUP_VIEWING);
    const { courses } = this.referenceData;
    return [...this.referenceData.groups.values()].sort(byName).map((group) => {
      // Sizes are remembered per state of the reference data (AudienceSizes); members in a scope are counted.
      const memberCount = this.sizes.groupSize(group, this.referenceData);
      return {
        groupId: group.groupId,
        name: group.name,
        kind: group.kind,
        criteria: group.criteria,
        memberCount,
        membersInScope: scope.everyone
          ? memberCount
          : groupMemberIds(group, this.referenceData).filter((userId) => scope.admits(userId)).length,
        rules: this.referenceData
          .rulesTargeting(group.groupId)
          .filter((rule) => ruleViewOf(actor, this.referenceData, rule, courses.get(rule.courseId)).visible)
          .sort((a, b) => a.name.localeCompare(b.name) || a.ruleId.localeCompare(b.ruleId))
          .map((rule) => ({ ruleId: rule.ruleId, name: rule.name, courseId: rule.courseId, retired: rule.retired })),
      };
    });
  }

  groupMembers(actor: Actor, query: QueryOf<'GroupMembers'>): GroupMembersResult {
    requireAnyPermission(actor, GROUP_VIEWING, 'groups');
    const { groupId, limit, offset } = query.params;
    const group = this.referenceData.groups.get(groupId);
    if (!group) throw notFound(`group ${groupId} does not exist: check the id`, { groupId });
    const scope = usersViewOf(actor, this.referenceData, GROUP_VIEWING);
    const members = groupMemberIds(group, this.referenceData);
    const rows = members
      .filter((userId) => scope.admits(userId))
      .map((userId) => this.memberRow(userId))
      .sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
    return {
      groupId: group.groupId,
      name: group.name,
      kind: group.kind,
      total: rows.length,
      outsideScope: members.length - rows.length,
      offset,
      limit,
      rows: rows.slice(offset, offset + limit),
    };
  }

  private memberRow(userId: string): GroupMemberRow {
    const user = this.referenceData.users.get(userId);
    return {
      userId,
      name: user?.name ?? userId,
      email: user?.email ?? '',
      orgUnitId: user?.orgUnitId ?? '',
      department: user?.department ?? null,
      role: user?.role ?? null,
      active: user?.active ?? false,
    };
  }
}

function byName(a: ExistingGroup, b: ExistingGroup): number {
  return a.name.localeCompare(b.name) || a.groupId.localeCompare(b.groupId);
}
