import type { z } from 'zod';
import type { QueryName } from '../queries';
import { AssignmentRulesResultSchema, AssignmentSummaryResultSchema } from './assignmentRuleResults';
import { CoursesResultSchema } from './courseResults';
import { GroupMembersResultSchema, GroupsResultSchema } from './groupResults';
import { UserProfileResultSchema } from './userProfileResult';

/**
 * The `result` of each query's reply, where it has a schema: the contract documents type these replies. The older
 * queries' results are not schema'd yet (issue #16: type them all), and their replies say `result` is any JSON.
 */
export const queryResultSchemas: Partial<Record<QueryName, z.ZodType>> = {
  AssignmentRules: AssignmentRulesResultSchema,
  AssignmentSummary: AssignmentSummaryResultSchema,
  Groups: GroupsResultSchema,
  GroupMembers: GroupMembersResultSchema,
  Courses: CoursesResultSchema,
  UserProfile: UserProfileResultSchema,
};
