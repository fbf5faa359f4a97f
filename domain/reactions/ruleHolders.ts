import type { DomainEvent } from '../events';
import { UserBitSet, UserNumbers } from './userBitSet';

/** What reactions ask of rule holders (RuleHolders; a preview answers from the training states it read). */
export interface RuleHolding {
  holds(ruleId: string, userId: string): boolean;
  of(ruleId: string): string[];
}

/**
 * Which users hold a source of which rule, folded from the training events that give or take a rule's source: what
 * the reactions compare a rule's reach with (apply where it reaches and is not held, withdraw where it is held and no
 * longer reaches). A rule's holders are a bit per user (issue #19: bounded memory at 250,000 users).
 */
export class RuleHolders implements RuleHolding {
  private readonly users = new UserNumbers();
  private readonly byRule = new Map<string, UserBitSet>();

  apply(event: DomainEvent): void {
    switch (event.type) {
      case 'TrainingAssigned':
      case 'TrainingReassigned':
      case 'AssignmentSourceAdded': {
        const { ruleId } = event.data.source;
        if (ruleId) this.holdersOf(ruleId).add(this.users.number(event.data.userId));
        return;
      }
      case 'AssignmentSourceRemoved': {
        const n = this.users.numberOf(event.data.userId);
        if (n !== undefined) this.byRule.get(event.data.sourceKey)?.delete(n);
        return;
      }
      default:
        return;
    }
  }

  holds(ruleId: string, userId: string): boolean {
    const n = this.users.numberOf(userId);
    return n !== undefined && (this.byRule.get(ruleId)?.has(n) ?? false);
  }

  /** The holders of a rule, sorted so work is chunked the same way every time. */
  of(ruleId: string): string[] {
    const holders: string[] = [];
    for (const n of this.byRule.get(ruleId)?.members() ?? []) holders.push(this.users.idOf(n));
    return holders.sort();
  }

  private holdersOf(ruleId: string): UserBitSet {
    let set = this.byRule.get(ruleId);
    if (!set) {
      set = new UserBitSet();
      this.byRule.set(ruleId, set);
    }
    return set;
  }
}

/** The training events that give or take a rule's source: the only training events reactions read. */
export const RULE_SOURCE_EVENT_TYPES = [
  'TrainingAssigned',
  'TrainingReassigned',
  'AssignmentSourceAdded',
  'AssignmentSourceRemoved',
] as const;
