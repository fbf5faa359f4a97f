import { streams } from '../../domain/streams';
import type { TrainingState } from '../../domain/userTraining/trainingState';
import type { TrainingWork, TrainingWorkResult } from '../../domain/userTraining/trainingWork';
import { decideTrainingWork } from '../../domain/userTraining/trainingWork';
import { aggregateKinds } from '../aggregateKinds';
import type { PlanContext, PlannedWrite } from '../plan';
import type { PairOutcome } from '../ports/reply';
import { expectedFrom } from './streamPlan';

/**
 * Loads the training of every user the works name (a batch's streams in one read where the store can), lets the
 * domain decide the works in order, and gathers one write per user stream with the revision that was read.
 * `atomic`: the first refusal throws (a single command); otherwise refusals are reported per item (bulk).
 */
export async function decideTrainingBatch(
  context: PlanContext,
  works: readonly TrainingWork[],
  options: { atomic: boolean },
): Promise<{ results: TrainingWorkResult[]; writes: PlannedWrite[] }> {
  const userIds = [...new Set(works.map((work) => work.userId))];
  // One read per 500 streams; the states come back whole even when the batch outgrows the state cache.
  const loaded =
    userIds.length > 1
      ? await context.aggregates.loadMany(userIds.map(streams.training), aggregateKinds.training)
      : undefined;
  const states = new Map<string, TrainingState>();
  const revisions = new Map<string, number>();
  for (const userId of userIds) {
    const stream = streams.training(userId);
    const { state, revision } = loaded?.get(stream) ?? (await context.aggregates.load(stream, aggregateKinds.training));
    states.set(userId, state);
    revisions.set(userId, revision);
  }
  const { results, changes } = decideTrainingWork(works, states, context.referenceData, {
    now: context.now,
    actorId: context.meta.actorId,
    atomic: options.atomic,
  });
  const writes: PlannedWrite[] = [];
  for (const [userId, change] of changes) {
    if (change.events.length === 0) continue;
    writes.push({
      stream: streams.training(userId),
      expectedRevision: expectedFrom(revisions.get(userId) ?? -1),
      events: change.events,
      // A reaction records its own trigger as cause and the triggering command's actor (R20).
      metadata: change.causes.map((cause) => cause ?? {}),
      stateAfter: change.state,
    });
  }
  return { results, writes };
}

/**
 * A bulk command's outcomes, one per user or pair, the failed ones already judged (R17, before any decision): each of
 * the others takes its work's result, in order: the domain's refusal, or its decision's outcome and message.
 */
export function settleOutcomes(outcomes: PairOutcome[], results: readonly TrainingWorkResult[]): void {
  let next = 0;
  for (const outcome of outcomes) {
    if (outcome.outcome === 'failed') continue;
    const result = results[next++];
    if (result?.error) {
      const { code, message, rule } = result.error;
      Object.assign(outcome, { outcome: 'failed', code, message, ...(rule ? { rule } : {}) });
    } else if (result?.decision) {
      const { decision } = result;
      Object.assign(outcome, {
        outcome: decision.outcome,
        message: decision.message,
        ...(decision.heldVia ? { heldVia: decision.heldVia } : {}),
      });
    }
  }
}
