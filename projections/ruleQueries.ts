import type { ActiveRule } from '../domain/assignmentRule/assignmentRuleDecider';
import type { ScopedView } from '../domain/policies/adminViewPolicy';
import { requireAnyPermission, ruleViewOf } from '../domain/policies/adminViewPolicy';
import type { Actor } from '../domain/policies/permissionPolicy';
import { VIEWING } from '../domain/policies/queryPermissions';
import type { TrainingStatus } from '../domain/policies/versionPolicy';
import type { QueryOf } from '../domain/queries';
import type {
  AssignmentRulesResult,
  AssignmentRuleView,
  AssignmentSummaryResult,
  RuleUserRow,
} from '../domain/queryResults/assignmentRuleResults';
import { forbidden, notFound } from '../domain/shared/domainError';
import { AudienceSizes } from './audienceSizes';
import type { QuerySources } from './readModelQueries';
import { ReadModelQueries } from './readModelQueries';
import type { RuleTally } from './ruleTallies';
import { emptyTally, RuleTallies } from './ruleTallies';
import { ruleSourceView } from './sourcesColumn';

type HolderRecord = {
  user_id: string;
  exempted: number;
  name: string;
  email: string;
  org_unit_id: string;
  department: string | null;
  status: TrainingStatus;
  progress: number;
  version: number;
  due_date: string | null;
  assigned_on: string;
  completed_on: string | null;
  overdue: number;
  sources: string;
};

/** AssignmentRules and AssignmentSummary: the rules an actor may see (R17) with their audience and progress. */
export class RuleQueries extends ReadModelQueries {
  private readonly counting: RuleTallies;
  /** matchingNow, counted once per state of the reference data. */
  private readonly sizes = new AudienceSizes();

  constructor(sources: QuerySources) {
    super(sources);
    this.counting = new RuleTallies(sources);
  }

  assignmentRules(actor: Actor, query: QueryOf<'AssignmentRules'>, now: string): AssignmentRulesResult {
    requireAnyPermission(actor, VIEWING, 'assignment rules');
    const { courseId, includeRetired } = query.params;
    const seen = new Map<string, { rule: ActiveRule; view: ScopedView }>();
    for (const rule of this.referenceData.rules.values()) {
      if ((rule.retired && !includeRetired) || (courseId !== undefined && rule.courseId !== courseId)) continue;
      const view = this.viewOf(actor, rule);
      if (view.visible) seen.set(rule.ruleId, { rule, view });
    }
    const tallies = this.counting.tallies(new Map([...seen].map(([ruleId, { view }]) => [ruleId, view.users])), now);
    return [...seen.values()]
      .map(({ rule }) => this.ruleView(rule, tallies.get(rule.ruleId) ?? emptyTally()))
      .sort((a, b) => a.name.localeCompare(b.name) || a.ruleId.localeCompare(b.ruleId));
  }

  assignmentSummary(actor: Actor, query: QueryOf<'AssignmentSummary'>, now: string): AssignmentSummaryResult {
    requireAnyPermission(actor, VIEWING, 'assignment rules');
    const { ruleId, limit, offset } = query.params;
    const rule = this.referenceData.rules.get(ruleId);
    if (!rule) throw notFound(`assignment rule ${ruleId} does not exist: check the id`, { ruleId });
    const view = this.viewOf(actor, rule);
    // R17: nothing of a rule outside the scope is shown, not even its name.
    if (!view.visible)
      throw forbidden(
        `user ${actor.userId} may not view assignment rule ${ruleId}: it was created outside the user side of their grants, or its course is outside their training side`,
        { ruleId },
      );
    const tally = this.counting.tallies(new Map([[ruleId, view.users]]), now).get(ruleId) ?? emptyTally();
    const inScope = view.users.everyone ? null : this.counting.holdersInScope(ruleId, view.users);
    return {
      rule: this.ruleView(rule, tally),
      matchingNow: rule.target.kind === 'newStarters' ? null : this.sizes.ruleAudienceSize(rule, this.referenceData),
      users: {
        total: inScope === null ? tally.inScope : inScope.length,
        offset,
        limit,
        rows: this.holderPage(ruleId, inScope, limit, offset, now),
      },
    };
  }

