import type { z } from 'zod';
import type { QueryName } from '../queries';
import { AssignmentRulesResultSchema, AssignmentSummaryResultSchema } from './assignmentRuleResults';
import { AssignmentHistoryResultSchema, ExplainAssignmentResultSchema } from './auditResults';
import { CommandOutcomeResultSchema } from './commandOutcomeResult';
import { CoursesResultSchema } from './courseResults';
import { GroupMembersResultSchema, GroupsResultSchema } from './groupResults';
import { MiReportResultSchema, MiSummaryResultSchema, VersionStatusResultSchema } from './miResults';
import { MyTeamResultSchema, SearchUsersResultSchema } from './peopleResults';
import { UserProfileResultSchema } from './userProfileResult';
import { UserAssignmentsResultSchema, UserDashboardResultSchema, UserExemptionsResultSchema } from './userViewResults';

/**
 * The `result` of each query's reply (issue #16): the contract documents type every reply with these, and a test
 * parses each query's real answer with its schema. A new query does not typecheck until it has one.
 */
export const queryResultSchemas: Record<QueryName, z.ZodType> = {
  UserDashboard: UserDashboardResultSchema,
  UserAssignments: UserAssignmentsResultSchema,
  UserExemptions: UserExemptionsResultSchema,
  MiReport: MiReportResultSchema,
  MiSummary: MiSummaryResultSchema,
  MyTeam: MyTeamResultSchema,
  SearchUsers: SearchUsersResultSchema,
  AssignmentHistory: AssignmentHistoryResultSchema,
  ExplainAssignment: ExplainAssignmentResultSchema,
  VersionStatus: VersionStatusResultSchema,
  AssignmentRules: AssignmentRulesResultSchema,
  AssignmentSummary: AssignmentSummaryResultSchema,
  Groups: GroupsResultSchema,
  GroupMembers: GroupMembersResultSchema,
  Courses: CoursesResultSchema,
  UserProfile: UserProfileResultSchema,
  CommandOutcome: CommandOutcomeResultSchema,
};
