import type { ReferenceData } from '../../domain/referenceData/referenceData';
import { assignability } from '../../domain/policies/assignabilityPolicy';
import { ruleMatches } from '../../domain/policies/ruleAudiencePolicy';
import type { Plan, PlanContext } from '../plan';
import type { TrainingWork } from './trainingBatch';
import { decideTrainingBatch } from './trainingBatch';

/**
 * Per-user work a reactor derived from rule, membership and profile changes (R10, R11, R18, R19), decided and
 * appended in one transaction. A rule only assigns an active course visible to an active user (R15): pairs that
 * fail are skipped and reported, never refused as a whole.
 */
export async function planReactions(works: readonly TrainingWork[], context: PlanContext): Promise<Plan> {
  const { referenceData } = context;
  const skipped: string[] = [];
  const admitted = works.filter((work) => {
    if (!stillDue(work, referenceData)) return false;
    if (work.command.type !== 'ApplyRule') return referenceData.users.has(work.userId);
    const { courseId } = work.command.rule;
    const verdict = assignability(
      courseId,
      referenceData.courses.get(courseId),
      work.userId,
      referenceData.users.get(work.userId),
      (id) => referenceData.orgUnitPath(id),
    );
    if (!verdict.ok) skipped.push(`${work.userId} × ${courseId}: ${verdict.message}`);
    return verdict.ok;
  });
  const { results, writes } = await decideTrainingBatch(context, admitted, { atomic: false });
  const refused = results
    .filter((result) => result.error)
    .map((result) => `${result.work.userId}: ${result.error?.message}`);
  const changed = results.filter((result) => (result.decision?.events.length ?? 0) > 0).length;
  return {
    writes,
    message: `${works.length} reactions: ${changed} changed, ${skipped.length + refused.length} skipped`,
    warnings: [...skipped, ...refused],
  };
}

/**
 * The reactor judges each trigger at its place in the log; by the time its work is stored the present may differ.
 * Work the present makes pointless is dropped: applying a rule that is retired, or a membership rule to a user who
 * no longer matches it; withdrawing a membership rule from a user who matches it again. A withdrawal for a retired
 * rule always goes ahead.
 */
function stillDue(work: TrainingWork, referenceData: ReferenceData): boolean {
  const ruleId =
    work.command.type === 'ApplyRule'
      ? work.command.rule.ruleId
      : work.command.type === 'WithdrawRule'
        ? work.command.ruleId
        : undefined;
  if (ruleId === undefined) return true;
  const rule = referenceData.rules.get(ruleId);
  if (!rule) return work.command.type !== 'ApplyRule';
  const follows = rule.mode === 'dynamic' && rule.target.kind !== 'newStarters';
  if (work.command.type === 'ApplyRule')
    return !rule.retired && (!follows || ruleMatches(rule, work.userId, referenceData));
  if (work.command.type === 'WithdrawRule' && work.command.cause === 'dynamic')
    return !(follows && ruleMatches(rule, work.userId, referenceData));
  return true;
}
