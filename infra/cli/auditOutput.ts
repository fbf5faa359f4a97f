import type { Engine } from '../engine/engine';
import { statusText } from './labels';
import { renderTable } from './table';

interface HistoryResult {
  userId: string;
  asOf: string | null;
  assignments: {
    courseId: string;
    title: string;
    active: boolean;
    visible: boolean;
    status: string;
    dueDate: string | null;
    overdue: boolean;
    version: number;
    sources: string[];
    completedOn: string | null;
    score: number | null;
  }[];
  events: { position: number; at: string; actorId: string; type: string; reason: string | null; summary: string }[];
}

interface ExplainResult {
  title: string;
  courseId: string;
  userId: string;
  status: string;
  version: number;
  visible: boolean;
  active: boolean;
  asOf: string | null;
  sources: {
    label: string;
    ruleId: string | null;
    assignedOn: string;
    exempt: boolean;
    rule: { name: string; mode: string; createdBy: string } | null;
    exemption: { reason: string; appliedBy: string; appliedAt: string } | null;
  }[];
  dueDate: {
    dueDate: string | null;
    policy: string;
    override: string | null;
    winner: string | null;
    candidates: { sourceKey: string; label: string; date: string | null; exempt: boolean; basis: string }[];
  };
  dueDateNotes: string[];
  versionDecisions: string[];
  removal: { text: string } | null;
}

export async function printHistory(
  engine: Engine,
  actorId: string,
  userId: string,
  asOf: string | undefined,
  json: boolean,
): Promise<number> {
  const reply = await engine.query({
    type: 'AssignmentHistory',
    actor: { userId: actorId },
    params: { userId, ...(asOf ? { asOf } : {}) },
  });
  if (!reply.ok) return refused(reply.error);
  if (json) {
    console.log(JSON.stringify(reply.result, null, 2));
    return 0;
  }
  const result = reply.result as HistoryResult;
  console.log(`Assignments of ${userId}${result.asOf ? ` as of ${result.asOf}` : ''}`);
  console.log(
    renderTable(
      ['course', 'sources', 'status', 'due', 'overdue', 'version', 'completed', 'score', 'shown'],
      result.assignments.map((row) => [
        row.title,
        row.sources.join(', ') || '—',
        row.active ? statusText(row.status) : `removed (was ${statusText(row.status)})`,
        row.dueDate ?? '—',
        row.overdue ? 'yes' : '',
        `v${row.version}`,
        row.completedOn ?? '',
        row.score === null ? '' : String(row.score),
        row.visible ? 'yes' : 'no',
      ]),
    ),
  );
  console.log(`\nHistory (${result.events.length} events)`);
  console.log(
    renderTable(
      ['#', 'when', 'who', 'what', 'reason'],
      result.events.map((event) => [event.position, event.at, event.actorId, event.summary, event.reason ?? '']),
    ),
  );
  return 0;
}

export async function printExplanation(
  engine: Engine,
  actorId: string,
  userId: string,
  courseId: string,
  asOf: string | undefined,
  json: boolean,
): Promise<number> {
  const reply = await engine.query({
    type: 'ExplainAssignment',
    actor: { userId: actorId },
    params: { userId, courseId, ...(asOf ? { asOf } : {}) },
  });
  if (!reply.ok) return refused(reply.error);
  if (json) {
    console.log(JSON.stringify(reply.result, null, 2));
    return 0;
  }
  printExplanationTables(reply.result as ExplainResult);
  return 0;
}

export function printExplanationTables(result: ExplainResult): void {
  // Hidden only means exempt from every source while assigned: a removed assignment says what removed it instead.
  const state = result.active
    ? `${statusText(result.status)}, v${result.version}${result.visible ? '' : ' (hidden: exempt from every source)'}`
    : `no longer assigned: ${result.removal?.text ?? 'removed'} (v${result.version})`;
  console.log(`${result.title} for ${result.userId}${result.asOf ? ` as of ${result.asOf}` : ''}: ${state}`);
  // A removed assignment has no sources and no due date left to explain: only its versions.
  if (result.active) printSourcesAndDueDate(result);
  if (result.versionDecisions.length > 0) console.log(`Versions: ${result.versionDecisions.join('; ')}`);
}

function printSourcesAndDueDate(result: ExplainResult): void {
  console.log(
    renderTable(
      ['source', 'rule', 'since', 'exempt'],
      result.sources.map((source) => [
        source.label,
        source.rule ? `${source.rule.name} (${source.rule.mode}, by ${source.rule.createdBy})` : '',
        source.assignedOn,
        source.exemption
          ? `yes: ${source.exemption.reason} (${source.exemption.appliedBy}, ${source.exemption.appliedAt})`
          : '',
      ]),
    ),
  );
  const due = result.dueDate;
  console.log(
    `Due date ${due.dueDate ?? 'none'}, worked out under the "${due.policy}" policy${due.override ? `, overridden by an admin to ${due.override}` : ''}:`,
  );
  console.log(
    renderTable(
      ['candidate', 'date', 'basis', ''],
      due.candidates.map((candidate) => [
        candidate.label,
        candidate.date ?? '—',
        candidate.basis,
        candidate.exempt ? 'exempt: not a candidate' : candidate.sourceKey === due.winner ? '← wins' : '',
      ]),
    ),
  );
  for (const note of result.dueDateNotes) console.log(`Note: ${note}`);
}

function refused(error: { code: string; message: string }): number {
  console.error(`${error.code}: ${error.message}`);
  return 1;
}
