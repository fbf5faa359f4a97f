/**
 * Every aggregate's rules take one shape, the Decider made popular by the Emmett library: an initial state, `evolve`
 * to fold an event onto a state, and `decide` to turn a command into events given the state and what the command
 * needs to know beyond its stream (its context: time, reference data). `decide` is pure: time and ids come in as
 * arguments, refusals are thrown as DomainErrors.
 */
export interface Decider<Command, Event, State, Context, Result extends Decision<Event> = Decision<Event>> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  /** Folds events in order as `evolve` one by one would, where an aggregate can do it for less. */
  evolveAll?(state: State, events: readonly Event[]): State;
  decide(command: Command, state: State, context: Context): Result;
}

/** What a decision says: the events to append and the reply's sentences (R1, R4 and R8 make them part of the rule). */
export interface Decision<Event> {
  events: Event[];
  message: string;
  warnings: string[];
}

export const decision = <Event>(events: Event[], message: string, warnings: string[] = []): Decision<Event> => ({
  events,
  message,
  warnings,
});

/** The generic reply of a decision on one aggregate: what changed, or that nothing did. */
export function describeEvents(events: readonly { type: string }[], what: string): string {
  return events.length === 0
    ? `${what}: nothing changed: the state already matches`
    : `${what}: ${events.map((event) => event.type).join(', ')}`;
}
