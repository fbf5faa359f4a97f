import type { z } from 'zod';
import { accessDecider } from '../domain/access/accessDecider';
import { accessEventSchemas } from '../domain/access/accessEvents';
import { assignmentRuleDecider } from '../domain/assignmentRule/assignmentRuleDecider';
import { assignmentRuleEventSchemas } from '../domain/assignmentRule/assignmentRuleEvents';
import { courseDecider } from '../domain/course/courseDecider';
import { courseEventSchemas } from '../domain/course/courseEvents';
import type { Decider } from '../domain/decider';
import type { DomainEvent } from '../domain/events';
import { groupDecider } from '../domain/group/groupDecider';
import { groupEventSchemas } from '../domain/group/groupEvents';
import { orgUnitDecider } from '../domain/orgUnit/orgUnitDecider';
import { orgUnitEventSchemas } from '../domain/orgUnit/orgUnitEvents';
import { portalDecider } from '../domain/portal/portalDecider';
import { portalEventSchemas } from '../domain/portal/portalEvents';
import type { MessagesOf } from '../domain/shared/messages';
import { userDecider } from '../domain/user/userDecider';
import { userEventSchemas } from '../domain/user/userEvents';
import { trainingDecider } from '../domain/userTraining/trainingDecider';
import { trainingEventSchemas } from '../domain/userTraining/trainingEvents';
import { trainingSnapshots } from '../domain/userTraining/trainingSnapshot';
import type { AggregateKind } from './aggregateStore';

/** Adapts a decider's evolve (over its own events) to the stream fold (over any domain event). */
function kindOf<Schemas extends Record<string, z.ZodType>, State>(
  schemas: Schemas,
  decider: Pick<Decider<unknown, MessagesOf<Schemas>, State, unknown>, 'initialState' | 'evolve' | 'evolveAll'>,
): AggregateKind<State> {
  const own = (event: DomainEvent): event is DomainEvent & MessagesOf<Schemas> =>
    Object.prototype.hasOwnProperty.call(schemas, event.type);
  const evolveAll =
    decider.evolveAll?.bind(decider) ??
    ((state: State, events: readonly MessagesOf<Schemas>[]) => events.reduce(decider.evolve.bind(decider), state));
  return {
    initial: () => decider.initialState(),
    evolveAll: (state, events) => {
      const owned = events.filter(own);
      return owned.length === 0 ? state : evolveAll(state, owned);
    },
  };
}

export const aggregateKinds = {
  portal: kindOf(portalEventSchemas, portalDecider),
  orgUnit: kindOf(orgUnitEventSchemas, orgUnitDecider),
  user: kindOf(userEventSchemas, userDecider),
  course: kindOf(courseEventSchemas, courseDecider),
  group: kindOf(groupEventSchemas, groupDecider),
  rule: kindOf(assignmentRuleEventSchemas, assignmentRuleDecider),
  training: { ...kindOf(trainingEventSchemas, trainingDecider), snapshots: trainingSnapshots },
  access: kindOf(accessEventSchemas, accessDecider),
};
