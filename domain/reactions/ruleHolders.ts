import type { DomainEvent } from '../events';

/** What reactions ask of rule holders (RuleHolders; a preview answers from the training states it read). */
export interface RuleHolding {
  holds(ruleId: string, userId: string): boolean;
  of(ruleId: string): string[];
}

/**
 * Which users hold a source of which rule, folded from the training events that give or take a rule's source: what
 * the reactions compare a rule's reach with (apply where it reaches and is not held, withdraw where it is held and no
 * longer reaches).
 */
export class RuleHolders implements RuleHolding {
  private readonly byRule = new Map<string, Set<string>>();

  apply(event: DomainEvent): void {
    switch (event.type) {
      case 'TrainingAssigned':
      case 'TrainingReassigned':
      case 'AssignmentSourceAdded': {
        const { ruleId } = event.data.source;
        if (ruleId) this.holdersOf(ruleId).add(event.data.userId);
        return;
      }
      case 'AssignmentSourceRemoved':
        this.byRule.get(event.data.sourceKey)?.delete(event.data.userId);
        return;
      default:
        return;
    }
  }

  holds(ruleId: string, userId: string): boolean {
    return this.byRule.get(ruleId)?.has(userId) ?? false;
  }

  /** The holders of a rule, sorted so work is chunked the same way every time. */
  of(ruleId: string): string[] {
    return [...(this.byRule.get(ruleId) ?? [])].sort();
  }

  private holdersOf(ruleId: string): Set<string> {
    let set = this.byRule.get(ruleId);
    if (!set) {
      set = new Set();
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
