import { assignability } from '../../domain/policies/assignabilityPolicy';
import type { Plan, PlanContext } from '../plan';
import type { TrainingWork } from './trainingBatch';
import { decideTrainingBatch } from './trainingBatch';

/**
 * Per-user work a reactor derived from rule, membership and profile changes (R10, R11, R18, R19), decided and
 * appended in one transaction. A rule only assigns an active course visible to an active user (R15): pairs that
 * fail are skipped and reported, never refused as a whole.
 */
export async function planReactions(works: readonly TrainingWork[], context: PlanContext): Promise<Plan> {
  const { directory } = context;
  const skipped: string[] = [];
  const admitted = works.filter((work) => {
    if (work.command.type !== 'ApplyRule') return directory.users.has(work.userId);
    const { courseId } = work.command.rule;
    const verdict = assignability(courseId, directory.courses.get(courseId), work.userId, directory.users.get(work.userId), (id) => directory.orgUnitPath(id));
    if (!verdict.ok) skipped.push(`${work.userId} × ${courseId}: ${verdict.message}`);
    return verdict.ok;
  });
  const { results, writes } = await decideTrainingBatch(context, admitted, { atomic: false });
  const refused = results.filter((result) => result.error).map((result) => `${result.work.userId}: ${result.error?.message}`);
  const changed = results.filter((result) => (result.decision?.events.length ?? 0) > 0).length;
  return { writes, message: `${works.length} reactions: ${changed} changed, ${skipped.length + refused.length} skipped`, warnings: [...skipped, ...refused] };
}
