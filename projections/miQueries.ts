import { ruleViewOf } from '../domain/policies/adminViewPolicy';
import { groupMemberIds } from '../domain/policies/groupMembershipPolicy';
import type { Actor } from '../domain/policies/permissionPolicy';
import { authorize, requireAllowed } from '../domain/policies/permissionPolicy';
import type { QueryOf } from '../domain/queries';
import type { MiSummaryRow } from '../domain/queryResults/miResults';
import { forbidden, notFound } from '../domain/shared/domainError';
import { ReadModelQueries } from './readModelQueries';
import { NO_DUE_DATE } from './readModelSchema';
import { reportingScope } from './reportingScope';

/** Assignments counted per group and status, with how many of them are overdue. */
type MiCountRow = { key: string | null; status: string; n: number; overdue: number };

/** Kept importable from here: the CLI's report output reads it so. */
export type { MiSummaryRow };

/** Report filters shared by MiReport and MiSummary (domain/queries.ts). */
type ReportFilters = Pick<
  QueryOf<'MiReport'>['params'],
  'ruleId' | 'groupId' | 'managerId' | 'dueFrom' | 'dueTo' | 'assignedFrom' | 'assignedTo'
>;

/** Management information over every user in the actor's reporting scope (R17): rows, summaries, version status. */
export class MiQueries extends ReadModelQueries {
  /**
   * The common FROM/WHERE of MI reporting: visible assignments of active users (R6), in the actor's scope
   * (R17), with `overdue` computed in SQL from each user's "today" in their own zone (R5).
   */
  miBase(
    actor: Actor,
    filter: {
      courseId?: string | undefined;
      orgUnitId?: string | undefined;
      department?: string | undefined;
      status?: string | undefined;
      overdue?: boolean | undefined;
    } & ReportFilters,
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
    this.narrow(actor, filter, where, params);
    // R5: overdue once the due date has ended in the user's zone (overdue_at, computed by the projector).
    const overdueSql = `(a.status <> 'completed' AND a.overdue_at <= @now)`;
    if (filter.overdue !== undefined) where.push(filter.overdue ? overdueSql : `NOT ${overdueSql}`);
    return { cte, where: `WHERE ${where.join(' AND ')}`, params, overdueSql };
  }

  /**
   * The filters of issue #16, as constant SQL over @parameters: the holders of a rule the actor may see (R17: a rule
   * outside their view is FORBIDDEN, not an empty report), the members of a group, a manager's whole reporting line,
   * due and assigned date ranges.
   */
  private narrow(actor: Actor, filter: ReportFilters, where: string[], params: Record<string, unknown>): void {
    const { referenceData } = this;
    if (filter.ruleId !== undefined) {
      const rule = referenceData.rules.get(filter.ruleId);
      if (!rule)
        throw notFound(`assignment rule ${filter.ruleId} does not exist: check the id`, { ruleId: filter.ruleId });
      const course = referenceData.courses.get(rule.courseId);
      if (!ruleViewOf(actor, referenceData, rule, course).visible)
        throw forbidden(
          `user ${actor.userId} may not report on assignment rule ${filter.ruleId}: it was created outside their scope`,
        );
      where.push(
        'EXISTS (SELECT 1 FROM exemptions e WHERE e.user_id = a.user_id AND e.course_id = a.course_id AND e.rule_id = @ruleId)',
      );
      params.ruleId = filter.ruleId;
    }
    if (filter.groupId !== undefined) {
      const group = referenceData.groups.get(filter.groupId);
      if (!group) throw notFound(`group ${filter.groupId} does not exist: check the id`, { groupId: filter.groupId });
      where.push('a.user_id IN (SELECT value FROM json_each(@groupUsers))');
      params.groupUsers = JSON.stringify(groupMemberIds(group, referenceData));
    }
    if (filter.managerId !== undefined) {
      if (!referenceData.users.has(filter.managerId))
        throw notFound(`user ${filter.managerId} is not registered: check the id`, { userId: filter.managerId });
      where.push('a.user_id IN (SELECT value FROM json_each(@lineUsers))');
      params.lineUsers = JSON.stringify(referenceData.reportingLine(filter.managerId));
    }
    const ranges = [
      ['a.due_date >= @dueFrom', 'dueFrom', filter.dueFrom],
      ['a.due_date <= @dueTo', 'dueTo', filter.dueTo],
      ['a.assigned_on >= @assignedFrom', 'assignedFrom', filter.assignedFrom],
      ['a.assigned_on <= @assignedTo', 'assignedTo', filter.assignedTo],
    ] as const;
    for (const [condition, name, value] of ranges) {
      if (value === undefined) continue;
      where.push(condition);
      params[name] = value;
    }
  }

