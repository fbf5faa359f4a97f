import type { CommandReply, QueryReply } from '../../handlers/ports/reply';

/**
 * The engine's error codes as HTTP statuses: the same codes as NATS (DESIGN.md section 4), each answered with the
 * status a web client expects. A success is 200; the body is the NATS reply, unchanged.
 */
export const statusOfCode: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RULE_VIOLATION: 422,
  UNAVAILABLE: 503,
};

export function httpStatusOf(reply: CommandReply | QueryReply): number {
  if (reply.ok) return 200;
  return statusOfCode[reply.error.code] ?? 500;
}

/** A refusal made by the transport itself (before the engine saw anything), in the engine's reply shape. */
export function transportFailure(code: string, message: string, commandId?: string | null) {
  return {
    ok: false as const,
    ...(commandId !== undefined ? { commandId } : {}),
    error: { code, message, details: {} },
  };
}
