import type { ActiveRule } from '../assignmentRule/assignmentRuleDecider';
import type { ReferenceData } from '../referenceData/referenceData';
import type { RuleFacts } from '../userTraining/trainingDecider';
import { isGroupMember } from './groupMembershipPolicy';
import { admitsUser } from './permissionPolicy';

/**
 * R10, R18, R19: whether a live rule's target currently takes in a user. New-starter rules take in users at
 * registration only (the reactor applies them then), so they never match on re-evaluation.
 */
export function ruleMatches(rule: ActiveRule, userId: string, referenceData: ReferenceData): boolean {
  if (rule.retired) return false;
  const user = referenceData.users.get(userId);
  if (!user?.active) return false;
  if (!withinAudienceScope(rule, userId, referenceData)) return false;
  switch (rule.target.kind) {
    case 'allUsers':
      return true;
    case 'newStarters':
      return false;
    case 'group': {
      const group = referenceData.groups.get(rule.target.groupId);
      return group !== undefined && isGroupMember(group, user, referenceData);
    }
  }
}

/** R17: a rule made by a constrained admin reaches only users within that admin's user-side constraints. */
export function withinAudienceScope(rule: ActiveRule, userId: string, referenceData: ReferenceData): boolean {
  return (
    rule.audienceScope === null ||
    rule.audienceScope.some((constraints) => admitsUser(rule.createdBy, constraints, userId, referenceData.orgChart))
  );
}

/** The users a rule reaches now, sorted so bulk work is chunked the same way every time. */
export function ruleAudience(rule: ActiveRule, referenceData: ReferenceData): string[] {
  let candidates: Iterable<string>;
  if (rule.target.kind === 'group') {
    const group = referenceData.groups.get(rule.target.groupId);
    candidates = group?.kind === 'static' ? group.members : referenceData.users.keys();
  } else {
    candidates = referenceData.users.keys();
  }
  const audience: string[] = [];
  for (const userId of candidates) if (ruleMatches(rule, userId, referenceData)) audience.push(userId);
  return audience.sort();
}

export function ruleFacts(rule: ActiveRule, referenceData: ReferenceData): RuleFacts {
  const kind = rule.target.kind === 'group' ? 'group' : rule.target.kind === 'allUsers' ? 'mandatory' : 'newStarter';
  const groupId = rule.target.kind === 'group' ? rule.target.groupId : null;
  return {
    ruleId: rule.ruleId,
    courseId: rule.courseId,
    kind,
    groupId,
    groupName: groupId === null ? null : (referenceData.groups.get(groupId)?.name ?? groupId),
    due: rule.due,
    required: rule.required,
    dynamic: rule.mode === 'dynamic',
    dynamicReassignment: rule.dynamicReassignment,
    upgradeToLatestVersion: rule.upgradeToLatestVersion,
  };
}
