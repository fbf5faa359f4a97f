import { stringify } from 'csv-stringify/sync';
import type { QueryReply } from '../../handlers/ports/reply';
import type { MiSummaryRow } from '../../projections/miQueries';
import type { Engine } from '../engine/engine';
import { CSV_OPTIONS } from './csvFormat';
import { statusText } from './labels';
import { renderTable } from './table';

type Format = 'table' | 'csv' | 'json';

interface ReportFilters {
  courseId?: string | undefined;
  orgUnitId?: string | undefined;
  department?: string | undefined;
  status?: string | undefined;
  overdue?: boolean | undefined;
  ruleId?: string | undefined;
  groupId?: string | undefined;
  managerId?: string | undefined;
  dueFrom?: string | undefined;
  dueTo?: string | undefined;
  assignedFrom?: string | undefined;
  assignedTo?: string | undefined;
}

type ReportOptions = { format: Format; summary: boolean; groupBy: string; filters: ReportFilters; limit: number };

/** `lms report`: MI reporting as a table, CSV or JSON; `--summary` groups counts by course, department or org unit. */
export async function printReport(engine: Engine, actorId: string, options: ReportOptions): Promise<number> {
  const { format, summary, groupBy } = options;
  const reply = summary ? await fetchSummary(engine, actorId, options) : await fetchAllRows(engine, actorId, options);
  if (!reply.ok) {
    console.error(`${reply.error.code}: ${reply.error.message}`);
    return 1;
  }
  if (format === 'json') console.log(JSON.stringify(reply.result, null, 2));
  else if (summary) printSummary(reply.result as MiSummaryRow[], groupBy, format);
  else printRows(reply.result as ReportRow[], format);
  return 0;
}

/** `lms export report`: the report's CSV as a header and records (the same filters, the same columns). */
export async function reportCsvTable(
  engine: Engine,
  actorId: string,
  options: ReportOptions,
): Promise<({ ok: true } & Table) | { ok: false; message: string }> {
  const reply = options.summary
    ? await fetchSummary(engine, actorId, options)
    : await fetchAllRows(engine, actorId, options);
  if (!reply.ok) return { ok: false, message: `${reply.error.code}: ${reply.error.message}` };
  const table = options.summary
    ? summaryTable(reply.result as MiSummaryRow[], options.groupBy, 'csv')
    : rowsTable(reply.result as ReportRow[], 'csv');
  return { ok: true, ...table };
}

function fetchSummary(engine: Engine, actorId: string, { groupBy, filters }: ReportOptions): Promise<QueryReply> {
  return engine.query({
    type: 'MiSummary',
    actor: { userId: actorId },
    params: {
      groupBy,
      // The row filters (department, status, overdue) are refused with --summary before this point.
      ...Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)),
    },
  });
}

/** Pages through every row: an export is never cut short silently. */
async function fetchAllRows(engine: Engine, actorId: string, { filters, limit }: ReportOptions): Promise<QueryReply> {
  const defined = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined));
  const rows: unknown[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await engine.query({
      type: 'MiReport',
      actor: { userId: actorId },
      params: { ...defined, limit, offset },
    });
    if (!page.ok) return page;
    const result = page.result as unknown[];
    for (const row of result) rows.push(row);
    if (result.length < limit) return { ...page, result: rows };
  }
}

function printSummary(rows: MiSummaryRow[], groupBy: string, format: Format): void {
  const { headers, cells } = summaryTable(rows, groupBy, format);
  if (format === 'csv') process.stdout.write(toCsv(headers, cells));
  else console.log(renderTable(headers, cells));
}

type Table = { headers: string[]; cells: (string | number | boolean | null | undefined)[][] };

function summaryTable(rows: MiSummaryRow[], groupBy: string, format: Format): Table {
  // Titles and names for people; CSV keeps a course's or org unit's id too, for whoever joins it with other data.
  const withId = format === 'csv' && groupBy !== 'department';
  const headers = [
    groupBy,
    ...(withId ? [`${groupBy}Id`] : []),
    'assigned',
    'not started',
    'in progress',
    'completed',
    'expired',
    'overdue',
    'completion rate',
  ];
  const cells = rows.map((row) => [
    row.label ?? row.key ?? '(none)',
    ...(withId ? [row.key] : []),
    row.assigned,
    row.notStarted,
    row.inProgress,
    row.completed,
    row.expired,
    row.overdue,
    `${(row.completionRate * 100).toFixed(1)}%`,
  ]);
  return { headers, cells };
}

interface ReportRow {
  userId: string;
  name: string;
  department: string | null;
  orgUnitId: string;
  courseId: string;
  title: string;
  required: boolean;
  status: string;
  progress: number;
  version: number;
  dueDate: string | null;
  overdue: boolean;
  completedOn: string | null;
  score: number | null;
}

function printRows(rows: ReportRow[], format: Format): void {
  const { headers, cells } = rowsTable(rows, format);
  if (format === 'csv') process.stdout.write(toCsv(headers, cells));
  else console.log(renderTable(headers, cells));
}

function rowsTable(rows: ReportRow[], format: Format): Table {
  const headers = [
    'user',
    'name',
    'department',
    'org unit',
    'course',
    'title',
    'required',
    'status',
    'progress',
    'version',
    'due',
    'overdue',
    'completed',
    'score',
  ];
  const cells = rows.map((row) => [
    row.userId,
    row.name,
    row.department,
    row.orgUnitId,
    row.courseId,
    row.title,
    row.required ? 'yes' : 'no',
    format === 'csv' ? row.status : statusText(row.status),
    row.progress,
    row.version,
    row.dueDate,
    row.overdue ? 'yes' : 'no',
    row.completedOn,
    row.score,
  ]);
  return { headers, cells };
}

/** `lms team`: a manager's direct reports (or whole reporting line) and their assignments. */
export async function printTeam(
  engine: Engine,
  actorId: string,
  managerId: string,
  all: boolean,
  json: boolean,
): Promise<number> {
  const reply = await engine.query({
    type: 'MyTeam',
    actor: { userId: actorId },
    params: { managerId, scope: all ? 'all' : 'direct' },
  });
  if (!reply.ok) {
    console.error(`${reply.error.code}: ${reply.error.message}`);
    return 1;
  }
  const team = reply.result as {
    members: {
      userId: string;
      name: string;
      managerId: string | null;
      assignments: { title: string; status: string; dueDate: string | null; overdue: boolean; required: boolean }[];
    }[];
  };
  if (json) {
    console.log(JSON.stringify(team, null, 2));
    return 0;
  }
  const cells = team.members.flatMap((member) =>
    member.assignments.length === 0
      ? [[member.name, member.managerId, '(nothing assigned)', '', '', '']]
      : member.assignments.map((assignment, i) => [
          i === 0 ? member.name : '',
          i === 0 ? member.managerId : '',
          assignment.title,
          statusText(assignment.status),
          assignment.dueDate ?? '—',
          assignment.overdue ? 'yes' : '',
        ]),
  );
  console.log(
    `My Team of ${managerId} (${all ? 'whole reporting line' : 'direct reports'}): ${team.members.length} ${team.members.length === 1 ? 'person' : 'people'}`,
  );
  console.log(renderTable(['member', 'manager', 'training', 'status', 'due', 'overdue'], cells));
  return 0;
}

/**
 * RFC 4180 through csv-stringify (CSV_OPTIONS: CRLF line ends, quoted commas, quotes and line breaks, a leading
 * apostrophe on text a spreadsheet would run as a formula); every record ends with CRLF, the last one too.
 */
export function toCsv(headers: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  return stringify([headers, ...rows], CSV_OPTIONS);
}
