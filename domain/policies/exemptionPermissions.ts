import type { ReferenceData } from '../referenceData/referenceData';
import { notFound } from '../shared/domainError';
import { requirePermissionAtAll } from './actorPolicy';
import type { PairVerdict } from './commandPermissions';
import type { Actor } from './permissionPolicy';
import { authorize } from './permissionPolicy';

const ACTION = 'exempt users from training';

/**
 * R6, R16, R17: ExemptUser for many users (`userIds`). The actor must hold exemptions.manage at all and the course must
 * exist; each user is then judged on their own (exemptionUserVerdict), so users outside the actor's scope are refused
 * one by one and the others exempted.
 */
export function authorizeBulkExemption(courseId: string, actor: Actor, referenceData: ReferenceData): void {
  requirePermissionAtAll(actor, 'exemptions.manage', ACTION);
  if (!referenceData.courses.has(courseId))
    throw notFound(`course ${courseId} does not exist: check the id`, { courseId });
}

/**
 * One user of a bulk exemption: within the actor's exemptions.manage (both sides) first, so a user outside the scope
 * answers FORBIDDEN and nothing else (R17); then registered.
 */
export function exemptionUserVerdict(
  actor: Actor,
  referenceData: ReferenceData,
  userId: string,
  courseId: string,
): PairVerdict {
  const course = referenceData.courses.get(courseId);
  const demand = { permission: 'exemptions.manage' as const, action: ACTION, userId, ...(course ? { course } : {}) };
  const decision = authorize(actor, demand, referenceData.orgChart);
  if (!decision.allowed)
    return { ok: false, code: 'FORBIDDEN', reason: 'FORBIDDEN', message: decision.message, rule: 'R17' };
  if (!referenceData.users.has(userId))
    return {
      ok: false,
      code: 'NOT_FOUND',
      reason: 'USER_NOT_FOUND',
      message: `user ${userId} is not registered: check the id`,
    };
  return { ok: true };
}
