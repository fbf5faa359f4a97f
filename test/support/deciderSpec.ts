import type { Decider, Decision } from '../../domain/decider';
import { DomainError } from '../../domain/shared/domainError';

/**
 * Given/when/then over any aggregate's decider (after Emmett's DeciderSpecification): given the events of its stream,
 * when a command is decided in a context, then these events (or this refusal). Every domain test states its rule so.
 */
export function deciderSpec<Command, Event, State, Context, Result extends Decision<Event>>(
  decider: Decider<Command, Event, State, Context, Result>,
) {
  const stateOf = (events: readonly Event[]): State => events.reduce(decider.evolve, decider.initialState());
  return (given: readonly Event[] = []) => ({
    when(command: Command, context: Context) {
      const run = (): Result => decider.decide(command, stateOf(given), context);
      return {
        /** The decision itself, to check its message and warnings. */
        run,
        /** The events decided, exactly; or a check of the events and the decision. */
        then(expected: Event[] | ((events: Event[], decision: Result) => void)): Result {
          const decision = run();
          if (typeof expected === 'function') expected(decision.events, decision);
          else expect(decision.events).toEqual(expected);
          return decision;
        },
        /** Nothing changes, and the reply says why. */
        thenNothingHappened(message?: RegExp): Result {
          const decision = run();
          expect(decision.events).toEqual([]);
          if (message) expect(decision.message).toMatch(message);
          return decision;
        },
        /** Refused with this code, the message saying what to check. */
        thenRefused(code: DomainError['code'], message: RegExp): DomainError {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(DomainError);
          const error = caught as DomainError;
          expect(error.code).toBe(code);
          expect(error.message).toMatch(message);
          return error;
        },
        /** The state after the decided events, to check what readers will see. */
        state(): State {
          return stateOf([...given, ...run().events]);
        },
      };
    },
  });
}
