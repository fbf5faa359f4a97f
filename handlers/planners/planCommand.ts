import type { Command } from '../../domain/commands';
import { forbidden } from '../../domain/shared/domainError';
import type { Plan, PlanContext } from '../plan';
import {
  planAccessCommand,
  planCourseCommand,
  planDefineOrgUnit,
  planGroupCommand,
  planSetAssignmentPreferences,
  planUserCommand,
} from './referencePlanners';
import { planRuleCommand } from './rulePlanner';
import { planScheduledTransitions } from './scheduledTransitionsPlanner';
import { planAssignCourse, planSingleUserTraining } from './trainingPlanner';

/** Routes a validated command to its planner, after checking that the actor is someone (R17). */
export function planCommand(command: Command, context: PlanContext): Promise<Plan> {
  requireKnownActor(context);
  switch (command.type) {
    case 'SetAssignmentPreferences':
      return planSetAssignmentPreferences(command, context);
    case 'DefineOrgUnit':
      return planDefineOrgUnit(command, context);
    case 'RegisterUser':
    case 'UpdateUserProfile':
    case 'DeactivateUser':
      return planUserCommand(command, context);
    case 'CreateCourse':
    case 'UpgradeVersion':
    case 'DeactivateCourse':
    case 'ActivateCourse':
      return planCourseCommand(command, context);
    case 'CreateGroup':
    case 'AddGroupMember':
    case 'RemoveGroupMember':
      return planGroupCommand(command, context);
    case 'CreateAssignmentRule':
    case 'UpdateAssignmentRule':
    case 'RetireAssignmentRule':
      return planRuleCommand(command, context);
    case 'AssignCourse':
      return planAssignCourse(command, context);
    case 'RunScheduledTransitions':
      return planScheduledTransitions(command, context);
    case 'GrantPermission':
    case 'RevokePermission':
      return planAccessCommand(command, context);
    default:
      return planSingleUserTraining(command, context);
  }
}

function requireKnownActor(context: PlanContext): void {
  const { actor, referenceData } = context;
  if (actor.isBootstrapAdmin) return;
  const user = referenceData.users.get(actor.userId);
  if (!user)
    throw forbiddenActor(`actor ${actor.userId} is not a registered user and holds no permissions`, actor.userId);
  if (!user.active) throw forbiddenActor(`actor ${actor.userId} is deactivated`, actor.userId);
}

const forbiddenActor = (message: string, actorId: string) => forbidden(message, { actorId });
