import type { Assignment, KeptExemption, TrainingEvent } from '../domain/userTraining/trainingState';

type ExemptionEvent = Extract<
  TrainingEvent,
  { type: 'ExemptionApplied' | 'ExemptionRemoved' | 'KeptExemptionRemoved' }
>;

/** The history line of an exemption event (R6-R9): applied (with its end date), given back, removed, ended. */
export function describeExemptionEvent(event: ExemptionEvent, title: string): string {
  const rule = `rule ${event.data.ruleId}`;
  switch (event.type) {
    case 'ExemptionApplied': {
      const until = event.data.until ? `; exempt until ${event.data.until}` : '';
      if (event.data.restored)
        return `${title} came back still exempt from ${rule}: ${event.data.reason} (applied by ${event.data.appliedBy} on ${event.data.appliedAt.slice(0, 10)})${until}`;
      return `${title} exempted from ${rule}: ${event.data.reason}${until}`;
    }
    case 'ExemptionRemoved': {
      const due = event.data.dueDate ? `, due ${event.data.dueDate}` : '';
      return event.data.lapsed
        ? `${title} exemption from ${rule} ended on its end date${due}`
        : `${title} exemption from ${rule} removed${due}`;
    }
    case 'KeptExemptionRemoved':
      return `${title} exemption from ${rule} removed while the rule does not assign it: if it assigns it again, it is not exempt`;
  }
}

/** R6, R17: explain's kept exemptions (rules whose source is away), those of rules within the actor's view; none: absent. */
export function keptExemptionsOf(
  assignment: Assignment,
  ruleVisible: (ruleId: string) => boolean,
): { keptExemptions?: KeptExemption[] } {
  const kept = (assignment.keptExemptions ?? []).filter((entry) => ruleVisible(entry.ruleId));
  return kept.length === 0 ? {} : { keptExemptions: kept };
}
