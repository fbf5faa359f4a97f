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

/** A refusal decided by the domain or the handler: a code the caller can branch on and a message saying what to fix. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (message: string, details?: Record<string, unknown>) =>
  new DomainError('NOT_FOUND', message, details);
export const ruleViolation = (message: string, details?: Record<string, unknown>) =>
  new DomainError('RULE_VIOLATION', message, details);
export const forbidden = (message: string, details?: Record<string, unknown>) =>
  new DomainError('FORBIDDEN', message, details);
