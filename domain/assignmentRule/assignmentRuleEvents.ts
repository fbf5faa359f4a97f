import { z } from 'zod';
import { GrantConstraintsSchema } from '../access/accessEvents';
import { DueRuleSchema } from '../shared/dueRule';
import { IdSchema, InstantSchema, NameSchema } from '../shared/primitives';

export const RuleTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('group'), groupId: IdSchema }),
  z.strictObject({ kind: z.literal('allUsers') }),
  z.strictObject({ kind: z.literal('newStarters') }),
]);
export type RuleTarget = z.infer<typeof RuleTargetSchema>;

export const RuleModeSchema = z.enum(['standard', 'dynamic']);
export type RuleMode = z.infer<typeof RuleModeSchema>;

/** The settings an admin may change after creation; they apply to assignments made or reset afterwards. */
export const RuleSettingsSchema = z.object({
  name: NameSchema,
  due: DueRuleSchema,
  dynamicReassignment: z.boolean(),
  upgradeToLatestVersion: z.boolean(),
  required: z.boolean(),
});
export type RuleSettings = z.infer<typeof RuleSettingsSchema>;

export const AssignmentRuleCreatedSchema = RuleSettingsSchema.extend({
  ruleId: IdSchema,
  courseId: IdSchema,
  target: RuleTargetSchema,
  mode: RuleModeSchema,
  createdBy: IdSchema,
  createdAt: InstantSchema,
  /** The creator's user-side constraints when they are constrained (R17): the rule assigns only within them. */
  audienceScope: z.array(GrantConstraintsSchema).nullable(),
});
export const AssignmentRuleUpdatedSchema = z.object({
  ruleId: IdSchema,
  changed: z.array(z.string()),
  settings: RuleSettingsSchema,
});
export const AssignmentRuleRetiredSchema = z.object({ ruleId: IdSchema });

export const assignmentRuleEventSchemas = {
  AssignmentRuleCreated: AssignmentRuleCreatedSchema,
  AssignmentRuleUpdated: AssignmentRuleUpdatedSchema,
  AssignmentRuleRetired: AssignmentRuleRetiredSchema,
} as const;
