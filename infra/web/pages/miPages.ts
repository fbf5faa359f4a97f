import type { FastifyInstance, RouteShorthandOptions } from 'fastify';
import type { z } from 'zod';
import type { MiReportRowSchema, MiSummaryRow } from '../../../domain/queryResults/miResults';
import { type Html, html, queryOf, statusLabel } from '../html';
import type { WebKit } from '../webKit';
import { dataTable, orDash, overdueMark, percent, progressBar, selectInput, textFilters, textInput } from './pageParts';

type Query = { Querystring: Record<string, string | undefined> };
type MiRow = z.infer<typeof MiReportRowSchema>;

/** MiSummary's filters, as the dashboard's form names them. */
const SUMMARY_FILTERS = ['courseId', 'orgUnitId', 'groupId', 'ruleId', 'managerId', 'dueFrom', 'dueTo'] as const;
const ROW_FILTERS = [...SUMMARY_FILTERS, 'department', 'status', 'overdue'] as const;
const GROUPINGS = [
  ['orgUnit', 'org unit', 'orgUnitId'],
  ['course', 'course', 'courseId'],
  ['department', 'department', 'department'],
] as const;
const PAGE = 100;

/**
 * The MI dashboard (issue #18): completion rate and overdue by org unit, course and department as charts (with the
 * same figures in tables, for keyboards and screen readers), the status breakdown, filters, CSV downloads and a
 * drill-down to the rows. Everything comes from MiSummary and MiReport as the actor (R17: only users in scope).
 */
export function registerMiPages(app: FastifyInstance, kit: WebKit, pages: RouteShorthandOptions): void {
  app.get<Query>('/mi', pages, async (request, reply) => {
    const filters = textFilters(request.query, SUMMARY_FILTERS);
    const answers = await Promise.all(
      GROUPINGS.map(([groupBy]) => kit.query(request, 'MiSummary', { ...filters, groupBy })),
    );
    const failed = answers.find((answer) => !answer.ok);
    if (failed) return kit.refused(request, reply, 'MI dashboard', failed);
    const summaries = answers.map((answer) => (answer.ok ? (answer.result as MiSummaryRow[]) : []));
    const byCourse = summaries[1] ?? [];
    const body = html`${filterForm(filters, summaries)}${statusBreakdown(byCourse)}
      <div class="charts">${GROUPINGS.map(([groupBy, noun, key], index) => groupChart(groupBy, noun, key, summaries[index] ?? [], filters))}</div>`;
    return kit.send(request, reply, 'MI dashboard', body);
  });

  app.get<Query>('/mi/rows', pages, async (request, reply) => {
    const filters = textFilters(request.query, ROW_FILTERS);
    const offset = Math.max(0, Number.parseInt(request.query.offset ?? '0', 10) || 0);
    const params: Record<string, unknown> = { ...filters, limit: PAGE, offset };
    if (filters.overdue !== undefined) params.overdue = filters.overdue === 'true';
    const answer = await kit.query(request, 'MiReport', params);
    if (!answer.ok) return kit.refused(request, reply, 'MI rows', answer);
    const rows = answer.result as MiRow[];
    const csv = `/api/queries/MiReport${queryOf({ ...filters, format: 'csv', limit: 10_000 })}`;
    const next = rows.length === PAGE ? `/mi/rows${queryOf({ ...filters, offset: offset + PAGE })}` : undefined;
    const body = html`<p><a href="/mi${queryOf(textFilters(filters, SUMMARY_FILTERS))}">Back to the dashboard</a> ·
      <a href="${csv}" download>Download these rows as CSV</a></p>
      <p>Filters: ${Object.entries(filters).map(([name, value]) => html`<span class="chip">${name}: ${value}</span> `)}</p>
      ${dataTable(
        `Assignments ${offset + 1} to ${offset + rows.length}`,
        ['User', 'Department', 'Org unit', 'Course', 'Status', 'Progress', 'Due date', 'Overdue', 'Completed on'],
        rows.map(rowOf),
        'No assignments match these filters.',
      )}
      ${next ? html`<p><a href="${next}">Next ${PAGE} rows</a></p>` : ''}`;
    return kit.send(request, reply, 'MI rows', body);
  });
}

function rowOf(row: MiRow): Html {
  return html`<tr class="${row.overdue ? 'is-overdue' : ''}"><td><a href="/users/${encodeURIComponent(row.userId)}">${row.name}</a></td><td>${orDash(row.department)}</td><td>${row.orgUnitId}</td><td>${row.title}</td><td>${statusLabel(row.status)}</td><td>${progressBar(row.progress, `Progress of ${row.name} on ${row.title}`)}</td><td>${orDash(row.dueDate)}</td><td>${overdueMark(row.overdue)}</td><td>${orDash(row.completedOn)}</td></tr>`;
}

