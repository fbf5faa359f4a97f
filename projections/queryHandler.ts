import type { Statement } from 'better-sqlite3';
import type { QueryReply } from '../handlers/ports/reply';
import type { ReferenceData } from '../domain/referenceData/referenceData';
import type { Actor } from '../domain/policies/permissionPolicy';
import type { Query, QueryOf } from '../domain/queries';
import { parseQuery } from '../domain/queries';
import { todayIn } from '../domain/shared/calendar';
import { DomainError, notFound } from '../domain/shared/domainError';
import type { Clock } from '../handlers/ports/clock';
import type { ReferenceDataSource } from '../handlers/ports/referenceDataSource';
import type { EventStore } from '../handlers/ports/eventStore';
import { EventStoreUnavailableError } from '../handlers/ports/eventStore';
import { AuditQueries } from './auditQueries';
import type { Projections } from './projectionRuntime';
import { requireKnownActor, requirePermissionAtAll } from '../domain/policies/actorPolicy';
import { isOverdue } from '../domain/policies/overduePolicy';
import { canView, requireUserView, usersInScope } from '../domain/policies/queryPermissions';
import { reportingScope } from './reportingScope';
import { NO_DUE_DATE } from './readModelSchema';
import type { SourceView } from './trainingRows';

/** Assignments counted per group and status, with how many of them are overdue. */
type MiCountRow = { key: string | null; status: string; n: number; overdue: number };

export interface QueryHandlerOptions {
  store: EventStore;
  projections: Projections;
  /** Reference data for authorization (grants, org tree, reporting lines), kept current from the store. */
  feed: ReferenceDataSource;
  clock: Clock;
  /** Embedded use: bring the read models up to the store before answering. A server's runtime runs on its own. */
  catchUpBeforeQuery?: boolean;
  /** How long a query waits for `minPosition` before answering UNAVAILABLE. */
  minPositionWaitMs?: number;
}

export interface DashboardRow {
  courseId: string;
  title: string;
  kind: string;
  required: boolean;
  dueDate: string | null;
  status: string;
  overdue: boolean;
  version: number;
  progress: number;
}

export interface UserAssignmentRow extends DashboardRow {
  sources: SourceView[];
  assignedOn: string;
  startedOn: string | null;
  completedOn: string | null;
  score: number | null;
  completions: { completedOn: string; score: number | null; version: number }[];
}

interface AssignmentRecord {
  user_id: string;
  course_id: string;
  title: string | null;
  kind: string | null;
  required: number;
  status: string;
  progress: number;
  version: number;
  due_date: string | null;
  assigned_on: string;
  started_on: string | null;
  completed_on: string | null;
  score: number | null;
  /** Only read for the admin's view (`full`): the JSON columns are most of a row's bytes. */
  sources?: string;
  completions?: string;
}

/**
 * Answers the queries of DESIGN.md section 4 from the read models (SQLite), each filtered by the asking actor's
 * grants (R17). Assignment history and explanations are answered from the events (auditQueries).
 */
export class QueryHandler {
  private readonly audit: AuditQueries;

  constructor(private readonly options: QueryHandlerOptions) {
    this.audit = new AuditQueries(options.store, options.feed.referenceData);
  }

  private get referenceData(): ReferenceData {
    return this.options.feed.referenceData;
  }

  private get db() {
    return this.options.projections.readModels.db;
  }

  async handle(input: unknown): Promise<QueryReply> {
    const parsed = parseQuery(input);
    if (!parsed.ok)
      return {
        ok: false,
        error: { code: 'VALIDATION_FAILED', message: parsed.message, details: { issues: parsed.issues } },
      };
    try {
      const position = await this.reach(parsed.query.minPosition);
      return { ok: true, position, result: await this.answer(parsed.query) };
    } catch (error) {
      if (error instanceof DomainError)
        return { ok: false, error: { code: error.code, message: error.message, details: error.details } };
      if (isStoreUnavailable(error))
        return {
          ok: false,
          error: {
            code: 'UNAVAILABLE',
            message: `the read models are unavailable: ${(error as Error).message}; try again shortly`,
            details: {},
          },
        };
      throw error;
    }
  }

