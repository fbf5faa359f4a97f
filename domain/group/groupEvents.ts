import { z } from 'zod';
import { BoundedCriteriaSchema } from '../shared/criteria';
import { IdSchema, NameSchema } from '../shared/primitives';

export const GroupKindSchema = z.enum(['static', 'dynamic']);

export const GroupCreatedSchema = z.object({
  groupId: IdSchema,
  name: NameSchema,
  kind: GroupKindSchema,
  /** Dynamic groups only: membership follows these criteria over user attributes. */
  criteria: BoundedCriteriaSchema.nullable(),
});
export const GroupMemberAddedSchema = z.object({ groupId: IdSchema, userId: IdSchema });
export const GroupMemberRemovedSchema = z.object({ groupId: IdSchema, userId: IdSchema });

export const groupEventSchemas = {
  GroupCreated: GroupCreatedSchema,
  GroupMemberAdded: GroupMemberAddedSchema,
  GroupMemberRemoved: GroupMemberRemovedSchema,
} as const;