  private viewOf(actor: Actor, rule: ActiveRule): ScopedView {
    return ruleViewOf(actor, this.referenceData, rule, this.referenceData.courses.get(rule.courseId));
  }

  /**
   * One page of a rule's holders by name; `inScope` null when the actor sees every holder. The page is cut from the
   * index exemptions_holders alone (the holders' names and active flags are copied onto their rows, kept in step with
   * `users` and `assignments` by the projector), in its order, and only its rows are read: no sort, and an offset skips
   * index entries.
   */
  private holderPage(ruleId: string, inScope: string[] | null, limit: number, offset: number, now: string) {
    const records = this.statement<Record<string, unknown>, HolderRecord>(
      `SELECT e.user_id, e.exempted, u.name, u.email, u.org_unit_id, u.department, a.status, a.progress, a.version,
           a.due_date, a.assigned_on, a.completed_on, (a.status <> 'completed' AND a.overdue_at <= @now) AS overdue, a.sources
         FROM (SELECT h.user_id, h.course_id, h.user_name FROM exemptions h
             WHERE h.rule_id = @ruleId AND h.user_active = 1
               ${inScope === null ? '' : 'AND h.user_id IN (SELECT value FROM json_each(@users))'}
             ORDER BY h.user_name, h.user_id LIMIT @limit OFFSET @offset) page
           JOIN exemptions e ON e.user_id = page.user_id AND e.course_id = page.course_id AND e.rule_id = @ruleId
           JOIN assignments a ON a.user_id = e.user_id AND a.course_id = e.course_id
           JOIN users u ON u.user_id = e.user_id
         WHERE a.user_active = 1
         ORDER BY page.user_name, page.user_id`,
    ).all({
      ruleId,
      now: Date.parse(now),
      limit,
      offset,
      ...(inScope === null ? {} : { users: JSON.stringify(inScope) }),
    });
    return records.map((record) => holderRow(ruleId, record));
  }

  private ruleView(rule: ActiveRule, tally: RuleTally): AssignmentRuleView {
    const { referenceData } = this;
    return {
      ruleId: rule.ruleId,
      name: rule.name,
      courseId: rule.courseId,
      courseTitle: referenceData.courses.get(rule.courseId)?.title ?? rule.courseId,
      target: rule.target,
      targetLabel:
        rule.target.kind === 'group'
          ? `Group: ${referenceData.groups.get(rule.target.groupId)?.name ?? rule.target.groupId}`
          : rule.target.kind === 'allUsers'
            ? 'Mandatory (all users)'
            : 'Default for New Starters',
      mode: rule.mode,
      due: rule.due,
      dynamicReassignment: rule.dynamicReassignment,
      upgradeToLatestVersion: rule.upgradeToLatestVersion,
      required: rule.required,
      retired: rule.retired,
      createdBy: rule.createdBy,
      createdByName: referenceData.users.get(rule.createdBy)?.name ?? rule.createdBy,
      createdAt: rule.createdAt,
      audienceSize: tally.holders,
      counts: tally.counts,
      outsideScope: tally.holders - tally.inScope,
    };
  }
}

function holderRow(ruleId: string, record: HolderRecord): RuleUserRow {
  const exempt = record.exempted === 1;
  const source = ruleSourceView(record.sources, ruleId);
  return {
    userId: record.user_id,
    name: record.name,
    email: record.email,
    orgUnitId: record.org_unit_id,
    department: record.department,
    status: record.status,
    progress: record.progress,
    version: record.version,
    dueDate: record.due_date,
    // Overdue for this rule's sake only while the user is not exempt from it.
    overdue: !exempt && record.overdue === 1,
    exempt,
    assignedOn: source?.assignedOn ?? record.assigned_on,
    completedOn: record.completed_on,
  };
}
