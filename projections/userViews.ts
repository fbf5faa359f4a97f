import type { Directory } from '../domain/directory/directory';
import type { DueDateExplanation } from '../domain/policies/dueDatePolicy';
import { explainDueDate } from '../domain/policies/dueDatePolicy';
import type { TrainingStatus } from '../domain/policies/versionPolicy';
import { isPast } from '../domain/shared/calendar';
import { sourceLabel } from '../domain/userTraining/assignmentSource';
import type { Assignment, Completion, TrainingState } from '../domain/userTraining/trainingState';
import { isRequired, isVisible } from '../domain/userTraining/trainingState';

/** Row builders for the per-user views, pure: the same rows whether built live or by a projection. */

export interface DashboardRow {
  courseId: string;
  title: string;
  kind: string;
  required: boolean;
  dueDate: string | null;
  status: TrainingStatus;
  overdue: boolean;
  version: number;
  progress: number;
}

export interface SourceView {
  kind: string;
  label: string;
  ruleId: string | null;
  assignedOn: string;
  exempt: boolean;
}

export interface UserAssignmentRow extends DashboardRow {
  sources: SourceView[];
  assignedOn: string;
  startedOn: string | null;
  completedOn: string | null;
  score: number | null;
  completions: Completion[];
}

export interface ExemptionRow {
  courseId: string;
  title: string;
  ruleId: string;
  source: string;
  exempted: boolean;
  reason: string | null;
  appliedBy: string | null;
  appliedAt: string | null;
}

/** Overdue is derived at read time (R5): the due date has ended in the user's zone and the training is unfinished. */
export function isOverdue(assignment: Assignment, now: string, timeZone: string): boolean {
  return assignment.status !== 'completed' && assignment.dueDate !== null && isPast(assignment.dueDate, now, timeZone);
}

function titleOf(directory: Directory, courseId: string) {
  const course = directory.courses.get(courseId);
  return { title: course?.title ?? courseId, kind: course?.kind ?? 'course' };
}

function sortByDue<T extends { dueDate: string | null; title: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => (a.dueDate ?? '9999') .localeCompare(b.dueDate ?? '9999') || a.title.localeCompare(b.title));
}

/** What the learner sees: visible assignments only (R6 hides exempted ones, R9 brings them back). */
export function dashboardRows(state: TrainingState, directory: Directory, userId: string, now: string): DashboardRow[] {
  const timeZone = directory.timeZoneOf(userId);
  return sortByDue(
    Object.values(state.assignments)
      .filter(isVisible)
      .map((assignment) => ({
        courseId: assignment.courseId,
        ...titleOf(directory, assignment.courseId),
        required: isRequired(assignment),
        dueDate: assignment.dueDate,
        status: assignment.status,
        overdue: isOverdue(assignment, now, timeZone),
        version: assignment.version,
        progress: assignment.progress,
      })),
  );
}

/** The admin's view of one user: every visible assignment with its sources as the seeds label them. */
export function userAssignmentRows(state: TrainingState, directory: Directory, userId: string, now: string): UserAssignmentRow[] {
  const dashboard = new Map(dashboardRows(state, directory, userId, now).map((row) => [row.courseId, row]));
  return [...dashboard.values()].map((row) => {
    const assignment = state.assignments[row.courseId] as Assignment;
    return {
      ...row,
      sources: assignment.sources.map((source) => ({ kind: source.kind, label: sourceLabel(source), ruleId: source.ruleId, assignedOn: source.assignedOn, exempt: source.exempt })),
      assignedOn: assignment.assignedOn,
      startedOn: assignment.startedOn,
      completedOn: assignment.completedOn,
      score: assignment.score,
      completions: assignment.completions,
    };
  });
}

/** R7: every rule-sourced assignment that can be exempted; exempted ones ticked with reason, who and when. */
export function exemptionRows(state: TrainingState, directory: Directory): ExemptionRow[] {
  const rows: ExemptionRow[] = [];
  for (const assignment of Object.values(state.assignments)) {
    if (!assignment.active) continue;
    for (const source of assignment.sources) {
      if (source.ruleId === null) continue;
      rows.push({
        courseId: assignment.courseId,
        title: titleOf(directory, assignment.courseId).title,
        ruleId: source.ruleId,
        source: sourceLabel(source),
        exempted: source.exempt,
        reason: source.exemption?.reason ?? null,
        appliedBy: source.exemption?.appliedBy ?? null,
        appliedAt: source.exemption?.appliedAt ?? null,
      });
    }
  }
  return rows.sort((a, b) => a.title.localeCompare(b.title) || a.source.localeCompare(b.source));
}

export interface AssignmentExplanation {
  userId: string;
  courseId: string;
  title: string;
  active: boolean;
  visible: boolean;
  status: TrainingStatus;
  version: number;
  sources: (SourceView & { rule: { name: string; mode: string; createdBy: string } | null; exemption: { reason: string; appliedBy: string; appliedAt: string } | null })[];
  dueDate: DueDateExplanation;
  lastRemoval: Assignment['lastRemoval'];
}

/** Why an assignment exists: each source and its rule, every due-date candidate and the winner, exemptions. */
export function explainAssignment(state: TrainingState, directory: Directory, userId: string, courseId: string): AssignmentExplanation | undefined {
  const assignment = state.assignments[courseId];
  if (!assignment) return undefined;
  return {
    userId,
    courseId,
    title: titleOf(directory, courseId).title,
    active: assignment.active,
    visible: isVisible(assignment),
    status: assignment.status,
    version: assignment.version,
    sources: assignment.sources.map((source) => {
      const rule = source.ruleId === null ? undefined : directory.rules.get(source.ruleId);
      return {
        kind: source.kind,
        label: sourceLabel(source),
        ruleId: source.ruleId,
        assignedOn: source.assignedOn,
        exempt: source.exempt,
        rule: rule ? { name: rule.name, mode: rule.mode, createdBy: rule.createdBy } : null,
        exemption: source.exemption,
      };
    }),
    // The policy that chose the stored due date, not today's portal setting (a change applies at the next recompute).
    dueDate: explainDueDate(assignment.sources, assignment.dueOverride, assignment.dueDatePolicy),
    lastRemoval: assignment.lastRemoval,
  };
}
