import type { Command } from '../../domain/commands';
import { authorizeCommand } from '../../domain/policies/commandPermissions';
import type { Plan, PlanContext } from '../plan';
import { planExemptUser } from './exemptionPlanner';
import { planExtendDueDates } from './extendDueDatesPlanner';
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

/** Routes a validated command to its planner, once the actor may send it (R17). */
export function planCommand(command: Command, context: PlanContext): Promise<Plan> {
  authorizeCommand(command, context.actor, context.referenceData);
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
    case 'ExtendDueDates':
      return planExtendDueDates(command, context);
    case 'ExemptUser':
      return planExemptUser(command, context);
    case 'RunScheduledTransitions':
      return planScheduledTransitions(command, context);
    case 'GrantPermission':
    case 'RevokePermission':
      return planAccessCommand(command, context);
    default:
      return planSingleUserTraining(command, context);
  }
}
