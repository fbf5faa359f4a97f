import type {
  AssignmentRulesResult,
  AssignmentRuleView,
  AssignmentSummaryResult,
} from '../../domain/queryResults/assignmentRuleResults';
import type { DueRule } from '../../domain/shared/dueRule';
import type { Engine } from '../engine/engine';
import { statusText } from './labels';
import { printQuery } from './queryOutput';
import { renderTable } from './table';

/** `lms rules`: the assignment rules the actor may see, with audience and progress. */
export function printRules(engine: Engine, actorId: string, json: boolean): Promise<number> {
  return printQuery<AssignmentRulesResult>(engine, { type: 'AssignmentRules', actorId, params: {}, json }, (rules) =>
    rules.length === 0
      ? 'No assignment rules you may see.'
      : renderTable(
          [
            'rule',
            'name',
            'course',
            'target',
            'mode',
            'due',
            'users',
            'not started',
            'in progress',
            'completed',
            'overdue',
            'exempt',
          ],
          rules.map((rule) => [
            rule.ruleId,
            rule.name,
            rule.courseTitle,
            rule.targetLabel,
            rule.mode,
            dueText(rule.due),
            rule.audienceSize,
            rule.counts.notStarted,
            rule.counts.inProgress,
            rule.counts.completed,
            rule.counts.overdue,
            rule.counts.exempt,
          ]),
        ),
  );
}

/** `lms summary RULE_ID`: the seed's Assignment Summary page: settings, counts, then the users page by page. */
export function printSummary(
  engine: Engine,
  actorId: string,
  ruleId: string,
  page: { limit: number; offset: number },
  json: boolean,
): Promise<number> {
  return printQuery<AssignmentSummaryResult>(
    engine,
    { type: 'AssignmentSummary', actorId, params: { ruleId, ...page }, json },
    ({ rule, users, matchingNow }) => {
      const settings = renderTable(['setting', 'value'], settingsOf(rule, matchingNow));
      const rows = renderTable(
        ['user', 'name', 'status', 'progress', 'version', 'due', 'overdue', 'exempt'],
        users.rows.map((row) => [
          row.userId,
          row.name,
          statusText(row.status),
          `${row.progress}%`,
          `v${row.version}`,
          row.dueDate ?? '—',
          row.overdue ? 'yes' : '',
          row.exempt ? 'yes' : '',
        ]),
      );
      const shown = users.rows.length === 0 ? 'none' : `${users.offset + 1}-${users.offset + users.rows.length}`;
      return `${settings}\n\nUsers ${shown} of ${users.total}:\n${rows}`;
    },
  );
}

function settingsOf(rule: AssignmentRuleView, matchingNow: number | null): (string | number)[][] {
  const onOff = (flag: boolean) => (flag ? 'on' : 'off');
  const { counts } = rule;
  return [
    ['name', `${rule.name} (${rule.ruleId})${rule.retired ? ', retired' : ''}`],
    ['course', `${rule.courseTitle} (${rule.courseId})`],
    ['assigned to', rule.targetLabel],
    ['mode', rule.mode === 'dynamic' ? 'dynamic (continuous)' : 'standard (one-time)'],
    ['due', dueText(rule.due)],
    ['required', rule.required ? 'yes' : 'no'],
    ['dynamic re-assignment', onOff(rule.dynamicReassignment)],
    ['upgrade users to latest version', onOff(rule.upgradeToLatestVersion)],
    ['created by', `${rule.createdByName} on ${rule.createdAt.slice(0, 10)}`],
    ['users holding it', rule.audienceSize],
    ...(matchingNow === null ? [] : [['users matching now', matchingNow]]),
    ...(rule.outsideScope > 0 ? [['of them outside your scope', rule.outsideScope]] : []),
    [
      'status',
      `${counts.notStarted} not started, ${counts.inProgress} in progress, ${counts.completed} completed, ${counts.expired} expired; ${counts.overdue} overdue; ${counts.exempt} exempt`,
    ],
  ];
}

function dueText(due: DueRule): string {
  if (due.kind === 'relative') return `${due.days} days after assignment`;
  if (due.kind === 'fixed') return `on ${due.date}`;
  return 'no due date';
}
