import { z } from 'zod';
import { IdSchema } from '../shared/primitives';
import { RuleModeSchema, RuleSettingsSchema, RuleTargetSchema } from './assignmentRuleEvents';

export const CreateAssignmentRuleSchema = z
  .object({
    ruleId: IdSchema,
    name: RuleSettingsSchema.shape.name.optional(),
    courseId: IdSchema,
    target: RuleTargetSchema,
    mode: RuleModeSchema,
    due: RuleSettingsSchema.shape.due.default({ kind: 'none' }),
    /** Omitted: the portal preference (R12). */
    dynamicReassignment: z.boolean().optional(),
    upgradeToLatestVersion: z.boolean().optional(),
    required: z.boolean().default(true),
  })
  .strict();
export type CreateAssignmentRule = z.infer<typeof CreateAssignmentRuleSchema>;

export const UpdateAssignmentRuleSchema = RuleSettingsSchema.partial()
  .extend({ ruleId: IdSchema })
  .strict()
  .refine((command) => Object.keys(command).length > 1, { error: 'give at least one setting to change' });
export type UpdateAssignmentRule = z.infer<typeof UpdateAssignmentRuleSchema>;

export const RetireAssignmentRuleSchema = z.object({ ruleId: IdSchema }).strict();

export const assignmentRuleCommandSchemas = {
  CreateAssignmentRule: CreateAssignmentRuleSchema,
  UpdateAssignmentRule: UpdateAssignmentRuleSchema,
  RetireAssignmentRule: RetireAssignmentRuleSchema,
} as const;
