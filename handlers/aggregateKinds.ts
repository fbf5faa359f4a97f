import type { z } from 'zod';
import { evolveAccess, initialAccessState } from '../domain/access/accessDecider';
import { accessEventSchemas } from '../domain/access/accessEvents';
import { evolveAssignmentRule, initialAssignmentRuleState } from '../domain/assignmentRule/assignmentRuleDecider';
import { assignmentRuleEventSchemas } from '../domain/assignmentRule/assignmentRuleEvents';
import { evolveCourse, initialCourseState } from '../domain/course/courseDecider';
import { courseEventSchemas } from '../domain/course/courseEvents';
import type { DomainEvent } from '../domain/events';
import { evolveGroup, initialGroupState } from '../domain/group/groupDecider';
import { groupEventSchemas } from '../domain/group/groupEvents';
import { evolveOrgUnit, initialOrgUnitState } from '../domain/orgUnit/orgUnitDecider';
import { orgUnitEventSchemas } from '../domain/orgUnit/orgUnitEvents';
import { evolvePortal, initialPortalState } from '../domain/portal/portalDecider';
import { portalEventSchemas } from '../domain/portal/portalEvents';
import type { MessagesOf } from '../domain/shared/messages';
import { evolveUser, initialUserState } from '../domain/user/userDecider';
import { userEventSchemas } from '../domain/user/userEvents';
import { trainingEventSchemas } from '../domain/userTraining/trainingEvents';
import { evolveTraining, initialTrainingState } from '../domain/userTraining/trainingState';
import type { AggregateKind } from './aggregateStore';

/** Adapts an aggregate's evolve (over its own events) to the stream fold (over any domain event). */
function kind<Schemas extends Record<string, z.ZodType>, State>(
  schemas: Schemas,
  initial: () => State,
  evolve: (state: State, event: MessagesOf<Schemas>) => State,
): AggregateKind<State> {
  const own = (event: DomainEvent): event is DomainEvent & MessagesOf<Schemas> =>
    Object.prototype.hasOwnProperty.call(schemas, event.type);
  return { initial, evolve: (state, event) => (own(event) ? evolve(state, event) : state) };
}

export const aggregateKinds = {
  portal: kind(portalEventSchemas, initialPortalState, evolvePortal),
  orgUnit: kind(orgUnitEventSchemas, initialOrgUnitState, evolveOrgUnit),
  user: kind(userEventSchemas, initialUserState, evolveUser),
  course: kind(courseEventSchemas, initialCourseState, evolveCourse),
  group: kind(groupEventSchemas, initialGroupState, evolveGroup),
  rule: kind(assignmentRuleEventSchemas, initialAssignmentRuleState, evolveAssignmentRule),
  training: kind(trainingEventSchemas, initialTrainingState, evolveTraining),
  access: kind(accessEventSchemas, initialAccessState, evolveAccess),
};
