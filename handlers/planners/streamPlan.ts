import type { Decision } from '../../domain/decider';
import type { DomainEvent } from '../../domain/events';
import type { AggregateKind } from '../aggregateStore';
import type { Plan, PlanContext } from '../plan';
import type { ExpectedRevision } from '../ports/eventStore';

export const expectedFrom = (revision: number): ExpectedRevision => (revision === -1 ? 'no_stream' : revision);

/** The common shape: load one stream, let its decider decide, append with the revision that was read. */
export async function planOnStream<State>(
  context: PlanContext,
  stream: string,
  kind: AggregateKind<State>,
  decide: (state: State) => Decision<DomainEvent>,
): Promise<Plan> {
  const { state, revision } = await context.aggregates.load(stream, kind);
  const { events, message, warnings } = decide(state);
  return { writes: [{ stream, expectedRevision: expectedFrom(revision), events }], message, warnings };
}
