import { z } from 'zod';
import type { ErrorCode, RuleId } from '../shared/domainError';
import { DomainError, ErrorCodeSchema, RuleIdSchema } from '../shared/domainError';

/** What became of one pair of a bulk command (R16): a training outcome, or `failed` with its code. */
export const PairOutcomeKindSchema = z.enum([
  'assigned',
  'reassigned',
  'sourceAdded',
  'unchanged',
  'skipped',
  'changed',
  'removed',
  'failed',
]);

/**
 * One pair as a reply and the CommandOutcome query report it (R16, R27). Here rather than with the reply envelope so
 * the query results (domain/queryResults) can use it.
 */
export const PairOutcomeSchema = z.object({
  userId: z.string(),
  courseId: z.string(),
  outcome: PairOutcomeKindSchema,
  message: z.string(),
  code: ErrorCodeSchema.optional(),
  reason: z.string().optional(),
  /** A refused pair: the DESIGN.md rule that refused it (R15, R17, ...); the message stays plain words. */
  rule: RuleIdSchema.optional(),
  heldVia: z.array(z.string()).optional(),
});

/** One AssignCourse pair as the reply reports it (R16). */
export interface PairReport {
  userId: string;
  courseId: string;
  outcome: string;
  message: string;
  code?: ErrorCode | undefined;
  rule?: RuleId | undefined;
}

/** R16: the reply's message over every pair: the pair's own message when there is one, else counts per outcome. */
export function describePairs(pairs: readonly PairReport[]): string {
  if (pairs.length === 1) return (pairs[0] as PairReport).message;
  const counts = new Map<string, number>();
  for (const pair of pairs) counts.set(pair.outcome, (counts.get(pair.outcome) ?? 0) + 1);
  return `${pairs.length} pairs: ${[...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ')}`;
}

/** The warning a refused pair adds to a reply that succeeded for others. */
export const pairWarning = (pair: PairReport): string => `${pair.userId} × ${pair.courseId}: ${pair.message}`;

/**
 * When no pair could be assigned, the command is refused with the first refusal's code and rule; every pair is in
 * details.
 */
export function noPairAssigned(failed: readonly PairReport[], details: Record<string, unknown>): DomainError {
  const first = failed[0] as PairReport;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more refusals)` : '';
  const message = failed.length === 1 ? first.message : `no pair could be assigned: ${first.message}${more}`;
  return new DomainError(first.code ?? 'RULE_VIOLATION', message, details, first.rule);
}
