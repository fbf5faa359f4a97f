import { z } from 'zod';
import { IdSchema } from '../shared/primitives';
import { GroupCreatedSchema } from './groupEvents';

export const CreateGroupSchema = GroupCreatedSchema.extend({
  criteria: GroupCreatedSchema.shape.criteria.default(null),
})
  .strict()
  .refine((group) => (group.kind === 'dynamic') === (group.criteria !== null), {
    error: 'a dynamic group needs criteria and a static group takes none',
    path: ['criteria'],
  });

/** One member (`userId`) or many at once (`userIds`, up to 10,000). */
const membership = z
  .object({ groupId: IdSchema, userId: IdSchema.optional(), userIds: z.array(IdSchema).min(1).max(10_000).optional() })
  .strict()
  .refine((command) => (command.userId === undefined) !== (command.userIds === undefined), {
    error: 'give userId or userIds, not both',
  })
  .transform(({ groupId, userId, userIds }) => ({ groupId, userIds: [...new Set(userIds ?? [userId as string])] }));

export const AddGroupMemberSchema = membership;
export const RemoveGroupMemberSchema = membership;

export const groupCommandSchemas = {
  CreateGroup: CreateGroupSchema,
  AddGroupMember: AddGroupMemberSchema,
  RemoveGroupMember: RemoveGroupMemberSchema,
} as const;
