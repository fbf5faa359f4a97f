import { z } from 'zod';
import { GroupKindSchema } from '../group/groupEvents';
import { CriteriaSchema } from '../shared/criteria';
import { IdSchema } from '../shared/primitives';

/** The results of Groups and GroupMembers (DESIGN.md section 4). */

const count = z.number().int().min(0);

export const GroupViewSchema = z.strictObject({
  groupId: IdSchema,
  name: z.string(),
  kind: GroupKindSchema,
  /** Dynamic groups only: membership follows these criteria (R10). */
  criteria: CriteriaSchema.nullable(),
  /** Members now (a dynamic group's: the active users matching its criteria), in scope or not. */
  memberCount: count,
  /** Members the actor may view. */
  membersInScope: count,
  /** The rules targeting the group that the actor may see (R17: created by users within their scope). */
  rules: z.array(z.strictObject({ ruleId: IdSchema, name: z.string(), courseId: IdSchema, retired: z.boolean() })),
});
export type GroupView = z.infer<typeof GroupViewSchema>;

export const GroupsResultSchema = z.array(GroupViewSchema);
export type GroupsResult = z.infer<typeof GroupsResultSchema>;

export const GroupMemberRowSchema = z.strictObject({
  userId: IdSchema,
  name: z.string(),
  email: z.string(),
  orgUnitId: IdSchema,
  department: z.string().nullable(),
  role: z.string().nullable(),
  active: z.boolean(),
});
export type GroupMemberRow = z.infer<typeof GroupMemberRowSchema>;

export const GroupMembersResultSchema = z.strictObject({
  groupId: IdSchema,
  name: z.string(),
  kind: GroupKindSchema,
  /** Members the actor may view; `rows` is the page `offset`..`offset + limit` of them, by name. */
  total: count,
  /** Members the actor may not view: counted, never listed. */
  outsideScope: count,
  offset: count,
  limit: count,
  rows: z.array(GroupMemberRowSchema),
});
export type GroupMembersResult = z.infer<typeof GroupMembersResultSchema>;
