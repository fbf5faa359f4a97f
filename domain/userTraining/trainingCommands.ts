import { z } from 'zod';
import { DateInputSchema, IdSchema, ReasonSchema } from '../shared/primitives';
import { correctionCommandSchemas } from './correctionCommands';

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
/** R6: the day an exemption ends (the training is due again from then); null or omitted: no end date. */
const ExemptionEndSchema = DateInputSchema.nullable().optional();
/**
 * ruleId omitted: every rule source of the assignment. R6: `userIds` instead of `userId` exempts many users from the
 * course's rule in one command, each user decided on their own (R16, R17); `until` gives the exemption an end date.
 */
export const ExemptUserSchema = z
  .object({
    userId: IdSchema.optional(),
    userIds: z.array(IdSchema).min(1).max(100_000).optional(),
    courseId: IdSchema,
    ruleId: IdSchema.optional(),
    reason: ReasonSchema,
    until: ExemptionEndSchema,
  })
  .strict()
  .refine((command) => (command.userId === undefined) !== (command.userIds === undefined), {
    error: 'name the user with userId, or many users with userIds: exactly one of the two',
    path: ['userId'],
  });
export const RemoveExemptionSchema = z.object({ ...assignment, ruleId: IdSchema.optional() }).strict();
export const ExemptionTickSchema = z
  .object({
    courseId: IdSchema,
    ruleId: IdSchema.optional(),
    exempted: z.boolean(),
    reason: ReasonSchema.optional(),
    until: ExemptionEndSchema,
  })
  .strict()
  .refine((tick) => !tick.exempted || tick.reason !== undefined, {
    error: 'a ticked exemption needs a reason',
    path: ['reason'],
  })
  .refine((tick) => tick.exempted || tick.until === undefined, {
    error: 'only a ticked exemption has an end date',
    path: ['until'],
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
  ...correctionCommandSchemas,
} as const;

export type ExemptionTick = z.infer<typeof ExemptionTickSchema>;
