import { z } from 'zod';
import { ErrorCodeSchema, RuleIdSchema } from '../../domain/shared/domainError';
import { PairOutcomeSchema } from '../../domain/userTraining/bulkAssignment';

/** The reply envelope of DESIGN.md section 4. `results` is added for AssignCourse (R16): one outcome per pair. */
export { PairOutcomeSchema };
export type PairOutcome = z.infer<typeof PairOutcomeSchema>;

/** R25: a set of users a command affects: how many, and the first ids (sorted). */
export const UsersAffectedSchema = z.object({ count: z.number().int().min(0), first: z.array(z.string()) });
export type UsersAffected = z.infer<typeof UsersAffectedSchema>;

/** R25: what a command does (or, previewed, would do) to whose training. */
export const CommandEffectsSchema = z.object({
  eventCounts: z.record(z.string(), z.number().int()),
  gaining: UsersAffectedSchema,
  losing: UsersAffectedSchema,
  upgraded: UsersAffectedSchema,
  exempted: UsersAffectedSchema,
  /** Users the target takes in whom the actor's scope leaves out (R17): the rule does not reach them. */
  outsideScope: UsersAffectedSchema,
});
export type CommandEffects = z.infer<typeof CommandEffectsSchema>;

export const CommandSuccessSchema = z.object({
  ok: z.literal(true),
  commandId: z.string(),
  position: z.number().int().min(0),
  events: z.array(z.object({ type: z.string(), stream: z.string() })),
  message: z.string(),
  warnings: z.array(z.string()),
  /** R27: past MAX_REPLY_DETAILS events, the reply lists the first ones and counts them all by type. */
  eventCounts: z.record(z.string(), z.number().int()).optional(),
  eventsTotal: z.number().int().optional(),
  /** R27: at most MAX_REPLY_DETAILS pairs; every pair is read with the CommandOutcome query. */
  results: z.array(PairOutcomeSchema).optional(),
  /** R27: with `results`: how many pairs had each outcome, and how many there were in all. */
  resultCounts: z.record(z.string(), z.number().int()).optional(),
  resultsTotal: z.number().int().optional(),
  /** R25: true on a preview: nothing was stored, `events` and `effects` say what the command would do. */
  dryRun: z.literal(true).optional(),
  /** R25: the command's effect on whose training (previews, and the real replies of rule commands). */
  effects: CommandEffectsSchema.optional(),
});

export const CommandErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  /** The DESIGN.md rule id (R1..R30) the refusal enforces, when one decides it; the message never cites it. */
  rule: RuleIdSchema.optional(),
});

export const CommandFailureSchema = z.object({
  ok: z.literal(false),
  commandId: z.string().nullable(),
  error: CommandErrorSchema,
});

export const CommandReplySchema = z.discriminatedUnion('ok', [CommandSuccessSchema, CommandFailureSchema]);
export type CommandSuccess = z.infer<typeof CommandSuccessSchema>;
export type CommandFailure = z.infer<typeof CommandFailureSchema>;
export type CommandReply = z.infer<typeof CommandReplySchema>;

/** The reply to a query (DESIGN.md section 4): the position the answer reflects, or an error with the same codes. */
export const QueryFailureSchema = z.object({
  ok: z.literal(false),
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
    /** As a command's: the DESIGN.md rule id the refusal enforces (R17 for a view out of scope), when one does. */
    rule: RuleIdSchema.optional(),
  }),
});
export const QueryReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), position: z.number().int(), result: z.unknown() }),
  QueryFailureSchema,
]);
export type QueryReply = z.infer<typeof QueryReplySchema>;
