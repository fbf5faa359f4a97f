import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type {
  AssignmentRulesResult,
  AssignmentRuleView,
  AssignmentSummaryResult,
} from '../../../domain/queryResults/assignmentRuleResults';
import type { CoursesResult } from '../../../domain/queryResults/courseResults';
import type { GroupsResult } from '../../../domain/queryResults/groupResults';
import { type Html, html, refusalView, statusLabel } from '../html';
import type { WebKit } from '../webKit';
import { dataTable, orDash, overdueMark, progressBar, yesNo } from './pageParts';
import { editValues, editValuesOf, ruleEditForm, saveChanges, updateData } from './ruleEditForm';
import type { RuleFormValues } from './ruleForm';
import { previewPanel, ruleData, ruleForm, ruleFormValues } from './ruleForm';

type Body = { Body: Record<string, unknown> };

const dueText = (rule: AssignmentRuleView) =>
  rule.due.kind === 'relative'
    ? `${rule.due.days} days after assignment`
    : rule.due.kind === 'fixed'
      ? `by ${rule.due.date}`
      : 'no due date';

/**
 * Assignment rules (issue #18, seed: dynamic reassignment's Assignment Summary page): the rules the actor may see
 * (R17), a rule's summary with its settings, counts and users, a new rule with its preview before it is created
 * (CreateAssignmentRule with dryRun, R25: the counts of users it would reach), and a rule's settings changed with a
 * preview before they are saved (UpdateAssignmentRule with dryRun).
 */
export function registerRulePages(
  app: FastifyInstance,
  kit: WebKit,
  pages: RouteShorthandOptions,
  forms: RouteShorthandOptions,
): void {
  app.get('/rules', pages, async (request, reply) => {
    const answer = await kit.query(request, 'AssignmentRules', {});
    if (!answer.ok) return kit.refused(request, reply, 'Assignment rules', answer);
    const rows = (answer.result as AssignmentRulesResult).map(
      (rule) =>
        html`<tr><th scope="row"><a href="/rules/${encodeURIComponent(rule.ruleId)}">${rule.name}</a></th><td>${rule.courseTitle}</td><td>${rule.targetLabel}</td><td>${rule.mode === 'dynamic' ? 'Dynamic' : 'Standard'}</td><td>${dueText(rule)}</td><td>${rule.audienceSize}</td><td>${rule.counts.completed}</td><td>${rule.counts.overdue}</td><td>${rule.retired ? 'Retired' : 'Live'}</td></tr>`,
    );
    const body = html`<p><a class="button" href="/rules/new">New rule, with a preview</a></p>
      ${dataTable('Rules', ['Rule', 'Course', 'Target', 'Mode', 'Due', 'Users', 'Completed', 'Overdue', 'State'], rows, 'No rules you may see.')}`;
    return kit.send(request, reply, 'Assignment rules', body);
  });

  app.get('/rules/new', pages, async (request, reply) => {
    const body = await newRuleBody(kit, request, {}, html``);
    return kit.send(request, reply, 'New assignment rule', body);
  });

  app.post<Body>('/rules/preview', forms, async (request, reply) => {
    const values = ruleFormValues(request.body);
    const answer = await kit.command(request, 'CreateAssignmentRule', ruleData(values), { dryRun: true });
    const csrf = kit.pageContext(request).csrf;
    const panel = answer.ok
      ? previewPanel(values, answer.effects, answer.message, csrf)
      : refusalView(answer.error.message);
    return kit.send(
      request,
      reply,
      'New assignment rule',
      await newRuleBody(kit, request, values, panel),
      answer.ok ? 200 : 400,
    );
  });

  app.post<Body>('/rules/create', forms, async (request, reply) => {
    const values = ruleFormValues(request.body);
    const answer = await kit.command(request, 'CreateAssignmentRule', ruleData(values));
    const to = answer.ok ? `/rules/${encodeURIComponent(values.ruleId ?? '')}` : '/rules/new';
    return kit.redirectWith(request, reply, to, answer);
  });

  app.get<{ Params: { ruleId: string }; Querystring: Record<string, string | undefined> }>(
    '/rules/:ruleId',
    pages,
    async (request, reply) => {
      const offset = Math.max(0, Number.parseInt(request.query.offset ?? '0', 10) || 0);
      return summaryPage(kit, request, reply, offset);
    },
  );

  // Changing the rule: a preview first (UpdateAssignmentRule with dryRun, R25), shown above the form it came from.
  app.post<Body & { Params: { ruleId: string } }>('/rules/:ruleId/preview', forms, async (request, reply) => {
    const { ruleId } = request.params;
    const values = editValues(request.body);
    const answer = await kit.command(request, 'UpdateAssignmentRule', updateData(ruleId, values), { dryRun: true });
    const csrf = kit.pageContext(request).csrf;
    const panel = answer.ok
      ? previewPanel(values, answer.effects, answer.message, csrf, saveChanges(ruleId))
      : html`<section id="preview">${refusalView(answer.error.message)}</section>`;
    return summaryPage(kit, request, reply, 0, { values, panel }, answer.ok ? 200 : 400);
  });

  app.post<Body & { Params: { ruleId: string } }>('/rules/:ruleId/update', forms, async (request, reply) => {
    const { ruleId } = request.params;
    const answer = await kit.command(request, 'UpdateAssignmentRule', updateData(ruleId, editValues(request.body)));
    return kit.redirectWith(request, reply, `/rules/${encodeURIComponent(ruleId)}`, answer);
  });
}

