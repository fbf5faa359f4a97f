import type { TrainingStatus } from '../domain/policies/versionPolicy';
import type { RetakeView } from '../domain/queryResults/userViewResults';
import type { Assignment, Completion, SourceState } from '../domain/userTraining/trainingState';
import { isRequired, isVisible } from '../domain/userTraining/trainingState';

/**
 * The rows a user's training projects to, derived from the folded state by pure functions: the same events give
 * the same rows, whether built live or by a rebuild (R20). Nothing here reads the clock: overdue is derived when
 * reading (R5).
 */

export interface AssignmentRow {
  userId: string;
  courseId: string;
  /** False when every source is exempt (R6): such a row is in no view but the exemptions view. */
  visible: boolean;
  required: boolean;
  status: TrainingStatus;
  progress: number;
  version: number;
  dueDate: string | null;
  assignedOn: string;
  startedOn: string | null;
  completedOn: string | null;
  score: number | null;
  /** Stored as `sourcesColumn` writes them. */
  sources: readonly SourceState[];
  completions: Completion[];
  expiresOn: string | null;
  /** R24: the retake assigned in the recertification window, while the completion is still valid. */
  retake: RetakeView | null;
}

export interface ExemptionRow {
  userId: string;
  courseId: string;
  ruleId: string;
  exempted: boolean;
  reason: string | null;
  appliedBy: string | null;
  appliedAt: string | null;
  /** R6: the day the exemption ends; null without an end date or while not exempt. */
  until: string | null;
}

export function assignmentRow(userId: string, assignment: Assignment): AssignmentRow {
  return {
    userId,
    courseId: assignment.courseId,
    visible: isVisible(assignment),
    required: isRequired(assignment),
    status: assignment.status,
    progress: assignment.progress,
    version: assignment.version,
    dueDate: assignment.dueDate,
    assignedOn: assignment.assignedOn,
    startedOn: assignment.startedOn,
    completedOn: assignment.completedOn,
    score: assignment.score,
    sources: assignment.sources,
    completions: assignment.completions,
    expiresOn: assignment.status === 'completed' ? assignment.expiresOn : null,
    retake: assignment.retake
      ? { dueOn: assignment.retake.dueOn, startedOn: assignment.retake.startedOn, progress: assignment.retake.progress }
      : null,
  };
}

/**
 * R7: each rule source of an assignment (none when it is not current), ticked when exempt, with reason, applied-by
 * and applied-at, in rule order.
 */
export function exemptionRows(userId: string, assignment: Assignment): ExemptionRow[] {
  if (!assignment.active) return [];
  const rows: ExemptionRow[] = [];
  for (const source of assignment.sources) {
    if (source.ruleId === null) continue;
    rows.push({
      userId,
      courseId: assignment.courseId,
      ruleId: source.ruleId,
      exempted: source.exempt,
      reason: source.exemption?.reason ?? null,
      appliedBy: source.exemption?.appliedBy ?? null,
      appliedAt: source.exemption?.appliedAt ?? null,
      until: source.exemption?.until ?? null,
    });
  }
  return rows.sort((a, b) => a.ruleId.localeCompare(b.ruleId));
}

/** Whether two lists of exemption rows (as exemptionRows gives them, in rule order) hold the same rows. */
export function sameExemptionRows(a: ExemptionRow[], b: ExemptionRow[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((row, i) => {
    const other = b[i] as ExemptionRow;
    return (Object.keys(row) as (keyof ExemptionRow)[]).every((key) => row[key] === other[key]);
  });
}
