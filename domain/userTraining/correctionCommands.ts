/** R26: the correction commands; each needs a reason, recorded on the event it decides. */
import { z } from 'zod';
import { DateInputSchema, IdSchema, ReasonSchema } from '../shared/primitives';

const assignment = { userId: IdSchema, courseId: IdSchema };

/** A completion's date or score (or both) as they should have been recorded; at least one of them. */
export const CorrectCompletionSchema = z
  .object({
    ...assignment,
    completedOn: DateInputSchema.optional(),
    score: z.number().min(0).max(100).nullable().optional(),
    reason: ReasonSchema,
  })
  .strict()
  .refine((command) => command.completedOn !== undefined || command.score !== undefined, {
    error: 'give the corrected completedOn, the corrected score, or both',
    path: ['completedOn'],
  });

export const RevokeCompletionSchema = z.object({ ...assignment, reason: ReasonSchema }).strict();

/** Whose due dates an ExtendDueDates moves: a rule's holders, a group's members, or listed users. */
export const ExtendTargetSchema = z.union([
  z.strictObject({ ruleId: IdSchema }),
  z.strictObject({ groupId: IdSchema }),
  z.strictObject({ userIds: z.array(IdSchema).min(1).max(100_000) }),
]);

/** By a number of days, or to a date. */
export const ExtendBySchema = z.union([
  z.strictObject({ days: z.number().int().min(1).max(3650) }),
  z.strictObject({ toDate: DateInputSchema }),
]);

/**
 * R26, R16: extend the due date of every matching active, unfinished assignment, each user on their own. The course
 * is the rule's for a rule target (naming another is refused); a group or listed users need `courseId`.
 */
export const ExtendDueDatesSchema = z
  .object({ target: ExtendTargetSchema, courseId: IdSchema.optional(), by: ExtendBySchema, reason: ReasonSchema })
  .strict()
  .refine((command) => 'ruleId' in command.target || command.courseId !== undefined, {
    error: 'name the course (courseId) whose due dates to extend for a group or listed users',
    path: ['courseId'],
  });

export const correctionCommandSchemas = {
  CorrectCompletion: CorrectCompletionSchema,
  RevokeCompletion: RevokeCompletionSchema,
  ExtendDueDates: ExtendDueDatesSchema,
} as const;
