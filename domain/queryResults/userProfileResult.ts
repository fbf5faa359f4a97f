import { z } from 'zod';
import { CalendarDateSchema, IdSchema } from '../shared/primitives';
import { TrainingStatusSchema } from '../userTraining/trainingEvents';

/**
 * The result of UserProfile (DESIGN.md section 4): the individual-assignment seed's profile drawer: user details,
 * current assignments with their sources, progress and due dates, and the completion history.
 */

export const ProfileSourceSchema = z.strictObject({
  kind: z.string(),
  /** "Individual", "Group: Engineering", "Mandatory", "Default for New Starters"; "a rule outside your scope" (R17). */
  label: z.string(),
  /** Null for an individual source and for a rule outside the actor's scope (R17). */
  ruleId: IdSchema.nullable(),
  assignedOn: CalendarDateSchema,
  exempt: z.boolean(),
  /** R6: the day this source's exemption ends, when it has an end date. */
  exemptUntil: CalendarDateSchema.optional(),
});

export const ProfileAssignmentSchema = z.strictObject({
  courseId: IdSchema,
  title: z.string(),
  required: z.boolean(),
  status: TrainingStatusSchema,
  progress: z.number(),
  version: z.number().int(),
  dueDate: CalendarDateSchema.nullable(),
  overdue: z.boolean(),
  assignedOn: CalendarDateSchema,
  startedOn: CalendarDateSchema.nullable(),
  completedOn: CalendarDateSchema.nullable(),
  score: z.number().nullable(),
  expiresOn: CalendarDateSchema.nullable(),
  sources: z.array(ProfileSourceSchema),
});

export const ProfileCompletionSchema = z.strictObject({
  courseId: IdSchema,
  title: z.string(),
  completedOn: CalendarDateSchema,
  score: z.number().nullable(),
  /** The version completed (R13: never relabelled). */
  version: z.number().int(),
  /** False when the assignment has since been removed (its history stays, R4). */
  currentlyAssigned: z.boolean(),
  /** R26: revoked: kept in the history so marked, it no longer counts. */
  revoked: z.boolean(),
});

export const UserProfileResultSchema = z.strictObject({
  user: z.strictObject({
    userId: IdSchema,
    name: z.string(),
    email: z.string(),
    orgUnitId: IdSchema,
    orgUnitName: z.string(),
    department: z.string().nullable(),
    role: z.string().nullable(),
    location: z.string().nullable(),
    managerId: IdSchema.nullable(),
    managerName: z.string().nullable(),
    hireDate: CalendarDateSchema,
    timeZone: z.string(),
    active: z.boolean(),
  }),
  groups: z.array(z.strictObject({ groupId: IdSchema, name: z.string() })),
  /** Current visible assignments (R6: fully exempt ones are absent), soonest due first. */
  assignments: z.array(ProfileAssignmentSchema),
  /** Every completion, newest first, of courses the actor may see. */
  completionHistory: z.array(ProfileCompletionSchema),
});
export type UserProfileResult = z.infer<typeof UserProfileResultSchema>;
export type ProfileAssignment = z.infer<typeof ProfileAssignmentSchema>;
