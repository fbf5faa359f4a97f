import { isOverdue } from '../domain/policies/overduePolicy';
import type { DashboardRow, RetakeView, UserAssignmentRow } from '../domain/queryResults/userViewResults';
import { todayIn } from '../domain/shared/calendar';
import { ReadModelQueries } from './readModelQueries';
import { ruleSourceView, sourceViews } from './sourcesColumn';

/**
 * A row of the assignment queries in better-sqlite3's raw mode, an array in the order of its columns: building an
 * object of fifteen properties per row was half of My Team's time (500 rows: 1.7 ms against 0.9 ms).
 */
type DashboardRecord = [
  userId: string,
  courseId: string,
  required: number,
  status: DashboardRow['status'],
  progress: number,
  version: number,
  dueDate: string | null,
  expiresOn: string | null,
  retake: string | null,
  title: string | null,
  kind: DashboardRow['kind'] | null,
];

/** Any of the queries' records: the dashboard's columns first. */
type RecordStart = [...DashboardRecord, ...unknown[]];

/** The admin's view reads these too: the JSON columns are most of a row's bytes. */
type AssignmentRecord = [
  ...DashboardRecord,
  assignedOn: string,
  startedOn: string | null,
  completedOn: string | null,
  score: number | null,
  sources: string,
  completions: string,
];

const DASHBOARD_COLUMNS =
  'a.user_id, a.course_id, a.required, a.status, a.progress, a.version, a.due_date, a.expires_on, a.retake, c.title, c.kind';

/** The columns each view reads, in the order of its record. */
const COLUMNS = {
  dashboard: DASHBOARD_COLUMNS,
  admin: `${DASHBOARD_COLUMNS}, a.assigned_on, a.started_on, a.completed_on, a.score, a.sources, a.completions`,
} as const;

/** Per user: the dashboard, the admin's view of a user's assignments, and the exemptions view (R6, R7). */
export class UserViews extends ReadModelQueries {
  /** A user's visible assignments (R6: exempted ones are absent), soonest due first, with what the admin sees. */
  userRows(userId: string, now: string): UserAssignmentRow[] {
    const today = todayIn(now, this.referenceData.timeZoneOf(userId));
    return this.records<AssignmentRecord>('admin', [userId]).map((record) => {
      const [, , , status, , , , , , , , assignedOn, startedOn, completedOn, score, sources, completions] = record;
      return {
        ...dashboardRow(record, today),
        sources: sourceViews(sources),
        assignedOn,
        startedOn: startedShown(status, startedOn, completedOn),
        completedOn,
        score,
        completions: JSON.parse(completions) as UserAssignmentRow['completions'],
      };
    });
  }

  /**
   * The dashboards of several users in one query (My Team, UserDashboard), each user's soonest due first: only the
   * dashboard's columns read, one object a row (My Team's 500 rows are the garbage its calls leave).
   */
  dashboardsOf(userIds: readonly string[], now: string): Map<string, DashboardRow[]> {
    const rows = new Map<string, DashboardRow[]>(userIds.map((userId) => [userId, []]));
    const todays = new Map<string, string>();
    for (const record of this.records<DashboardRecord>('dashboard', userIds)) {
      const userId = record[0];
      // "Today" once per time zone, not once per row.
      const zone = this.referenceData.timeZoneOf(userId);
      let today = todays.get(zone);
      if (today === undefined) {
        today = todayIn(now, zone);
        todays.set(zone, today);
      }
      rows.get(userId)?.push(dashboardRow(record, today));
    }
    return rows;
  }

  /** The visible assignments (R6) of the users, by user, each user's soonest due first. */
  private records<Record extends RecordStart>(view: keyof typeof COLUMNS, userIds: readonly string[]): Record[] {
    return this.statement<[string], Record>(
      `SELECT ${COLUMNS[view]}
       FROM assignments a LEFT JOIN courses c ON c.course_id = a.course_id
       WHERE a.user_id IN (SELECT value FROM json_each(?)) AND a.visible = 1
       ORDER BY a.user_id, a.due_date IS NULL, a.due_date, c.title, a.course_id`,
    )
      .raw(true)
      .all(JSON.stringify(userIds));
  }

  exemptions(userId: string) {
    type Row = {
      course_id: string;
      title: string | null;
      rule_id: string;
      sources: string | null;
      exempted: number;
      reason: string | null;
      applied_by: string | null;
      applied_at: string | null;
      exempt_until: string | null;
    };
    return this.statement<[string], Row>(
      `SELECT e.*, c.title, a.sources FROM exemptions e
         LEFT JOIN assignments a ON a.user_id = e.user_id AND a.course_id = e.course_id
         LEFT JOIN courses c ON c.course_id = e.course_id
         WHERE e.user_id = ? ORDER BY c.title, e.course_id, e.rule_id`,
    )
      .all(userId)
      .map((row) => ({
        courseId: row.course_id,
        title: row.title ?? row.course_id,
        ruleId: row.rule_id,
        // The label is the assignment row's: an exemption row is there only beside its current assignment's.
        source: ruleSourceView(row.sources, row.rule_id)?.label ?? row.rule_id,
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
function startedShown(status: string, startedOn: string | null, completedOn: string | null): string | null {
  return status === 'completed' && startedOn !== null && completedOn !== null && startedOn > completedOn
    ? completedOn
    : startedOn;
}

/** A dashboard row from a record's first eleven columns, overdue as of `today` in the user's zone (R5). */
function dashboardRow(record: RecordStart, today: string): DashboardRow {
  const [, courseId, required, status, progress, version, dueDate, expiresOn, retake, title, kind] = record;
  return {
    courseId,
    title: title ?? courseId,
    kind: kind ?? 'course',
    required: required === 1,
    dueDate,
    status,
    overdue: isOverdue({ status, dueDate }, today),
    version,
    progress,
    expiresOn,
    retake: retake ? (JSON.parse(retake) as RetakeView) : null,
  };
}
