import type { Engine } from '../engine/engine';
import { asOfFromText, statusText } from './labels';
import { renderTable } from './table';
import { UsageError } from './usageError';

/** R26: the two audit questions, as instants (a plain date is the end of that day in the portal's time zone). */
export interface AuditTimes {
  asOf?: string | undefined;
  knownAt?: string | undefined;
}

/** `--as-of` and `--known-at` as typed: plain dates end in the portal's time zone, as the engine knows it now. */
export async function auditTimes(
  engine: Engine,
  asOf: string | undefined,
  knownAt: string | undefined,
): Promise<AuditTimes> {
  if (asOf === undefined && knownAt === undefined) return {};
  await engine.commands.feed.catchUp();
  const zone = engine.commands.referenceData.preferences.timeZone;
  const instant = (flag: string, text: string | undefined) => {
    try {
      return asOfFromText(text, zone);
    } catch (error) {
      throw error instanceof Error ? new UsageError(error.message.replace('--as-of', flag)) : error;
    }
  };
  const asOfInstant = instant('--as-of', asOf);
  const knownAtInstant = instant('--known-at', knownAt);
  return {
    ...(asOfInstant ? { asOf: asOfInstant } : {}),
    ...(knownAtInstant ? { knownAt: knownAtInstant } : {}),
  };
}

interface HistoryResult {
  userId: string;
  asOf: string | null;
  knownAt: string | null;
  view: string;
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
  knownAt: string | null;
  view: string;
  corrections?: string[];
  sources: {
    label: string;
    ruleId: string | null;
    assignedOn: string;
    exempt: boolean;
    rule: { name: string; mode: string; createdBy: string } | null;
    exemption: { reason: string; appliedBy: string; appliedAt: string; until?: string } | null;
  }[];
  keptExemptions?: { ruleId: string; exemption: { reason: string; appliedBy: string; until?: string } }[];
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
  when: AuditTimes,
  json: boolean,
): Promise<number> {
  const reply = await engine.query({
    type: 'AssignmentHistory',
    actor: { userId: actorId },
    params: { userId, ...when },
  });
  if (!reply.ok) return refused(reply.error);
  if (json) {
    console.log(JSON.stringify(reply.result, null, 2));
    return 0;
  }
  const result = reply.result as HistoryResult;
  console.log(`Assignments of ${userId}${viewText(result)}`);
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
  when: AuditTimes,
  json: boolean,
): Promise<number> {
  const reply = await engine.query({
    type: 'ExplainAssignment',
    actor: { userId: actorId },
    params: { userId, courseId, ...when },
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
  console.log(`${result.title} for ${result.userId}${viewText(result)}: ${state}`);
  // A removed assignment has no sources and no due date left to explain: only its versions.
  if (result.active) printSourcesAndDueDate(result);
  for (const { ruleId, exemption } of result.keptExemptions ?? [])
    console.log(
      `Kept: the exemption from rule ${ruleId} (${exemption.reason}, by ${exemption.appliedBy}${exemption.until ? `, exempt until ${exemption.until}` : ''}) comes back if the rule assigns the course again (R6)`,
    );
  if (result.versionDecisions.length > 0) console.log(`Versions: ${result.versionDecisions.join('; ')}`);
  for (const correction of result.corrections ?? []) console.log(`Correction: ${correction}`);
}

/** R26: which question the answer is, after the subject: nothing for now. */
const viewText = (result: { asOf: string | null; knownAt: string | null; view: string }) =>
  result.asOf || result.knownAt ? ` (${result.view})` : '';

function printSourcesAndDueDate(result: ExplainResult): void {
  console.log(
    renderTable(
      ['source', 'rule', 'since', 'exempt'],
      result.sources.map((source) => [
        source.label,
        source.rule ? `${source.rule.name} (${source.rule.mode}, by ${source.rule.createdBy})` : '',
        source.assignedOn,
        source.exemption
          ? `yes: ${source.exemption.reason} (${source.exemption.appliedBy}, ${source.exemption.appliedAt})${source.exemption.until ? `, exempt until ${source.exemption.until}` : ''}`
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