function filterForm(filters: Record<string, string>, summaries: MiSummaryRow[][]): Html {
  const options = (rows: MiSummaryRow[] | undefined, all: string) => [
    ['', all] as const,
    ...(rows ?? [])
      .filter((row) => row.key !== null)
      .map((row) => [row.key ?? '', row.label ?? row.key ?? ''] as const),
  ];
  return html`<form method="get" action="/mi" class="filters" aria-label="Filters">
    ${selectInput('orgUnitId', 'Org unit', options(summaries[0], 'All org units'), filters.orgUnitId)}
    ${selectInput('courseId', 'Course', options(summaries[1], 'All courses'), filters.courseId)}
    ${textInput('groupId', 'Group id', filters.groupId)}
    ${textInput('ruleId', 'Rule id', filters.ruleId)}
    ${textInput('managerId', "Manager's line (id)", filters.managerId)}
    ${textInput('dueFrom', 'Due from', filters.dueFrom, 'date')}
    ${textInput('dueTo', 'Due to', filters.dueTo, 'date')}
    <div class="field actions"><button type="submit">Apply filters</button> <a href="/mi">Clear</a></div>
  </form>`;
}

/** Counts per status over every assignment in the filters (the by-course summary counts each once). */
function statusBreakdown(rows: MiSummaryRow[]): Html {
  const sum = (pick: (row: MiSummaryRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const counts = [
    ['Not Started', sum((row) => row.notStarted)],
    ['In Progress', sum((row) => row.inProgress)],
    ['Completed', sum((row) => row.completed)],
    ['Expired', sum((row) => row.expired)],
  ] as const;
  const assigned = sum((row) => row.assigned);
  const overdue = sum((row) => row.overdue);
  const chart = { kind: 'status', labels: counts.map(([label]) => label), values: counts.map(([, value]) => value) };
  const description = counts.map(([label, value]) => `${label} ${value}`).join(', ');
  return html`<section class="panel" aria-labelledby="status-heading"><h2 id="status-heading">Status breakdown</h2>
    <div class="status-layout"><div class="chart chart-small"><canvas role="img" aria-label="Assignments by status: ${description}" data-chart="${JSON.stringify(chart)}"></canvas></div>
    <dl class="figures"><div><dt>Assigned</dt><dd>${assigned}</dd></div>${counts.map(([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`)}<div class="overdue"><dt>Overdue</dt><dd>${overdue}</dd></div><div><dt>Completion rate</dt><dd>${percent(assigned === 0 ? 0 : sum((row) => row.completed) / assigned)}</dd></div></dl></div>
  </section>`;
}

function groupChart(
  groupBy: string,
  noun: string,
  key: string,
  rows: MiSummaryRow[],
  filters: Record<string, string>,
): Html {
  const labels = rows.map((row) => row.label ?? row.key ?? '(none)');
  const chart = {
    kind: 'rate',
    labels,
    rate: rows.map((row) => Math.round(row.completionRate * 1000) / 10),
    overdue: rows.map((row) => row.overdue),
  };
  const description = rows
    .map((row, index) => `${labels[index]}: ${percent(row.completionRate)} complete, ${row.overdue} overdue`)
    .join('; ');
  const csv = `/api/queries/MiSummary${queryOf({ ...filters, groupBy, format: 'csv' })}`;
  const drill = (row: MiSummaryRow) => (row.key === null ? '' : `/mi/rows${queryOf({ ...filters, [key]: row.key })}`);
  return html`<section class="panel" aria-labelledby="h-${groupBy}"><h2 id="h-${groupBy}">Completion and overdue by ${noun}</h2>
    <div class="chart"><canvas role="img" aria-label="Completion rate and overdue by ${noun}: ${description || 'no data'}" data-chart="${JSON.stringify(chart)}"></canvas></div>
    <p><a href="${csv}" download>Download by ${noun} as CSV</a></p>
    ${dataTable(
      `By ${noun}`,
      [noun[0]?.toUpperCase() + noun.slice(1), 'Assigned', 'Completed', 'Completion rate', 'Overdue'],
      rows.map((row, index) => {
        const link = drill(row);
        const label = labels[index] ?? '';
        return html`<tr><td>${link ? html`<a href="${link}">${label}</a>` : label}</td><td>${row.assigned}</td><td>${row.completed}</td><td>${percent(row.completionRate)}</td><td>${row.overdue}</td></tr>`;
      }),
      'No assignments in MI for these filters.',
    )}
  </section>`;
}
