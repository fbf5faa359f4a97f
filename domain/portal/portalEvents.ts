import { z } from 'zod';
import { TimeZoneSchema } from '../shared/primitives';

export const DueDatePolicySchema = z.enum(['earliest', 'latest']);
export type DueDatePolicy = z.infer<typeof DueDatePolicySchema>;

export const AssignmentPreferencesSchema = z.object({
  dueDatePolicy: DueDatePolicySchema,
  dynamicReassignment: z.boolean(),
  upgradeToLatestVersion: z.boolean(),
  notifyOnAssign: z.boolean(),
  timeZone: TimeZoneSchema,
  /** R23: days before a due date on which a DueSoon notice goes out (e.g. 7 and 1); none by default. */
  reminderDays: z
    .array(z.number().int().min(1).max(365))
    .max(10)
    .transform((days) => [...new Set(days)].sort((a, b) => b - a)),
  /** R23: the overdue notice also names the user's manager, for a notification to them. */
  escalateOverdueToManager: z.boolean(),
});
export type AssignmentPreferences = z.infer<typeof AssignmentPreferencesSchema>;

/** Carries the whole preference set after the change, so a reader never has to merge. */
export const AssignmentPreferencesSetSchema = AssignmentPreferencesSchema.extend({ changed: z.array(z.string()) });

export const portalEventSchemas = {
  AssignmentPreferencesSet: AssignmentPreferencesSetSchema,
} as const;
