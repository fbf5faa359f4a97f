import { z } from 'zod';
import { DateInputSchema, IdSchema, ReasonSchema } from '../shared/primitives';

const assignment = { userId: IdSchema, courseId: IdSchema };

/** R16: many users × many courses; each pair is decided on its own. */
export const AssignCourseSchema = z
  .object({
    userIds: z.array(IdSchema).min(1).max(100_000),
    courseIds: z.array(IdSchema).min(1).max(1_000),
    dueDate: DateInputSchema.optional(),
    required: z.boolean().default(true),
  })
  .strict()
  .refine((command) => command.userIds.length * command.courseIds.length <= 100_000, {
    error: 'at most 100,000 user × course pairs per AssignCourse',
  });

export const UnassignCourseSchema = z.object(assignment).strict();
/** dueDate null removes an admin's override, so the policy (R3) applies again. */
export const ChangeDueDateSchema = z.object({ ...assignment, dueDate: DateInputSchema.nullable() }).strict();
/** ruleId omitted: every rule source of the assignment. */
export const ExemptUserSchema = z.object({ ...assignment, ruleId: IdSchema.optional(), reason: ReasonSchema }).strict();
export const RemoveExemptionSchema = z.object({ ...assignment, ruleId: IdSchema.optional() }).strict();
export const ExemptionTickSchema = z
  .object({ courseId: IdSchema, ruleId: IdSchema.optional(), exempted: z.boolean(), reason: ReasonSchema.optional() })
  .strict()
  .refine((tick) => !tick.exempted || tick.reason !== undefined, {
    error: 'a ticked exemption needs a reason',
    path: ['reason'],
  });
export const SaveExemptionsSchema = z
  .object({ userId: IdSchema, exemptions: z.array(ExemptionTickSchema).min(1).max(1000) })
  .strict();
export const StartCourseSchema = z.object(assignment).strict();
export const RecordProgressSchema = z.object({ ...assignment, progress: z.number().min(0).max(100) }).strict();
export const CompleteCourseSchema = z
  .object({ ...assignment, completedOn: DateInputSchema.optional(), score: z.number().min(0).max(100).optional() })
  .strict();
/** userIds omitted: every user in the actor's scope. */
export const RunScheduledTransitionsSchema = z
  .object({ userIds: z.array(IdSchema).min(1).max(100_000).optional() })
  .strict();

export const trainingCommandSchemas = {
  AssignCourse: AssignCourseSchema,
  UnassignCourse: UnassignCourseSchema,
  ChangeDueDate: ChangeDueDateSchema,
  ExemptUser: ExemptUserSchema,
  RemoveExemption: RemoveExemptionSchema,
  SaveExemptions: SaveExemptionsSchema,
  StartCourse: StartCourseSchema,
  RecordProgress: RecordProgressSchema,
  CompleteCourse: CompleteCourseSchema,
  RunScheduledTransitions: RunScheduledTransitionsSchema,
} as const;

export type ExemptionTick = z.infer<typeof ExemptionTickSchema>;
