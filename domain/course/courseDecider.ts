import type { Decider } from '../decider';
import { decision, describeEvents } from '../decider';
import { notFound, ruleViolation } from '../shared/domainError';
import type { MessagesOf } from '../shared/messages';
import type { Instant } from '../shared/primitives';
import type { courseCommandSchemas } from './courseCommands';
import type { CourseDefinition, courseEventSchemas } from './courseEvents';

export type CourseEvent = MessagesOf<typeof courseEventSchemas>;
export type CourseCommand = MessagesOf<typeof courseCommandSchemas>;
export type CourseVersion = { version: number; publishedAt: Instant };
export type CourseState =
  | { exists: false }
  | ({ exists: true; active: boolean; version: number; versions: CourseVersion[] } & CourseDefinition);
export type ExistingCourse = Extract<CourseState, { exists: true }>;

/** What a course decision needs beyond the course's stream. */
export interface CourseContext {
  now: Instant;
}

export const courseDecider: Decider<CourseCommand, CourseEvent, CourseState, CourseContext> = {
  initialState: () => ({ exists: false }),

  decide(command, state, context) {
    const events = decideCourseEvents(command, state, context);
    const upgraded = events.find((event) => event.type === 'CourseVersionUpgraded');
    const courseId = command.data.courseId;
    if (upgraded?.type === 'CourseVersionUpgraded') {
      return decision(
        events,
        `course ${courseId} upgraded from v${upgraded.data.previousVersion} to v${upgraded.data.version}: new assignments get v${upgraded.data.version}; users not started move to it when they start; those in progress or completed keep their version`,
      );
    }
    return decision(events, describeEvents(events, `course ${courseId}`));
  },

  evolve(state, event) {
    switch (event.type) {
      case 'CourseCreated': {
        const { version, publishedAt, ...definition } = event.data;
        return { exists: true, active: true, version, versions: [{ version, publishedAt }], ...definition };
      }
      case 'CourseVersionUpgraded':
        return state.exists
          ? {
              ...state,
              version: event.data.version,
              versions: [...state.versions, { version: event.data.version, publishedAt: event.data.publishedAt }],
            }
          : state;
      case 'CourseDeactivated':
        return state.exists ? { ...state, active: false } : state;
      case 'CourseActivated':
        return state.exists ? { ...state, active: true } : state;
    }
  },
};

function decideCourseEvents(command: CourseCommand, state: CourseState, context: CourseContext): CourseEvent[] {
  switch (command.type) {
    case 'CreateCourse':
      if (state.exists) {
        throw ruleViolation(
          `course ${command.data.courseId} already exists: use UpgradeVersion to publish a new version`,
          { courseId: command.data.courseId },
        );
      }
      return [{ type: 'CourseCreated', data: { ...command.data, version: 1, publishedAt: context.now } }];
    case 'UpgradeVersion': {
      const course = requireCourse(state, command.data.courseId);
      return [
        {
          type: 'CourseVersionUpgraded',
          data: {
            courseId: course.courseId,
            version: course.version + 1,
            previousVersion: course.version,
            publishedAt: context.now,
            notes: command.data.notes ?? null,
          },
        },
      ];
    }
    case 'DeactivateCourse': {
      const course = requireCourse(state, command.data.courseId);
      return course.active ? [{ type: 'CourseDeactivated', data: { courseId: course.courseId } }] : [];
    }
    case 'ActivateCourse': {
      const course = requireCourse(state, command.data.courseId);
      return course.active ? [] : [{ type: 'CourseActivated', data: { courseId: course.courseId } }];
    }
  }
}

function requireCourse(state: CourseState, courseId: string): ExistingCourse {
  if (!state.exists)
    throw notFound(`course ${courseId} does not exist: check the id or create it with CreateCourse`, { courseId });
  return state;
}