/** The Assignment Summary, with the edit form (and, after a preview, its panel and the values previewed). */
async function summaryPage(
  kit: WebKit,
  request: FastifyRequest<{ Params: { ruleId: string } }>,
  reply: FastifyReply,
  offset: number,
  editing?: { values: RuleFormValues; panel: Html },
  status = 200,
) {
  const answer = await kit.query(request, 'AssignmentSummary', { ruleId: request.params.ruleId, offset, limit: 100 });
  if (!answer.ok) return kit.refused(request, reply, 'Assignment Summary', answer);
  const summary = answer.result as AssignmentSummaryResult;
  const { rule } = summary;
  // A retired rule keeps its settings: nothing to change.
  const edit = rule.retired
    ? html``
    : html`${editing?.panel ?? ''}${ruleEditForm(rule.ruleId, editing?.values ?? editValuesOf(rule), kit.pageContext(request).csrf, editing !== undefined)}`;
  return kit.send(request, reply, `Assignment Summary: ${rule.name}`, summaryBody(summary, edit), status);
}

async function newRuleBody(kit: WebKit, request: FastifyRequest, values: Record<string, string>, panel: Html) {
  const [courses, groups] = await Promise.all([kit.query(request, 'Courses', {}), kit.query(request, 'Groups', {})]);
  const courseOptions = courses.ok
    ? (courses.result as CoursesResult)
        .filter((course) => course.active)
        .map((course) => [course.courseId, course.title] as const)
    : [];
  const groupOptions = groups.ok
    ? (groups.result as GroupsResult).map((group) => [group.groupId, group.name] as const)
    : [];
  return html`${panel}${ruleForm(values, courseOptions, groupOptions, kit.pageContext(request).csrf)}`;
}

function summaryBody(summary: AssignmentSummaryResult, edit: Html): Html {
  const { rule, users } = summary;
  const item = (term: string, value: unknown) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`;
  const counts = rule.counts;
  const rows = users.rows.map(
    (row) =>
      html`<tr class="${row.overdue ? 'is-overdue' : ''}"><th scope="row"><a href="/users/${encodeURIComponent(row.userId)}">${row.name}</a></th><td>${orDash(row.department)}</td><td>${statusLabel(row.status)}</td><td>${progressBar(row.progress, `Progress of ${row.name}`)}</td><td>${orDash(row.dueDate)} ${overdueMark(row.overdue)}</td><td>${row.exempt ? 'Exempt' : ''}</td><td>${row.assignedOn}</td></tr>`,
  );
  return html`<p><a href="/rules">All rules</a></p>
    <dl class="details">${item('Course', rule.courseTitle)}${item('Target', rule.targetLabel)}${item('Mode', rule.mode === 'dynamic' ? 'Dynamic (continuous)' : 'Standard (one-time)')}${item('Due', dueText(rule))}${item('Dynamic re-assignment', rule.dynamicReassignment ? 'On' : 'Off')}${item('Upgrade users to latest version', rule.upgradeToLatestVersion ? 'On' : 'Off')}${item('Required', yesNo(rule.required))}${item('Created by', `${rule.createdByName} on ${rule.createdAt.slice(0, 10)}`)}${item('Matching now', orDash(summary.matchingNow))}${item('State', rule.retired ? 'Retired' : 'Live')}</dl>
    <dl class="figures">${item('Users', rule.audienceSize)}${item('Not Started', counts.notStarted)}${item('In Progress', counts.inProgress)}${item('Completed', counts.completed)}${item('Expired', counts.expired)}${item('Overdue', counts.overdue)}${item('Exempt', counts.exempt)}${item('Outside your scope', rule.outsideScope)}</dl>
    ${edit}
    ${dataTable(`Users ${users.offset + 1} to ${users.offset + users.rows.length} of ${users.total}`, ['Person', 'Department', 'Status', 'Progress', 'Due date', 'Exempt', 'Assigned on'], rows, 'No users you may see hold this rule.')}`;
}
