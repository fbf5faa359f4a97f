import { statusText } from '../labels';
import { printSummary } from '../ruleOutput';
import { renderTable } from '../table';
import type { DemoScript } from './demoScript';
import { ADMIN } from './demoScript';

/** What the demo prints between steps: the read models as an admin (or a manager) sees them. */

export async function showAssignments(script: DemoScript, userId: string): Promise<void> {
  type Row = {
    title: string;
    sources: { label: string }[];
    status: string;
    dueDate: string | null;
    overdue: boolean;
    version: number;
    progress: number;
  };
  const rows = await script.view<Row>('UserAssignments', userId);
  if (!rows) return;
  console.log(`  ${userId}'s assignments (admin view):`);
  console.log(
    indent(
      rows.length === 0
        ? '(none)'
        : renderTable(
            ['course', 'source', 'status', 'due', 'version', 'progress'],
            rows.map((row) => [
              row.title,
              row.sources.map((source) => source.label).join(', '),
              statusText(row.status),
              `${row.dueDate ?? '—'}${row.overdue ? ' (overdue)' : ''}`,
              `v${row.version}`,
              `${row.progress}%`,
            ]),
          ),
    ),
  );
}

export async function showDashboard(script: DemoScript, userId: string): Promise<void> {
  type Row = { title: string; required: boolean; status: string; dueDate: string | null; overdue: boolean };
  const rows = await script.view<Row>('UserDashboard', userId);
  if (!rows) return;
  console.log(
    indent(
      rows.length === 0
        ? `(nothing on ${userId}'s dashboard)`
        : renderTable(
            ['assigned training', 'required', 'status', 'due'],
            rows.map((row) => [row.title, row.required ? 'required' : '', statusText(row.status), row.dueDate ?? '—']),
          ),
    ),
  );
}

export async function showTeam(script: DemoScript, managerId: string): Promise<void> {
  const reply = await script.engine.query({
    type: 'MyTeam',
    actor: { userId: managerId },
    params: { scope: 'all' },
  });
  if (!reply.ok) return script.fail(reply.error.message);
  const team = reply.result as {
    members: { name: string; assignments: { title: string; status: string; dueDate: string | null }[] }[];
  };
  console.log(`  My Team, as ${managerId} sees it:`);
  console.log(
    indent(
      renderTable(
        ['member', 'training', 'status', 'due'],
        team.members.flatMap((member) =>
          member.assignments.map((row, i) => [
            i === 0 ? member.name : '',
            row.title,
            statusText(row.status),
            row.dueDate ?? '—',
          ]),
        ),
      ),
    ),
  );
}

export async function showMiSummary(script: DemoScript): Promise<void> {
  const reply = await script.engine.query({
    type: 'MiSummary',
    actor: { userId: ADMIN },
    params: { groupBy: 'course', courseId: 'code-of-conduct' },
  });
  if (!reply.ok) return script.fail(reply.error.message);
  const rows = reply.result as {
    key: string;
    assigned: number;
    notStarted: number;
    completed: number;
    overdue: number;
  }[];
  console.log(
    indent(
      renderTable(
        ['course', 'assigned', 'not started', 'completed', 'overdue'],
        rows.map((row) => [row.key, row.assigned, row.notStarted, row.completed, row.overdue]),
      ),
    ),
  );
}

export async function showExemptions(script: DemoScript, userId: string): Promise<void> {
  type Row = {
    title: string;
    source: string;
    exempted: boolean;
    reason: string | null;
    appliedBy: string | null;
    appliedAt: string | null;
  };
  const rows = await script.view<Row>('UserExemptions', userId);
  if (!rows) return;
  console.log(`  Exemptions of ${userId}:`);
  console.log(
    indent(
      renderTable(
        ['', 'assignment', 'source', 'reason', 'applied by', 'applied at'],
        rows.map((row) => [
          row.exempted ? '[x]' : '[ ]',
          row.title,
          row.source,
          row.reason ?? '',
          row.appliedBy ?? '',
          row.appliedAt?.slice(0, 16) ?? '',
        ]),
      ),
    ),
  );
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** The Assignment Summary page of a rule (seed: dynamic reassignment), as the admin sees it. */
export async function showSummary(script: DemoScript, ruleId: string): Promise<void> {
  console.log(`  Assignment Summary of ${ruleId}:`);
  const status = await printSummary(script.engine, ADMIN, ruleId, { limit: 20, offset: 0 }, false);
  if (status !== 0) script.fail(`the Assignment Summary of ${ruleId} was refused`);
}