  /** minPosition: read-your-writes after a command reply; waits (bounded) for the read models to get there. */
  private async reach(minPosition: number | undefined): Promise<number> {
    const { projections: runtime, feed } = this.options;
    const deadline = Date.now() + (this.options.minPositionWaitMs ?? 5000);
    for (;;) {
      await feed.catchUp();
      if (this.options.catchUpBeforeQuery) await runtime.catchUp();
      const position = runtime.position;
      // Permissions are judged on the referenceData: it must have reached the position too (a grant just made counts).
      if (minPosition === undefined || (position >= minPosition && feed.at >= minPosition)) return position;
      if (Date.now() > deadline)
        throw new DomainError(
          'UNAVAILABLE',
          `the read models have not reached position ${minPosition} yet (at ${position}); try again shortly`,
          { position },
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async answer(query: Query): Promise<unknown> {
    const now = this.options.clock.now();
    const actor = this.referenceData.actor(query.actor.userId);
    requireKnownActor(actor, this.referenceData);
    switch (query.type) {
      case 'UserDashboard':
        requireUserView(actor, query.params.userId, this.referenceData, { self: true });
        return (this.rowsOfUsers([query.params.userId], now, false).get(query.params.userId) ?? []).map(dashboardOf);
      case 'UserAssignments':
        requireUserView(actor, query.params.userId, this.referenceData, { self: true });
        return this.userRows(query.params.userId, now);
      case 'UserExemptions':
        requireUserView(actor, query.params.userId, this.referenceData, {
          self: false,
          permissions: ['exemptions.manage', 'reports.view'],
        });
        return this.exemptions(query.params.userId);
      case 'MiReport':
        requirePermissionAtAll(actor, 'reports.view');
        return this.miReport(actor, query, now);
      case 'MiSummary':
        requirePermissionAtAll(actor, 'reports.view');
        return this.miSummary(actor, query, now);
      case 'MyTeam':
        return this.myTeam(actor, query, now);
      case 'SearchUsers':
        return this.searchUsers(actor, query);
      case 'VersionStatus':
        requirePermissionAtAll(actor, 'reports.view');
        return this.versionStatus(actor, query);
      case 'AssignmentHistory':
        return this.audit.history(actor, query, now);
      case 'ExplainAssignment':
        return this.audit.explain(actor, query);
    }
  }

  // --- per user --------------------------------------------------------------------------------

  /** A user's visible assignments (R6: exempted ones are absent), soonest due first. */
  private userRows(userId: string, now: string): UserAssignmentRow[] {
    return this.rowsOfUsers([userId], now, true).get(userId) ?? [];
  }

  /** The visible assignments of several users in one query (My Team), each user's soonest due first. */
  private rowsOfUsers(userIds: readonly string[], now: string, full: boolean): Map<string, UserAssignmentRow[]> {
    const records = this.statement<[string], AssignmentRecord>(
      `SELECT a.user_id, a.course_id, a.required, a.status, a.progress, a.version, a.due_date, a.assigned_on, a.started_on, a.completed_on, a.score,
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
        // The dashboard and My Team need neither: only the admin's view pays for parsing them.
        sources: full && record.sources ? (JSON.parse(record.sources) as SourceView[]) : [],
        assignedOn: record.assigned_on,
        startedOn: record.started_on,
        completedOn: record.completed_on,
        score: record.score,
        completions:
          full && record.completions ? (JSON.parse(record.completions) as UserAssignmentRow['completions']) : [],
      });
    }
    return rows;
  }

  private readonly statements = new Map<string, unknown>();

  /** Statements are prepared once per SQL text (the text varies only with the filters a query uses). */
  private statement<P extends unknown[] | Record<string, unknown>, R>(sql: string): Statement<P, R> {
    let prepared = this.statements.get(sql) as Statement<P, R> | undefined;
    if (!prepared) {
      prepared = this.db.prepare<P, R>(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  private exemptions(userId: string) {
    type Row = {
      course_id: string;
      title: string | null;
      rule_id: string;
      source: string;
      exempted: number;
      reason: string | null;
      applied_by: string | null;
      applied_at: string | null;
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
      }));
  }

  // --- across users ----------------------------------------------------------------------------

  /**
   * The common FROM/WHERE of MI reporting: visible assignments of active users (R6), in the actor's scope
   * (R17), with `overdue` computed in SQL from each user's "today" in their own zone (R5).
   */
  private miBase(
    actor: Actor,
    filter: {
      courseId?: string | undefined;
      orgUnitId?: string | undefined;
      department?: string | undefined;
      status?: string | undefined;
      overdue?: boolean | undefined;
    },
    now: string,
  ) {
    const params: Record<string, unknown> = { now: Date.parse(now) };
    // Literal conditions, so SQLite reads the partial index assignments_mi.
    const where = ['a.visible = 1', 'a.user_active = 1'];
    const scope = reportingScope(actor, this.referenceData);
    if (scope !== null) {
      where.push(scope.sql);
      Object.assign(params, scope.params);
    }
    if (filter.courseId) {
      where.push('a.course_id = @courseId');
      params.courseId = filter.courseId;
    }
    let cte = '';
    if (filter.orgUnitId) {
      cte =
        'WITH RECURSIVE subtree(id) AS (SELECT @orgUnitId UNION SELECT o.org_unit_id FROM org_units o JOIN subtree s ON o.parent_id = s.id)';
      where.push('a.org_unit_id IN (SELECT id FROM subtree)');
      params.orgUnitId = filter.orgUnitId;
    }
    if (filter.department) {
      where.push('a.department = @department');
      params.department = filter.department;
    }
    if (filter.status) {
      where.push('a.status = @status');
      params.status = filter.status;
    }
    // R5: overdue once the due date has ended in the user's zone (overdue_at, computed by the projector).
    const overdueSql = `(a.status <> 'completed' AND a.overdue_at <= @now)`;
    if (filter.overdue !== undefined) where.push(filter.overdue ? overdueSql : `NOT ${overdueSql}`);
    return { cte, where: `WHERE ${where.join(' AND ')}`, params, overdueSql };
  }

  private miReport(actor: Actor, query: QueryOf<'MiReport'>, now: string) {
    const { cte, where, params, overdueSql } = this.miBase(actor, query.params, now);
    type Row = {
      user_id: string;
      name: string;
      department: string | null;
      org_unit_id: string;
      course_id: string;
      title: string | null;
      required: number;
      status: string;
      progress: number;
      version: number;
      due_date: string | null;
      completed_on: string | null;
      score: number | null;
      overdue: number;
    };
    const rows = this.statement<Record<string, unknown>, Row>(
      `${cte} SELECT a.user_id, u.name, a.department, a.org_unit_id, a.course_id, c.title, a.required, a.status, a.progress, a.version, a.due_date, a.completed_on, a.score,
           ${overdueSql} AS overdue
         FROM assignments a JOIN users u ON u.user_id = a.user_id LEFT JOIN courses c ON c.course_id = a.course_id
         ${where} ORDER BY a.user_id, a.course_id LIMIT @limit OFFSET @offset`,
    ).all({ ...params, limit: query.params.limit, offset: query.params.offset });
    return rows.map((row) => ({
      userId: row.user_id,
      name: row.name,
      department: row.department,
      orgUnitId: row.org_unit_id,
      courseId: row.course_id,
      title: row.title ?? row.course_id,
      required: row.required === 1,
      status: row.status,
      progress: row.progress,
      version: row.version,
      dueDate: row.due_date,
      overdue: row.overdue === 1,
      completedOn: row.completed_on,
      score: row.score,
    }));
  }

  /** Counted per group and status in SQL (in index order, no join), folded into one row per group here. */
  private miSummary(actor: Actor, query: QueryOf<'MiSummary'>, now: string) {
    const counted =
      reportingScope(actor, this.referenceData) === null
        ? this.miCounts(query.params, now)
        : this.miRowCounts(actor, query.params, now);
    type Summary = {
      key: string | null;
      assigned: number;
      notStarted: number;
      inProgress: number;
      completed: number;
      expired: number;
      overdue: number;
      completionRate: number;
    };
    const groups = new Map<string | null, Summary>();
    for (const row of counted) {
      let group = groups.get(row.key);
      if (!group) {
        group = {
          key: row.key,
          assigned: 0,
          notStarted: 0,
          inProgress: 0,
          completed: 0,
          expired: 0,
          overdue: 0,
          completionRate: 0,
        };
        groups.set(row.key, group);
      }
      group.assigned += row.n;
      if (
        row.status === 'notStarted' ||
        row.status === 'inProgress' ||
        row.status === 'completed' ||
        row.status === 'expired'
      )
        group[row.status] += row.n;
      if (row.status !== 'completed') group.overdue += row.overdue ?? 0;
    }
    return [...groups.values()]
      .sort((a, b) => (a.key === b.key ? 0 : a.key === null ? -1 : b.key === null ? 1 : a.key < b.key ? -1 : 1))
      .map((group) => ({ ...group, completionRate: group.assigned === 0 ? 0 : group.completed / group.assigned }));
  }

  /** Counts per group and status from the MI counts (an actor whose reports reach everyone): no row is read. */
  private miCounts(filter: QueryOf<'MiSummary'>['params'], now: string) {
    const key = { course: 'm.course_id', department: "NULLIF(m.department, '')", orgUnit: 'm.org_unit_id' }[
      filter.groupBy
    ];
    const where: string[] = [];
    const params: Record<string, unknown> = { now: Date.parse(now) };
    let cte = '';
    if (filter.courseId) {
      where.push('m.course_id = @courseId');
      params.courseId = filter.courseId;
    }
    if (filter.orgUnitId) {
      cte =
        'WITH RECURSIVE subtree(id) AS (SELECT @orgUnitId UNION SELECT o.org_unit_id FROM org_units o JOIN subtree s ON o.parent_id = s.id)';
      where.push('m.org_unit_id IN (SELECT id FROM subtree)');
      params.orgUnitId = filter.orgUnitId;
    }
    return this.statement<Record<string, unknown>, MiCountRow>(
      `${cte} SELECT ${key} AS key, m.status AS status, SUM(m.n) AS n, SUM(CASE WHEN m.overdue_at > ${NO_DUE_DATE} AND m.overdue_at <= @now THEN m.n ELSE 0 END) AS overdue
       FROM mi_counts m ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} GROUP BY ${key}, m.status`,
    ).all(params);
  }

  /** Counts per group and status from the rows an actor's reports reach (constrained grants). */
  private miRowCounts(actor: Actor, filter: QueryOf<'MiSummary'>['params'], now: string) {
    const { cte, where, params } = this.miBase(actor, filter, now);
    const key = { course: 'a.course_id', department: 'a.department', orgUnit: 'a.org_unit_id' }[filter.groupBy];
    return this.statement<Record<string, unknown>, MiCountRow>(
      `${cte} SELECT ${key} AS key, a.status AS status, COUNT(*) AS n, SUM(a.overdue_at <= @now) AS overdue FROM assignments a ${where} GROUP BY ${key}, a.status`,
    ).all(params);
  }

  /** A manager's direct reports, or the whole reporting line below them, with each member's visible assignments. */
  private myTeam(actor: Actor, query: QueryOf<'MyTeam'>, now: string) {
    const managerId = query.params.managerId ?? actor.userId;
    if (!this.referenceData.users.has(managerId))
      throw notFound(`user ${managerId} is not registered: check the id`, { userId: managerId });
    const members =
      query.params.scope === 'all'
        ? this.referenceData.reportingLine(managerId)
        : this.referenceData.directReports(managerId);
    // A manager sees their own reporting line (also when asking about a manager below them); others only the members they may view.
    const visible = members.filter(
      (userId) =>
        this.referenceData.managementChain(userId).includes(actor.userId) || canView(actor, userId, this.referenceData),
    );
    return {
      managerId,
      scope: query.params.scope,
      members: (() => {
        const active = visible.filter((userId) => this.referenceData.users.get(userId)?.active).sort();
        const rows = this.rowsOfUsers(active, now, false);
        return active.map((userId) => {
          const user = this.referenceData.users.get(userId);
          return {
            userId,
            name: user?.name ?? userId,
            managerId: user?.managerId ?? null,
            assignments: (rows.get(userId) ?? []).map(dashboardOf),
          };
        });
      })(),
    };
  }

  private searchUsers(actor: Actor, query: QueryOf<'SearchUsers'>) {
    const { text, department, role, status, limit } = query.params;
    const where: string[] = [];
    const params: Record<string, unknown> = { limit };
    if (text) {
      where.push(`(u.name LIKE @text ESCAPE '\\' OR u.email LIKE @text ESCAPE '\\')`);
      params.text = `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    }
    if (department) {
      where.push('u.department = @department');
      params.department = department;
    }
    if (role) {
      where.push('u.role = @role');
      params.role = role;
    }
    if (status) {
      where.push('u.active = @active');
      params.active = status === 'active' ? 1 : 0;
    }
    const scope = actor.isBootstrapAdmin ? null : this.searchScope(actor);
    if (scope !== null) {
      where.push('u.user_id IN (SELECT value FROM json_each(@scope))');
      params.scope = JSON.stringify(scope);
    }
    type Row = {
      user_id: string;
      name: string;
      email: string;
      department: string | null;
      role: string | null;
      org_unit_id: string;
      active: number;
    };
    return this.statement<Record<string, unknown>, Row>(
      `SELECT u.user_id, u.name, u.email, u.department, u.role, u.org_unit_id, u.active FROM users u
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY u.name, u.user_id LIMIT @limit`,
    )
      .all(params)
      .map((row) => ({
        userId: row.user_id,
        name: row.name,
        email: row.email,
        department: row.department,
        role: row.role,
        orgUnitId: row.org_unit_id,
        active: row.active === 1,
      }));
  }

  /** Users an actor finds: those any viewing permission reaches, and themselves. */
  private searchScope(actor: Actor): string[] | null {
    const scopes = (['reports.view', 'assignment.standard', 'exemptions.manage', 'users.manage'] as const).map(
      (permission) =>
        actor.grants.some(
          (grant) =>
            grant.permission === permission ||
            (permission === 'assignment.standard' && grant.permission === 'assignment.dynamic'),
        )
          ? usersInScope(actor, permission, this.referenceData)
          : [],
    );
    if (scopes.some((scope) => scope === null)) return null;
    return [...new Set([actor.userId, ...scopes.flatMap((scope) => scope ?? [])])].sort();
  }

  private versionStatus(actor: Actor, query: QueryOf<'VersionStatus'>) {
    const course = this.referenceData.courses.get(query.params.courseId);
    if (!course)
      throw notFound(`course ${query.params.courseId} does not exist: check the id`, {
        courseId: query.params.courseId,
      });
    const params: Record<string, unknown> = { courseId: course.courseId, latest: course.version };
    const scope = reportingScope(actor, this.referenceData);
    if (scope !== null) Object.assign(params, scope.params);
    type Row = {
      version: number;
      users: number;
      notStarted: number;
      inProgress: number;
      completed: number;
      expired: number;
      willUpgradeOnRegistration: number;
    };
    const versions = this.statement<Record<string, unknown>, Row>(
      `SELECT a.version, COUNT(*) AS users, SUM(a.status = 'notStarted') AS notStarted, SUM(a.status = 'inProgress') AS inProgress,
           SUM(a.status = 'completed') AS completed, SUM(a.status = 'expired') AS expired,
           SUM(a.status IN ('notStarted', 'expired') AND a.version < @latest) AS willUpgradeOnRegistration
         FROM assignments a
         WHERE a.course_id = @courseId AND a.visible = 1 AND a.user_active = 1 ${scope !== null ? `AND ${scope.sql}` : ''}
         GROUP BY a.version ORDER BY a.version`,
    ).all(params);
    return {
      courseId: course.courseId,
      title: course.title,
      latestVersion: course.version,
      versioning: course.versioning,
      versions: versions.map((row) => ({
        ...row,
        upgrade:
          row.version === course.version
            ? 'on the latest version'
            : `${row.willUpgradeOnRegistration} not yet registered move to v${course.version} when they register (R13); users in progress or completed keep v${row.version}; reassignment through a dynamic rule with upgrade-to-latest gives ${course.versioning === 'standard' ? `v${course.version}` : `v${course.version} to pre-registered users on registering, and keeps post-registered users on their version`} (R14)`,
      })),
    };
  }
}

/** SQLite busy or I/O failures (another process holds the lock too long, disk trouble), and a closed store. */
function isStoreUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    error instanceof EventStoreUnavailableError ||
    (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY)/.test(code))
  );
}

function dashboardOf(row: UserAssignmentRow): DashboardRow {
  const { courseId, title, kind, required, dueDate, status, overdue, version, progress } = row;
  return { courseId, title, kind, required, dueDate, status, overdue, version, progress };
}
