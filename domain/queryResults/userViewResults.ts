import { z } from 'zod';
import { CourseKindSchema } from '../course/courseEvents';
import { CalendarDateSchema, IdSchema, InstantSchema } from '../shared/primitives';
import { SourceKindSchema } from '../userTraining/assignmentSource';
import { TrainingStatusSchema } from '../userTraining/trainingEvents';

/**
 * The results of UserDashboard, UserAssignments and UserExemptions (DESIGN.md section 4): one user's training.
 * Objects are strict: a field a query adds must be added here too, or the contract test says so.
 */

/** One reason the user holds an assignment (R1), as the read model keeps it. */
export const SourceViewSchema = z
  .object({
    kind: SourceKindSchema,
    /** "Individual", "Group: Engineering", "Mandatory", "Default for New Starters". */
    label: z.string(),
    /** Null for an individual source. */
    ruleId: IdSchema.nullable(),
    assignedOn: CalendarDateSchema,
    exempt: z.boolean(),
    /** R6: the day this source's exemption ends, when it has an end date. */
    exemptUntil: CalendarDateSchema.optional(),
  })
  .strict();
export type SourceView = z.infer<typeof SourceViewSchema>;

/** R24: the retake assigned before a completion lapses, with its own progress. */
export const RetakeViewSchema = z
  .object({ dueOn: CalendarDateSchema, startedOn: CalendarDateSchema.nullable(), progress: z.number() })
  .strict();
export type RetakeView = z.infer<typeof RetakeViewSchema>;

/** One visible assignment (R6: fully exempt ones are absent) on the learner's dashboard and in My Team. */
export const DashboardRowSchema = z
  .object({
    courseId: IdSchema,
    title: z.string(),
    kind: CourseKindSchema,
    required: z.boolean(),
    dueDate: CalendarDateSchema.nullable(),
    status: TrainingStatusSchema,
    /** R5: past the due date in the user's time zone and not completed. */
    overdue: z.boolean(),
    version: z.number().int(),
    /** Percent of the version the user is on (R13). */
    progress: z.number(),
    /** When a completion lapses (R5); null while not completed or when it never does. */
    expiresOn: CalendarDateSchema.nullable(),
    retake: RetakeViewSchema.nullable(),
  })
  .strict();
export type DashboardRow = z.infer<typeof DashboardRowSchema>;

export const UserDashboardResultSchema = z.array(DashboardRowSchema);

/** The admin's view of one assignment: the dashboard row with its sources, dates and completions. */
export const UserAssignmentRowSchema = DashboardRowSchema.extend({
  sources: z.array(SourceViewSchema),
  assignedOn: CalendarDateSchema,
  /** A back-dated completion reads as started no later than it was completed. */
  startedOn: CalendarDateSchema.nullable(),
  completedOn: CalendarDateSchema.nullable(),
  score: z.number().nullable(),
  /**
   * Every completion, each on the version completed (R13); R26: a corrected one with what was first recorded, a
   * revoked one marked so (it no longer counts).
   */
  completions: z.array(
    z
      .object({
        completedOn: CalendarDateSchema,
        score: z.number().nullable(),
        version: z.number().int(),
        correctedFrom: z.object({ completedOn: CalendarDateSchema, score: z.number().nullable() }).strict().optional(),
        revoked: z.object({ reason: z.string(), revokedBy: IdSchema, revokedAt: InstantSchema }).strict().optional(),
      })
      .strict(),
  ),
}).strict();
export type UserAssignmentRow = z.infer<typeof UserAssignmentRowSchema>;

/** A user's visible assignments, soonest due first. */
export const UserAssignmentsResultSchema = z.array(UserAssignmentRowSchema);

/** R7: one rule source of a current assignment, ticked when exempt, with reason, applied-by and applied-at. */
export const ExemptionViewRowSchema = z
  .object({
    courseId: IdSchema,
    title: z.string(),
    ruleId: IdSchema,
    /** The source's label: "Group: Engineering", "Mandatory", "Default for New Starters". */
    source: z.string(),
    exempted: z.boolean(),
    /** Null while not exempt. */
    reason: z.string().nullable(),
    appliedBy: IdSchema.nullable(),
    appliedAt: InstantSchema.nullable(),
    /** R6: the day the exemption ends (the training is due again from then); null without an end date. */
    until: CalendarDateSchema.nullable(),
  })
  .strict();

/** R17: only rows of courses and rules within the actor's scope. */
export const UserExemptionsResultSchema = z.array(ExemptionViewRowSchema);
