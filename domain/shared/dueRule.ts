import { z } from 'zod';
import { DateInputSchema } from './primitives';

/** R2: a source's due date is relative (N days from its anchor day), fixed, or none. */
export const DueRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('relative'), days: z.number().int().min(0).max(3650) }),
  z.strictObject({ kind: z.literal('fixed'), date: DateInputSchema }),
  z.strictObject({ kind: z.literal('none') }),
]);
export type DueRule = z.infer<typeof DueRuleSchema>;
