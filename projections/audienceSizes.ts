import type { ActiveRule } from '../domain/assignmentRule/assignmentRuleDecider';
import { groupMemberIds } from '../domain/policies/groupMembershipPolicy';
import { ruleMatches } from '../domain/policies/ruleAudiencePolicy';
import type { ExistingGroup, ReferenceData } from '../domain/referenceData/referenceData';

/**
 * How many users are in a group now, and how many a rule's target takes in now (R10: a dynamic group by its criteria
 * over every user), counted once per state of the reference data: Groups and the Assignment Summary ask on every page,
 * and at 100,000 users a count walks every user. The counts are forgotten as soon as the reference data moves
 * (`ReferenceData.revision`, which every applied event moves), so they are always those of the data the query reads.
 */
export class AudienceSizes {
  private data: ReferenceData | undefined;
  private revision = -1;
  private readonly groups = new Map<string, number>();
  private readonly rules = new Map<string, number>();

  /** groupMemberIds(group).length. */
  groupSize(group: ExistingGroup, referenceData: ReferenceData): number {
    this.follow(referenceData);
    let size = this.groups.get(group.groupId);
    if (size === undefined) {
      size = group.kind === 'static' ? group.members.size : groupMemberIds(group, referenceData).length;
      this.groups.set(group.groupId, size);
    }
    return size;
  }

  /** ruleAudience(rule).length, without building and sorting the list. */
  ruleAudienceSize(rule: ActiveRule, referenceData: ReferenceData): number {
    this.follow(referenceData);
    let size = this.rules.get(rule.ruleId);
    if (size === undefined) {
      size = 0;
      const group = rule.target.kind === 'group' ? referenceData.groups.get(rule.target.groupId) : undefined;
      const candidates = group?.kind === 'static' ? group.members : referenceData.users.keys();
      for (const userId of candidates) if (ruleMatches(rule, userId, referenceData)) size++;
      this.rules.set(rule.ruleId, size);
    }
    return size;
  }

  private follow(referenceData: ReferenceData): void {
    if (this.data === referenceData && this.revision === referenceData.revision) return;
    this.data = referenceData;
    this.revision = referenceData.revision;
    this.groups.clear();
    this.rules.clear();
  }
}
