import { z } from 'zod';
import { ErrorCodeSchema } from '../shared/domainError';
import { CommandIdSchema } from '../shared/primitives';
import { PairOutcomeSchema } from '../userTraining/bulkAssignment';

/** The result of CommandOutcome (DESIGN.md section 4, R27): a command's whole outcome, read from its record. */
export const CommandOutcomeResultSchema = z
  .object({
    /** The canonical (upper-case) ULID. */
    commandId: CommandIdSchema,
    /** The command's type; null for a record that does not say. */
    type: z.string().nullable(),
    ok: z.boolean(),
    /** The refusal's code; null when the command succeeded. */
    code: ErrorCodeSchema.nullable(),
    message: z.string(),
    /** Where the command's events were stored; null when it was refused. */
    position: z.number().int().nullable(),
    /** Every pair by outcome. */
    resultCounts: z.record(z.string(), z.number().int().min(0)),
    /** How many pairs match the `outcome` filter; `results` is the page `offset`..`offset + limit` of them. */
    total: z.number().int().min(0),
    offset: z.number().int().min(0),
    results: z.array(PairOutcomeSchema.strict()),
    /** The same page of the reply's warnings. */
    warnings: z.array(z.string()),
  })
  .strict();
export type CommandOutcomeView = z.infer<typeof CommandOutcomeResultSchema>;
