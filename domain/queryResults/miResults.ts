import { z } from 'zod';
import { VersioningSchema } from '../course/courseEvents';
import { CalendarDateSchema, IdSchema } from '../shared/primitives';
import { TrainingStatusSchema } from '../userTraining/trainingEvents';

/**
 * The results of MiReport, MiSummary and VersionStatus (DESIGN.md section 4): management information over the users
 * in the actor's reporting scope (R17), visible assignments of active users only (R6).
 */

const count = z.number().int().min(0);

/** One user × course of the MI report. */
export const MiReportRowSchema = z
  .object({
    userId: IdSchema,
    name: z.string(),
    department: z.string().nullable(),
    orgUnitId: IdSchema,
    courseId: IdSchema,
    title: z.string(),
    required: z.boolean(),
    status: TrainingStatusSchema,
    progress: z.number(),
    version: z.number().int(),
    dueDate: CalendarDateSchema.nullable(),
    /** R5: past the due date in the user's time zone and not completed. */
    overdue: z.boolean(),
    completedOn: CalendarDateSchema.nullable(),
    score: z.number().nullable(),
  })
  .strict();

/** The page `offset`..`offset + limit` of the rows, by user and course. */
export const MiReportResultSchema = z.array(MiReportRowSchema);

/** One group of MiSummary: its assignments per status, how many are overdue, and the completion rate. */
export const MiSummaryRowSchema = z
  .object({
    /** The group's course id, department or org unit id; null for the rows without one (no department). */
    key: z.string().nullable(),
    /** What people read for the group: the course's title, the org unit's name, the department. */
    label: z.string().nullable(),
    assigned: count,
    notStarted: count,
    inProgress: count,
    completed: count,
    expired: count,
    overdue: count,
    /** completed / assigned, from 0 to 1. */
    completionRate: z.number().min(0).max(1),
  })
  .strict();
export type MiSummaryRow = z.infer<typeof MiSummaryRowSchema>;

/** One row per group, by key (null first). */
export const MiSummaryResultSchema = z.array(MiSummaryRowSchema);

/** R13, R14: who is on which version of one course, and what happens to them on an upgrade. */
export const VersionStatusResultSchema = z
  .object({
    courseId: IdSchema,
    title: z.string(),
    latestVersion: z.number().int().min(1),
    versioning: VersioningSchema,
    versions: z.array(
      z
        .object({
          version: z.number().int().min(1),
          users: count,
          notStarted: count,
          inProgress: count,
          completed: count,
          expired: count,
          /** Not started or expired on an older version: they move to the latest when they register (R14). */
          willUpgradeOnRegistration: count,
          /** What an upgrade means for this version's users, in words. */
          upgrade: z.string(),
        })
        .strict(),
    ),
  })
  .strict();
