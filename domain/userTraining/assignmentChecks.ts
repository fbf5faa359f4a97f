/** What a decision requires of the assignment it acts on; each failure says what to check. */
import type { ExistingCourse } from '../course/courseDecider';
import { DomainError, notFound, ruleViolation } from '../shared/domainError';
import { sourceLabel } from './assignmentSource';
import type { TrainingContext } from './trainingDecision';
import type { Assignment, SourceState, TrainingState } from './trainingState';
import { isVisible } from './trainingState';

export const titleOf = (courseId: string, context: TrainingContext): string =>
  context.course(courseId)?.title ?? courseId;

export function requireCourse(courseId: string, context: TrainingContext): ExistingCourse {
  const course = context.course(courseId);
  if (!course) throw notFound(`course ${courseId} does not exist: check the id`, { courseId });
  return course;
}

export function requireActive(state: TrainingState, courseId: string, context: TrainingContext): Assignment {
  const current = state.assignments.get(courseId);
  if (!current?.active)
    throw notFound(`${context.userId} has no assignment of ${courseId}`, { userId: context.userId, courseId });
  return current;
}

/** Progress needs an assignment the learner can see: an exempted one is off their dashboard (R6). */
export function requireWorkable(state: TrainingState, courseId: string, context: TrainingContext): Assignment {
  const current = requireActive(state, courseId, context);
  if (!isVisible(current))
    throw ruleViolation(
      `${context.userId} is exempt from ${courseId}: remove the exemption before recording progress`,
      { courseId },
      'R6',
    );
  return current;
}

export function requireRuleSource(current: Assignment, ruleId: string, context: TrainingContext): SourceState {
  const source = current.sources.find((held) => held.ruleId === ruleId);
  if (!source) {
    throw new DomainError(
      'NOT_FOUND',
      `${context.userId} does not hold ${current.courseId} via rule ${ruleId}; it is held via ${current.sources.map(sourceLabel).join(', ')}`,
      {
        courseId: current.courseId,
        ruleId,
      },
    );
  }
  return source;
}
