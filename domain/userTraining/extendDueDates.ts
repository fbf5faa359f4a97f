/**
 * R26, R16, R17: an ExtendDueDates reaches a rule's holders, a group's members or listed users; each user is judged
 * on their own, permission first, then their own training decides (extendDueDate). A listed user outside the actor's
 * scope is FORBIDDEN and nothing else is said; a holder or member outside it is counted, never named, as GroupMembers
 * counts them: the reply must not tell an actor who, outside their scope, holds a rule or belongs to a group.
 */
import type { z } from 'zod';
import { groupMemberIds } from '../policies/groupMembershipPolicy';
import type { Actor } from '../policies/permissionPolicy';
import { authorize, requireAllowed } from '../policies/permissionPolicy';
import { ruleAudience } from '../policies/ruleAudiencePolicy';
import type { RuleHolding } from '../reactions/ruleHolders';
import type { ReferenceData } from '../referenceData/referenceData';
import type { ErrorCode, RuleId } from '../shared/domainError';
import { DomainError, notFound, ruleViolation } from '../shared/domainError';
import type { PairReport } from './bulkAssignment';
import type { ExtendDueDatesSchema } from './correctionCommands';
import type { TrainingWork } from './trainingWork';

export type ExtendDueDatesData = z.output<typeof ExtendDueDatesSchema>;

/** A user the extension cannot reach, and why. */
export interface RefusedUser {
  userId: string;
  code: ErrorCode;
  message: string;
  rule?: RuleId | undefined;
}

/**
 * The course, the users reached in order, the work for those the actor may act on, the refused ones, and how many
 * holders or members were left out as outside the actor's scope.
 */
export interface ExtensionReach {
  courseId: string;
  userIds: string[];
  works: Map<string, TrainingWork>;
  refused: Map<string, RefusedUser>;
  outsideScope: number;
}

const ACTION = 'extend due dates';

export function extensionReach(
  data: ExtendDueDatesData,
  actor: Actor,
  referenceData: ReferenceData,
  holders: RuleHolding | undefined,
): ExtensionReach {
  const { courseId, userIds, ruleId } = targetOf(data, actor, referenceData, holders);
  const course = referenceData.courses.get(courseId);
  if (!course) throw notFound(`course ${courseId} does not exist: check the id`, { courseId });
  const named = 'userIds' in data.target;
  const works = new Map<string, TrainingWork>();
  const refused = new Map<string, RefusedUser>();
  const reached: string[] = [];
  let outsideScope = 0;
  for (const userId of userIds) {
    const verdict = authorize(
      actor,
      { permission: 'assignment.standard', action: ACTION, userId, course },
      referenceData.orgChart,
    );
    if (!verdict.allowed && !named) {
      outsideScope++;
      continue;
    }
    reached.push(userId);
    if (!verdict.allowed) refused.set(userId, { userId, code: 'FORBIDDEN', message: verdict.message, rule: 'R17' });
    else if (!referenceData.users.has(userId))
      refused.set(userId, { userId, code: 'NOT_FOUND', message: `user ${userId} is not registered: check the id` });
    else {
      const command = { type: 'ExtendDueDate' as const, courseId, ruleId, by: data.by, reason: data.reason };
      works.set(userId, { userId, command });
    }
  }
  return { courseId, userIds: reached, works, refused, outsideScope };
}

/** A rule's holders or a group's members, none within the actor's scope: refused, with how many, naming nobody. */
export function noneInScope(outsideScope: number): DomainError {
  return new DomainError(
    'FORBIDDEN',
    `no due date could be extended: the target reaches ${outsideScope} ${outsideScope === 1 ? 'user' : 'users'}, none within your scope`,
    { outsideScope },
    'R17',
  );
}

/** The reply's sentence about the holders or members left out, if any. */
export const outsideScopeText = (outsideScope: number): string =>
  outsideScope === 0 ? '' : `; ${outsideScope} outside your scope left as they are`;

/** Whom the target names: a rule's holders (as the reactor knows them), a group's members now, or the users listed. */
function targetOf(
  data: ExtendDueDatesData,
  actor: Actor,
  referenceData: ReferenceData,
  holders: RuleHolding | undefined,
): { courseId: string; userIds: string[]; ruleId?: string } {
  const { target } = data;
  if ('userIds' in target) return { courseId: data.courseId as string, userIds: [...new Set(target.userIds)] };
  if ('groupId' in target) {
    const group = referenceData.groups.get(target.groupId);
    if (!group) throw notFound(`group ${target.groupId} does not exist: check the id`, { groupId: target.groupId });
    return { courseId: data.courseId as string, userIds: groupMemberIds(group, referenceData).sort() };
  }
  const rule = referenceData.rules.get(target.ruleId);
  if (!rule) throw notFound(`assignment rule ${target.ruleId} does not exist: check the id`, { ruleId: target.ruleId });
  if (data.courseId !== undefined && data.courseId !== rule.courseId)
    throw ruleViolation(
      `assignment rule ${rule.ruleId} assigns ${rule.courseId}, not ${data.courseId}: leave courseId out or name the rule's course`,
      { ruleId: rule.ruleId, courseId: data.courseId },
    );
  // R17: a rule created outside the actor's user side is not theirs to act on.
  const course = referenceData.courses.get(rule.courseId);
  requireAllowed(
    authorize(
      actor,
      {
        permission: 'assignment.standard',
        action: `${ACTION} of assignment rule ${rule.ruleId}`,
        userId: rule.createdBy,
        ...(course ? { course } : {}),
      },
      referenceData.orgChart,
    ),
  );
  const userIds = holders ? holders.of(rule.ruleId) : ruleAudience(rule, referenceData);
  return { courseId: rule.courseId, userIds, ruleId: rule.ruleId };
}

/** When every user was refused, the command is: with the first refusal's code and rule, every user in details. */
export function noneExtended(failed: readonly PairReport[], details: Record<string, unknown>): DomainError {
  const first = failed[0] as PairReport;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more refusals)` : '';
  return new DomainError(
    first.code ?? 'RULE_VIOLATION',
    `no due date could be extended: ${first.message}${more}`,
    details,
    first.rule,
  );
}
