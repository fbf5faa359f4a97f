import type { DomainEvent } from '../../domain/events';
import type { ExpectedRevision } from '../ports/eventStore';
import type { AggregateKind } from '../aggregateStore';
import type { Plan, PlanContext } from '../plan';

export const expectedFrom = (revision: number): ExpectedRevision => (revision === -1 ? 'no_stream' : revision);

/** The common shape: load one stream, decide, append with the revision that was read. */
export async function planOnStream<State>(
  context: PlanContext,
  stream: string,
  kind: AggregateKind<State>,
  decide: (state: State) => DomainEvent[],
  describe: (events: DomainEvent[]) => string,
): Promise<Plan> {
  const { state, revision } = await context.aggregates.load(stream, kind);
  const events = decide(state);
  return { writes: [{ stream, expectedRevision: expectedFrom(revision), events }], message: describe(events) };
}

const nothingChanged = 'nothing changed: the state already matches';

export function describeEvents(events: DomainEvent[], what: string): string {
  return events.length === 0
    ? `${what}: ${nothingChanged}`
    : `${what}: ${events.map((event) => event.type).join(', ')}`;
}
