/**
 * R26: the events that correct what was recorded, each a new event with its reason: history is never rewritten.
 * Spread into `trainingEventSchemas`; the due-date corrections ride on `DueDateChanged` (`correction`, `reason`), so
 * the notification service hears of a moved due date as it always has (R22).
 */
import { z } from 'zod';
import { DueDatePolicySchema } from '../portal/portalEvents';
import { CalendarDateSchema, IdSchema, InstantSchema, ReasonSchema } from '../shared/primitives';

const assignment = { userId: IdSchema, courseId: IdSchema };
const score = z.number().min(0).max(100).nullable();
const status = z.enum(['notStarted', 'inProgress', 'completed', 'expired']);

/** How an ExtendDueDates moved a due date: by a number of days, or to a date. */
export const ExtensionSchema = z.union([
  z.strictObject({ days: z.number().int().min(1).max(3650) }),
  z.strictObject({ toDate: CalendarDateSchema }),
]);
export type Extension = z.infer<typeof ExtensionSchema>;

/**
 * What a `DueDateChanged` corrects, when it is a correction (R26): an ExtendDueDates, or a corrected hire date moving
 * the new-starter sources that count from it (R18) to the corrected date (`sourceKeys`).
 */
export const DueDateCorrectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('extended'), by: ExtensionSchema }),
  z.strictObject({
    kind: z.literal('hireDateCorrected'),
    previousHireDate: CalendarDateSchema,
    hireDate: CalendarDateSchema,
    sourceKeys: z.array(z.string()),
  }),
]);
export type DueDateCorrection = z.infer<typeof DueDateCorrectionSchema>;

export const correctionEventSchemas = {
  /**
   * R26: the completion in force read the wrong date or score. Its version is kept (R13); `expiresOn` is worked out
   * again from the corrected date; an open retake (R24) is due on the new expiry date (`dueDate`).
   */
  CompletionCorrected: z.object({
    ...assignment,
    version: z.number().int().min(1),
    previousCompletedOn: CalendarDateSchema,
    completedOn: CalendarDateSchema,
    previousScore: score,
    score,
    previousExpiresOn: CalendarDateSchema.nullable(),
    expiresOn: CalendarDateSchema.nullable(),
    dueDate: CalendarDateSchema.nullable(),
    dueDatePolicy: DueDatePolicySchema,
    reason: ReasonSchema,
    correctedBy: IdSchema,
    correctedAt: InstantSchema,
  }),
  /**
   * R26: the completion in force is withdrawn; the assignment returns to what it was before it (`status`, `progress`),
   * due as before; the completion stays in history marked revoked, and its expiry no longer applies.
   */
  CompletionRevoked: z.object({
    ...assignment,
    version: z.number().int().min(1),
    completedOn: CalendarDateSchema,
    score,
    status,
    progress: z.number().min(0).max(100),
    reason: ReasonSchema,
    revokedBy: IdSchema,
    revokedAt: InstantSchema,
  }),
} as const;
