import type { ExistingCourse } from '../../domain/course/courseDecider';
import { defaultPreferences } from '../../domain/portal/portalDecider';
import type { AssignmentPreferences } from '../../domain/portal/portalEvents';
import { todayIn } from '../../domain/shared/calendar';
import type { DueRule } from '../../domain/shared/dueRule';
import type { AssignmentSource } from '../../domain/userTraining/assignmentSource';
import type { RuleFacts, TrainingCommand, TrainingContext } from '../../domain/userTraining/trainingDecider';
import { trainingDecider } from '../../domain/userTraining/trainingDecider';
import type { TrainingEvent, TrainingState } from '../../domain/userTraining/trainingState';
import { deciderSpec } from './deciderSpec';

/** Given/when/then over a user's training events, the way the domain rules are stated. */

export const USER = 'u1';

export function course(overrides: Partial<ExistingCourse> = {}): ExistingCourse {
  return {
    exists: true,
    active: true,
    courseId: 'fire-safety',
    title: 'Fire Safety',
    kind: 'course',
    provider: 'Acme',
    trainingType: 'Compliance',
    versioning: 'standard',
    validityDays: null,
    visibility: { kind: 'everyone' },
    location: null,
    version: 1,
    versions: [{ version: 1, publishedAt: '2016-01-01T00:00:00.000Z' }],
    ...overrides,
  };
}

export function rule(overrides: Partial<RuleFacts> = {}): RuleFacts {
  return {
    ruleId: 'r-eng',
    courseId: 'fire-safety',
    kind: 'group',
    groupId: 'engineering',
    groupName: 'Engineering',
    due: { kind: 'relative', days: 28 },
    required: true,
    dynamic: true,
    dynamicReassignment: true,
    upgradeToLatestVersion: true,
    ...overrides,
  };
}

export function ruleSource(overrides: Partial<AssignmentSource> = {}): AssignmentSource {
  return {
    kind: 'group',
    ruleId: 'r-eng',
    groupId: 'engineering',
    groupName: 'Engineering',
    due: { kind: 'relative', days: 28 },
    anchorDate: '2026-01-05',
    assignedOn: '2026-01-05',
    assignedBy: 'admin',
    required: true,
    dynamic: true,
    dynamicReassignment: true,
    upgradeToLatestVersion: true,
    ...overrides,
  };
}

export function individualSource(
  due: DueRule = { kind: 'none' },
  overrides: Partial<AssignmentSource> = {},
): AssignmentSource {
  return ruleSource({
    kind: 'individual',
    ruleId: null,
    groupId: null,
    groupName: null,
    due,
    dynamic: false,
    dynamicReassignment: false,
    upgradeToLatestVersion: false,
    ...overrides,
  });
}

export function assigned(
  source: AssignmentSource,
  dueDate: string | null,
  courseId = 'fire-safety',
  version = 1,
): TrainingEvent {
  return {
    type: 'TrainingAssigned',
    data: { userId: USER, courseId, source, version, dueDate, dueDatePolicy: 'earliest', notify: true },
  };
}

/** The effective-due fields every due-carrying event has, under the default policy. */
export const due = (dueDate: string | null) => ({ dueDate, dueDatePolicy: 'earliest' as const });

export interface SpecOptions {
  rules?: Record<string, { due: DueRule; required: boolean }>;
  now?: string;
  timeZone?: string;
  hireDate?: string;
  courses?: ExistingCourse[];
  preferences?: Partial<AssignmentPreferences>;
  actorId?: string;
  managerId?: string | null;
  /** The rules whose target takes in the user now (R10); default: every rule does. */
  reachingRules?: string[];
}

export function contextFor(options: SpecOptions = {}): TrainingContext {
  const now = options.now ?? '2026-03-02T10:00:00.000Z';
  const timeZone = options.timeZone ?? 'Europe/London';
  const courses = options.courses ?? [course()];
  return {
    userId: USER,
    now,
    today: todayIn(now, timeZone),
    timeZone,
    hireDate: options.hireDate ?? '2025-06-01',
    managerId: options.managerId ?? null,
    actorId: options.actorId ?? 'admin',
    preferences: { ...defaultPreferences, ...options.preferences },
    course: (courseId) => courses.find((candidate) => candidate.courseId === courseId),
    rule: (ruleId) => options.rules?.[ruleId],
    ruleReaches: (ruleId) => options.reachingRules?.includes(ruleId) ?? true,
  };
}

const spec = deciderSpec(trainingDecider);

export function stateOf(events: readonly TrainingEvent[]): TrainingState {
  return events.reduce(trainingDecider.evolve, trainingDecider.initialState());
}

/** Given a user's training events, when a per-user command is decided with these options, then ... */
export function given(events: readonly TrainingEvent[] = []) {
  return {
    when(command: TrainingCommand, options: SpecOptions = {}) {
      return spec(events).when(command, contextFor(options));
    },
  };
}
