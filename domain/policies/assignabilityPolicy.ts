import type { ExistingCourse } from '../course/courseDecider';
import type { ErrorCode, RuleId } from '../shared/domainError';
import type { UserProfile } from '../user/userEvents';
import { matchesCriteria } from './criteriaPolicy';

/** R15: an active course, visible to the user, for an active user. Each failure names its own reason. */
export type Assignability =
  | { ok: true }
  | {
      ok: false;
      code: ErrorCode;
      reason: 'USER_NOT_FOUND' | 'USER_INACTIVE' | 'COURSE_NOT_FOUND' | 'COURSE_INACTIVE' | 'NOT_VISIBLE';
      message: string;
      /** The spec rule that refuses the pair (R15 for an inactive or invisible course); none for an unknown id. */
      rule?: RuleId;
    };

export function assignability(
  courseId: string,
  course: ExistingCourse | undefined,
  userId: string,
  user: (UserProfile & { active: boolean }) | undefined,
  orgUnitPath: (orgUnitId: string) => readonly string[],
): Assignability {
  if (!user)
    return {
      ok: false,
      code: 'NOT_FOUND',
      reason: 'USER_NOT_FOUND',
      message: `user ${userId} is not registered: check the id`,
    };
  if (!user.active)
    return {
      ok: false,
      code: 'RULE_VIOLATION',
      reason: 'USER_INACTIVE',
      message: `user ${userId} is deactivated and cannot be assigned training`,
    };
  if (!course)
    return {
      ok: false,
      code: 'NOT_FOUND',
      reason: 'COURSE_NOT_FOUND',
      message: `course ${courseId} does not exist: check the id`,
    };
  if (!course.active) {
    return {
      ok: false,
      code: 'RULE_VIOLATION',
      reason: 'COURSE_INACTIVE',
      message: `course ${course.title} (${courseId}) is inactive: check the course is Active (ActivateCourse)`,
      rule: 'R15',
    };
  }
  if (course.visibility.kind === 'audience' && !matchesCriteria(course.visibility.criteria, user, orgUnitPath)) {
    return {
      ok: false,
      code: 'RULE_VIOLATION',
      reason: 'NOT_VISIBLE',
      message: `course ${course.title} (${courseId}) is not visible to user ${userId}: check the course's visibility rules`,
      rule: 'R15',
    };
  }
  return { ok: true };
}
