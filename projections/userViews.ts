import { isOverdue } from '../domain/policies/overduePolicy';
import type { DashboardRow, RetakeView, SourceView, UserAssignmentRow } from '../domain/queryResults/userViewResults';
import { todayIn } from '../domain/shared/calendar';
import { ReadModelQueries } from './readModelQueries';

interface AssignmentRecord {
  user_id: string;
  course_id: string;
  title: string | null;
  kind: DashboardRow['kind'] | null;
  required: number;
  status: DashboardRow['status'];
  progress: number;
  version: number;
  due_date: string | null;
  assigned_on: string;
  started_on: string | null;
  completed_on: string | null;
  score: number | null;
  expires_on: string | null;
  retake: string | null;
  /** Only read for the admin's view (`full`): the JSON columns are most of a row's bytes. */
  sources?: string;
  completions?: string;
}

/** Per user: the dashboard, the admin's view of a user's assignments, and the exemptions view (R6, R7). */
export class UserViews extends ReadModelQueries {
  /** A user's visible assignments (R6: exempted ones are absent), soonest due first. */
  userRows(userId: string, now: string): UserAssignmentRow[] {
    return this.rowsOfUsers([userId], now, true).get(userId) ?? [];
  }

  /** The visible assignments of several users in one query (My Team), each user's soonest due first. */
  rowsOfUsers(userIds: readonly string[], now: string, full: boolean): Map<string, UserAssignmentRow[]> {
    const records = this.statement<[string], AssignmentRecord>(
      `SELECT a.user_id, a.course_id, a.required, a.status, a.progress, a.version, a.due_date, a.assigned_on, a.started_on, a.completed_on, a.score, a.expires_on, a.retake,
         ${full ? 'a.sources, a.completions,' : ''} c.title, c.kind
       FROM assignments a LEFT JOIN courses c ON c.course_id = a.course_id
       WHERE a.user_id IN (SELECT value FROM json_each(?)) AND a.visible = 1
       ORDER BY a.user_id, a.due_date IS NULL, a.due_date, c.title, a.course_id`,
    ).all(JSON.stringify(userIds));
    const rows = new Map<string, UserAssignmentRow[]>(userIds.map((userId) => [userId, []]));
    const todays = new Map<string, string>();
    for (const record of records) {
      // "Today" once per time zone, not once per row.
      const zone = this.referenceData.timeZoneOf(record.user_id);
      let today = todays.get(zone);
      if (today === undefined) {
        today = todayIn(now, zone);
        todays.set(zone, today);
      }
      rows.get(record.user_id)?.push({
        courseId: record.course_id,
        title: record.title ?? record.course_id,
        kind: record.kind ?? 'course',
        required: record.required === 1,
        dueDate: record.due_date,
        status: record.status,
        overdue: isOverdue({ status: record.status, dueDate: record.due_date }, today),
        version: record.version,
        progress: record.progress,
        expiresOn: record.expires_on,
        retake: record.retake ? (JSON.parse(record.retake) as RetakeView) : null,
        // The dashboard and My Team need neither: only the admin's view pays for parsing them.
        sources: full && record.sources ? (JSON.parse(record.sources) as SourceView[]) : [],
        assignedOn: record.assigned_on,
        startedOn: startedShown(record),
        completedOn: record.completed_on,
        score: record.score,
        completions:
          full && record.completions ? (JSON.parse(record.completions) as UserAssignmentRow['completions']) : [],
      });
    }
    return rows;
  }

  exemptions(userId: string) {
    type Row = {
      course_id: string;
      title: string | null;
      rule_id: string;
      source: string;
      exempted: number;
      reason: string | null;
      applied_by: string | null;
      applied_at: string | null;
      exempt_until: string | null;
    };
    return this.statement<[string], Row>(
      `SELECT e.*, c.title FROM exemptions e LEFT JOIN courses c ON c.course_id = e.course_id
         WHERE e.user_id = ? ORDER BY c.title, e.course_id, e.rule_id`,
    )
      .all(userId)
      .map((row) => ({
        courseId: row.course_id,
        title: row.title ?? row.course_id,
        ruleId: row.rule_id,
        source: row.source,
        exempted: row.exempted === 1,
        reason: row.reason,
        appliedBy: row.applied_by,
        appliedAt: row.applied_at,
        until: row.exempt_until,
      }));
  }
}

/**
 * A completion back-dated before the registration it implied (CompleteCourse with an earlier completedOn) cannot have
 * been started later than it was completed: the completed training reads as started no later than its completion.
 * The events keep what was recorded; only this view reads it so.
 */
function startedShown(record: Pick<AssignmentRecord, 'status' | 'started_on' | 'completed_on'>): string | null {
  const { status, started_on: startedOn, completed_on: completedOn } = record;
  return status === 'completed' && startedOn !== null && completedOn !== null && startedOn > completedOn
    ? completedOn
    : startedOn;
}

export function dashboardOf(row: UserAssignmentRow): DashboardRow {
  const { courseId, title, kind, required, dueDate, status, overdue, version, progress, expiresOn, retake } = row;
  return { courseId, title, kind, required, dueDate, status, overdue, version, progress, expiresOn, retake };
}
