import { statusFromText } from './labels';
import type { printReport } from './reportOutput';
import { UsageError } from './usageError';

/** The flags `lms report` reads (parseArgs values). */
export interface ReportFlags {
  format?: string | undefined;
  summary: boolean;
  'group-by': string;
  limit?: string | undefined;
  course?: string | undefined;
  'org-unit'?: string | undefined;
  department?: string | undefined;
  status?: string | undefined;
  overdue?: boolean | undefined;
  'not-overdue'?: boolean | undefined;
  rule?: string | undefined;
  group?: string | undefined;
  manager?: string | undefined;
  'due-from'?: string | undefined;
  'due-to'?: string | undefined;
  'assigned-from'?: string | undefined;
  'assigned-to'?: string | undefined;
}

/** `lms report`'s flags, checked: a bad combination is a usage error, not a refused query. */
export function reportOptions(values: ReportFlags): Parameters<typeof printReport>[2] {
  const format = values.format;
  if (format !== 'table' && format !== 'csv' && format !== 'json')
    throw new UsageError('--format is table, csv or json');
  if (values.summary && (values.department || values.status || values.overdue || values['not-overdue'])) {
    throw new UsageError(
      'report --summary does not take --department, --status or --overdue: they filter MI rows (drop --summary)',
    );
  }
  const limit = Number(values.limit ?? '10000');
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new UsageError('--limit is a whole number from 1 to 10000');
  return {
    format,
    summary: values.summary,
    groupBy: values['group-by'],
    limit,
    filters: {
      courseId: values.course,
      orgUnitId: values['org-unit'],
      department: values.department,
      status: values.status === undefined ? undefined : statusFromText(values.status),
      overdue: values.overdue ? true : values['not-overdue'] ? false : undefined,
      ruleId: values.rule,
      groupId: values.group,
      managerId: values.manager,
      dueFrom: values['due-from'],
      dueTo: values['due-to'],
      assignedFrom: values['assigned-from'],
      assignedTo: values['assigned-to'],
    },
  };
}
