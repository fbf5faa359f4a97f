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
});
export type AssignmentPreferences = z.infer<typeof AssignmentPreferencesSchema>;

/** Carries the whole preference set after the change, so a reader never has to merge. */
export const AssignmentPreferencesSetSchema = AssignmentPreferencesSchema.extend({ changed: z.array(z.string()) });

export const portalEventSchemas = {
  AssignmentPreferencesSet: AssignmentPreferencesSetSchema,
} as const;
