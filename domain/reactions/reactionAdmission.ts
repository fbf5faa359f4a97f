import { assignability } from '../policies/assignabilityPolicy';
import { ruleMatches } from '../policies/ruleAudiencePolicy';
import type { ReferenceData } from '../referenceData/referenceData';
import type { TrainingWork } from '../userTraining/trainingWork';

/**
 * Reactions are judged at their trigger's place in the log; by the time they are stored the present may differ.
 * Work the present makes pointless is dropped; a rule assigns only an active course visible to an active user (R15):
 * pairs that fail are skipped and reported, never refused as a whole.
 */
export function admitReactions(
  works: readonly TrainingWork[],
  referenceData: ReferenceData,
): { admitted: TrainingWork[]; skipped: string[] } {
  const skipped: string[] = [];
  const admitted = works.filter((work) => {
    if (!stillDue(work, referenceData)) return false;
    if (work.command.type !== 'ApplyRule') return referenceData.users.has(work.userId);
    const { courseId } = work.command.rule;
    const course = referenceData.courses.get(courseId);
    const user = referenceData.users.get(work.userId);
    const verdict = assignability(courseId, course, work.userId, user, (id) => referenceData.orgUnitPath(id));
    if (!verdict.ok) skipped.push(`${work.userId} × ${courseId}: ${verdict.message}`);
    return verdict.ok;
  });
  return { admitted, skipped };
}

/**
 * Applying a rule that is retired, or a membership rule to a user who no longer matches it, is dropped; so is
 * withdrawing a membership rule from a user who matches it again. A withdrawal for a retired rule always goes ahead.
 */
function stillDue(work: TrainingWork, referenceData: ReferenceData): boolean {
  const { command } = work;
  const ruleId =
    command.type === 'ApplyRule' ? command.rule.ruleId : command.type === 'WithdrawRule' ? command.ruleId : undefined;
  if (ruleId === undefined) return true;
  const rule = referenceData.rules.get(ruleId);
  if (!rule) return command.type !== 'ApplyRule';
  const follows = rule.mode === 'dynamic' && rule.target.kind !== 'newStarters';
  if (command.type === 'ApplyRule') return !rule.retired && (!follows || ruleMatches(rule, work.userId, referenceData));
  if (command.type === 'WithdrawRule' && command.cause === 'dynamic') {
    return !(follows && ruleMatches(rule, work.userId, referenceData));
  }
  return true;
}

/** The reply to a reactor's batch: how many reactions changed something and how many were skipped. */
export function describeReactions(total: number, changed: number, skipped: number): string {
  return `${total} reactions: ${changed} changed, ${skipped} skipped`;
}