  miReport(actor: Actor, query: QueryOf<'MiReport'>, now: string) {
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
    // One course: the page's keys are cut from the index assignments_mi alone (in user order, every filter's column
    // in it), then only the page's rows are read.
    const rows = this.statement<Record<string, unknown>, Row>(
      `${cte} SELECT a.user_id, u.name, a.department, a.org_unit_id, a.course_id, c.title, a.required, a.status, a.progress, a.version, a.due_date, a.completed_on, a.score,
           ${overdueSql} AS overdue
         ${
           query.params.courseId
             ? `FROM (SELECT a.user_id, a.course_id FROM assignments a INDEXED BY assignments_mi JOIN users u ON u.user_id = a.user_id
                 ${where} ORDER BY a.user_id, a.course_id LIMIT @limit OFFSET @offset) page
               JOIN assignments a ON a.user_id = page.user_id AND a.course_id = page.course_id JOIN users u ON u.user_id = a.user_id
               LEFT JOIN courses c ON c.course_id = a.course_id ORDER BY a.user_id, a.course_id`
             : `FROM assignments a JOIN users u ON u.user_id = a.user_id LEFT JOIN courses c ON c.course_id = a.course_id
               ${where} ORDER BY a.user_id, a.course_id LIMIT @limit OFFSET @offset`
         }`,
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
  miSummary(actor: Actor, query: QueryOf<'MiSummary'>, now: string) {
    // The MI counts know course, status, overdue, org unit and department only: other filters count rows.
    const { groupBy: _groupBy, courseId: _courseId, orgUnitId: _orgUnitId, ...narrowing } = query.params;
    const byCounts =
      reportingScope(actor, this.referenceData) === null && Object.values(narrowing).every((v) => v === undefined);
    const counted = byCounts ? this.miCounts(query.params, now) : this.miRowCounts(actor, query.params, now);
    const groups = new Map<string | null, MiSummaryRow>();
    for (const row of counted) {
      let group = groups.get(row.key);
      if (!group) {
        group = {
          key: row.key,
          label: this.groupLabel(query.params.groupBy, row.key),
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

  /** A course or org unit by its name (an id no longer known stays as it is); a department is its own name. */
  private groupLabel(groupBy: QueryOf<'MiSummary'>['params']['groupBy'], key: string | null): string | null {
    if (key === null) return null;
    if (groupBy === 'course') return this.referenceData.courses.get(key)?.title ?? key;
    if (groupBy === 'orgUnit') return this.referenceData.orgUnits.get(key)?.name ?? key;
    return key;
  }

  /** Counts per group and status from the MI counts (an actor whose reports reach everyone): no row is read. */
  miCounts(filter: QueryOf<'MiSummary'>['params'], now: string) {
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
  miRowCounts(actor: Actor, filter: QueryOf<'MiSummary'>['params'], now: string) {
    const { cte, where, params } = this.miBase(actor, filter, now);
    const key = { course: 'a.course_id', department: 'a.department', orgUnit: 'a.org_unit_id' }[filter.groupBy];
    return this.statement<Record<string, unknown>, MiCountRow>(
      `${cte} SELECT ${key} AS key, a.status AS status, COUNT(*) AS n, SUM(a.overdue_at <= @now) AS overdue FROM assignments a ${where} GROUP BY ${key}, a.status`,
    ).all(params);
  }

  /** A manager's direct reports, or the whole reporting line below them, with each member's visible assignments. */
  versionStatus(actor: Actor, query: QueryOf<'VersionStatus'>) {
    const course = this.referenceData.courses.get(query.params.courseId);
    if (!course)
      throw notFound(`course ${query.params.courseId} does not exist: check the id`, {
        courseId: query.params.courseId,
      });
    // R17: a course outside the training side of every reports.view grant is not the actor's to see.
    requireAllowed(authorize(actor, { permission: 'reports.view', course }, this.referenceData.orgChart));
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
            : `${row.willUpgradeOnRegistration} not yet registered move to v${course.version} when they register; users in progress or completed keep v${row.version}; reassignment through a dynamic rule with upgrade-to-latest gives ${course.versioning === 'standard' ? `v${course.version}` : `v${course.version} to pre-registered users on registering, and keeps post-registered users on their version`}`,
      })),
    };
  }
}
