import { z } from 'zod';
import { AssignmentPreferencesSchema } from './portalEvents';

export const SetAssignmentPreferencesSchema = AssignmentPreferencesSchema.partial().strict();
export type SetAssignmentPreferences = z.infer<typeof SetAssignmentPreferencesSchema>;

export const portalCommandSchemas = {
  SetAssignmentPreferences: SetAssignmentPreferencesSchema,
} as const;
