import { ulid } from 'ulid';
import type { CommandHandler } from '../handlers/commandHandler';
import { check } from './measure';

/** The bench portal's administrator: every workload's commands and queries are asked as this user. */
export const ADMIN = 'admin';
export const actor = { userId: ADMIN };

/** A dynamic rule over everyone, due `days` after it reaches each user (the reactor then applies it). */
export function createRuleOverEveryone(engine: CommandHandler, ruleId: string, courseId: string, days: number) {
  return send(engine, 'CreateAssignmentRule', {
    ruleId,
    courseId,
    target: { kind: 'group', groupId: 'everyone' },
    mode: 'dynamic',
    due: { kind: 'relative', days },
  });
}

/** One command as the admin; a refusal fails the bench (its setup must succeed). */
export async function send(engine: CommandHandler, type: string, data: unknown): Promise<void> {
  const reply = await engine.handle({ commandId: ulid(), type, actor, data });
  check(reply.ok, `${type} refused: ${reply.ok ? '' : reply.error.message}`);
}
