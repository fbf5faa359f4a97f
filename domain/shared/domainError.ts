import { z } from 'zod';

export const ErrorCodeSchema = z.enum([
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'FORBIDDEN',
  'RULE_VIOLATION',
  'CONFLICT',
  'UNAVAILABLE',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** The id of a DESIGN.md rule (R1..R30) a refusal enforces; replies carry it in `rule`, never in the message. */
export type RuleId = `R${number}`;
/** A rule id in a reply or pair outcome: `R` and a number (the contract's pattern). */
export const RuleIdSchema = z.templateLiteral(['R', z.number().int()]) satisfies z.ZodType<RuleId>;

/**
 * A refusal decided by the domain or the handler: a code the caller can branch on and a message saying what to fix,
 * in plain words. `rule` names the spec rule that decides the refusal, when one does (not for an unknown id or
 * malformed input).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly rule?: RuleId,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (message: string, details?: Record<string, unknown>, rule?: RuleId) =>
  new DomainError('NOT_FOUND', message, details, rule);
export const ruleViolation = (message: string, details?: Record<string, unknown>, rule?: RuleId) =>
  new DomainError('RULE_VIOLATION', message, details, rule);
export const forbidden = (message: string, details?: Record<string, unknown>, rule?: RuleId) =>
  new DomainError('FORBIDDEN', message, details, rule);
