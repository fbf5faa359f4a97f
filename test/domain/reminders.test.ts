import type { TrainingEvent } from '../../domain/userTraining/trainingState';
import { assigned, due, given, ruleSource } from '../support/trainingSpec';

const tick = { type: 'RunScheduledTransitions' as const };
const reminders = { reminderDays: [7, 1] };
const dueSoon = (daysBefore: number, daysLeft: number): TrainingEvent => ({
  type: 'AssignmentDueSoon',
  data: { userId: 'u1', courseId: 'fire-safety', dueDate: '2026-02-02', daysBefore, daysLeft },
});
const history = [assigned(ruleSource(), '2026-02-02')];

describe('reminders and overdue escalation (R23)', () => {
  test('R23: on each reminder day before the due date, one DueSoon notice', () => {
    given(history).when(tick, { now: '2026-01-25T09:00:00Z', preferences: reminders }).then([]);
    given(history)
      .when(tick, { now: '2026-01-26T09:00:00Z', preferences: reminders })
      .then([dueSoon(7, 7)]);
    given([...history, dueSoon(7, 7)])
      .when(tick, { now: '2026-01-27T09:00:00Z', preferences: reminders })
      .then([]);
    given([...history, dueSoon(7, 7)])
      .when(tick, { now: '2026-02-01T09:00:00Z', preferences: reminders })
      .then([dueSoon(1, 1)]);
    given([...history, dueSoon(7, 7), dueSoon(1, 1)])
      .when(tick, { now: '2026-02-02T09:00:00Z', preferences: reminders })
      .then([]);
  });

  test('R23: after downtime only the nearest reminder day reached goes out, not the stale ones', () => {
    given(history)
      .when(tick, { now: '2026-02-01T09:00:00Z', preferences: reminders })
      .then([dueSoon(1, 1)]);
  });

  test('R23: exempt and completed assignments get no reminder and no overdue notice', () => {
    const exempted: TrainingEvent = {
      type: 'ExemptionApplied',
      data: {
        userId: 'u1',
        courseId: 'fire-safety',
        ruleId: 'r-eng',
        reason: 'covered',
        appliedBy: 'admin',
        appliedAt: '2026-01-20T09:00:00Z',
        ...due(null),
        visible: false,
      },
    };
    given([...history, exempted])
      .when(tick, { now: '2026-01-26T09:00:00Z', preferences: reminders })
      .then([]);
    given([...history, exempted])
      .when(tick, { now: '2026-02-10T09:00:00Z', preferences: reminders })
      .then([]);
    const finished: TrainingEvent = {
      type: 'CourseCompleted',
      data: {
        userId: 'u1',
        courseId: 'fire-safety',
        version: 1,
        completedOn: '2026-01-20',
        score: 80,
        expiresOn: null,
      },
    };
    given([...history, finished])
      .when(tick, { now: '2026-01-26T09:00:00Z', preferences: reminders })
      .then([]);
  });

  test('R23: a new due date starts its reminders again', () => {
    const moved: TrainingEvent = {
      type: 'DueDateChanged',
      data: {
        userId: 'u1',
        courseId: 'fire-safety',
        ...due('2026-03-02'),
        previousDueDate: '2026-02-02',
        override: '2026-03-02',
      },
    };
    given([...history, dueSoon(7, 7), moved])
      .when(tick, { now: '2026-02-23T09:00:00Z', preferences: reminders })
      .then([
        {
          type: 'AssignmentDueSoon',
          data: { userId: 'u1', courseId: 'fire-safety', dueDate: '2026-03-02', daysBefore: 7, daysLeft: 7 },
        },
      ]);
  });

  test("R23: with escalation on, the overdue notice names the user's manager", () => {
    given(history)
      .when(tick, { now: '2026-02-03T10:00:00Z', managerId: 'grace', preferences: { escalateOverdueToManager: true } })
      .then([
        {
          type: 'AssignmentOverdue',
          data: { userId: 'u1', courseId: 'fire-safety', dueDate: '2026-02-02', escalateTo: 'grace' },
        },
      ]);
    given(history)
      .when(tick, { now: '2026-02-03T10:00:00Z', managerId: null, preferences: { escalateOverdueToManager: true } })
      .then([{ type: 'AssignmentOverdue', data: { userId: 'u1', courseId: 'fire-safety', dueDate: '2026-02-02' } }]);
  });
});
