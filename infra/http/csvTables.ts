import { stringify } from 'csv-stringify/sync';
import type { QueryName } from '../../domain/queries';

/**
 * Query results as CSV (`Accept: text/csv` or `?format=csv`) for the queries whose answer is a table: one line per
 * row, a header of the row's fields. Nested values are flattened to text: a list of sources to their labels joined
 * with "; ", anything else nested to JSON. Written with csv-stringify (RFC 4180, CRLF); text a spreadsheet would run
 * as a formula gets a leading apostrophe, as in `lms report --format csv`.
 */
type Row = Record<string, unknown>;

const asRows = (value: unknown): Row[] => (Array.isArray(value) ? (value as Row[]) : []);

/** Where each table-like query keeps its rows; the queries not named here have no table (ExplainAssignment). */
const tableOf: Partial<Record<QueryName, (result: unknown) => Row[]>> = {
  UserDashboard: asRows,
  UserAssignments: asRows,
  UserExemptions: asRows,
  MiReport: asRows,
  MiSummary: asRows,
  SearchUsers: asRows,
  AssignmentRules: asRows,
  Groups: asRows,
  Courses: asRows,
  MyTeam: (result) =>
    asRows((result as { members?: unknown }).members).flatMap((member) =>
      asRows(member.assignments).map((assignment) => ({
        userId: member.userId,
        name: member.name,
        managerId: member.managerId,
        ...assignment,
      })),
    ),
  AssignmentSummary: (result) => asRows((result as { users?: { rows?: unknown } }).users?.rows),
  GroupMembers: (result) => asRows((result as { rows?: unknown }).rows),
  AssignmentHistory: (result) => asRows((result as { events?: unknown }).events),
  VersionStatus: (result) => asRows((result as { versions?: unknown }).versions),
  CommandOutcome: (result) => asRows((result as { results?: unknown }).results),
  UserProfile: (result) => asRows((result as { assignments?: unknown }).assignments),
};

export function hasTable(name: QueryName): boolean {
  return tableOf[name] !== undefined;
}

export function csvOf(name: QueryName, result: unknown): string {
  const rows = tableOf[name]?.(result) ?? [];
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return stringify(
    rows.map((row) => columns.map((column) => cellOf(row[column]))),
    { header: true, columns, record_delimiter: '\r\n' },
  );
}

function cellOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null && 'label' in item))
    return cellOf(value.map((item: { label: unknown }) => String(item.label)).join('; '));
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object')) return cellOf(value.join('; '));
  return cellOf(JSON.stringify(value));
}
