import type { FastifyInstance, RouteShorthandOptions } from 'fastify';
import type { z } from 'zod';
import type { AssignmentExplanation, AssignmentHistoryResultSchema } from '../../../domain/queryResults/auditResults';
import { asOfFromText } from '../../cli/labels';
import { type Html, html, queryOf, refusalView, statusLabel } from '../html';
import type { WebKit } from '../webKit';
import { dataTable, orDash, overdueMark, textInput } from './pageParts';

type History = z.infer<typeof AssignmentHistoryResultSchema>;
type Query = { Querystring: Record<string, string | undefined> };

/**
 * The auditor's timeline (issue #18, R20, R26): what a user had to do, every training event with who recorded it and
 * why, and the explanation of any assignment (sources, due-date candidates and the winner, version decisions, the
 * corrections). Two questions, each a date meaning the end of that day in the portal's time zone (as `lms history`):
 * "as of" (what was true then, as known now: later corrections applied) and "known at" (what the engine said at that
 * moment, before later corrections); both together: what was true then as known at that moment.
 */
export function registerAuditPages(app: FastifyInstance, kit: WebKit, pages: RouteShorthandOptions): void {
  app.get<Query>('/audit', pages, async (request, reply) => {
    const userId = request.query.userId?.trim() ?? '';
    const dates = { asOf: request.query.asOf?.trim() ?? '', knownAt: request.query.knownAt?.trim() ?? '' };
    const form = html`<form method="get" action="/audit" class="filters" aria-label="Whose history" aria-describedby="audit-help">
      ${textInput('userId', 'User id', userId)}${textInput('asOf', 'As of (end of day)', dates.asOf, 'date')}${textInput('knownAt', 'Known at (end of day)', dates.knownAt, 'date')}
      <div class="field actions"><button type="submit">Show timeline</button></div>
      <p id="audit-help" class="help">As of: what was true on that day, as known now (later corrections applied). Known at: what the engine said at that moment, before later corrections. Both: what was true then, as known at that moment.</p></form>`;
    if (!userId) return kit.send(request, reply, 'Audit timeline', form);
    const instants = await instantsOf(kit, dates);
    if (instants === 'invalid')
      return kit.send(request, reply, 'Audit timeline', html`${form}${refusalView(INVALID_DATE)}`, 400);
    const answer = await kit.query(request, 'AssignmentHistory', { userId, ...instants });
    if (!answer.ok) return kit.refused(request, reply, 'Audit timeline', answer);
    return kit.send(request, reply, 'Audit timeline', html`${form}${timeline(answer.result as History, dates)}`);
  });

  app.get<Query>('/audit/explain', pages, async (request, reply) => {
    const userId = request.query.userId ?? '';
    const courseId = request.query.courseId ?? '';
    const dates = { asOf: request.query.asOf ?? '', knownAt: request.query.knownAt ?? '' };
    const instants = await instantsOf(kit, dates);
    if (instants === 'invalid') return kit.send(request, reply, 'Explanation', refusalView(INVALID_DATE), 400);
    const answer = await kit.query(request, 'ExplainAssignment', { userId, courseId, ...instants });
    if (!answer.ok) return kit.refused(request, reply, 'Explanation', answer);
    const explanation = answer.result as AssignmentExplanation;
    const back = html`<p><a href="/audit${queryOf({ userId, ...dates })}">Back to the timeline</a></p>`;
    return kit.send(request, reply, `Why ${userId} has ${explanation.title}`, html`${back}${explain(explanation)}`);
  });
}

const INVALID_DATE = 'As of and known at must be dates (YYYY-MM-DD).';

type Dates = { asOf: string; knownAt: string };

/** The two dates as the instants the queries take (each the end of its day in the portal's zone); empty: not asked. */
async function instantsOf(kit: WebKit, dates: Dates): Promise<{ asOf?: string; knownAt?: string } | 'invalid'> {
  const instants: { asOf?: string; knownAt?: string } = {};
  for (const key of ['asOf', 'knownAt'] as const) {
    const date = dates[key];
    if (date === '') continue;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'invalid';
    try {
      instants[key] = asOfFromText(date, await kit.context.backend.portalTimeZone());
    } catch {
      return 'invalid';
    }
  }
  return instants;
}

function timeline(history: History, dates: Dates): Html {
  const explainLink = (courseId: string) => `/audit/explain${queryOf({ userId: history.userId, courseId, ...dates })}`;
  const assignments = history.assignments.map(
    (row) =>
      html`<tr class="${row.overdue ? 'is-overdue' : ''}"><th scope="row">${row.title}</th><td>${row.active ? (row.visible ? 'Assigned' : 'Exempt') : 'Removed'}</td><td>${statusLabel(row.status)}</td><td>${orDash(row.dueDate)} ${overdueMark(row.overdue)}</td><td>${orDash(row.completedOn)}</td><td>${orDash(row.score)}</td><td>v${row.version}</td><td>${row.sources.join('; ')}</td><td><a href="${explainLink(row.courseId)}">Explain<span class="visually-hidden"> ${row.title}</span></a></td></tr>`,
  );
  const events = history.events.map(
    (event) =>
      html`<li><time datetime="${event.at}">${event.at.replace('T', ' ').slice(0, 16)} UTC</time> <strong>${event.type}</strong> by ${event.actorId}: ${event.summary}${event.reason ? html` <span class="muted">Reason: ${event.reason}</span>` : ''}</li>`,
  );
  return html`<h2 id="view">${viewTitle(dates)}</h2><p class="muted">${sentence(history.view)}</p>
    ${dataTable('Assignments', ['Course', 'State', 'Status', 'Due date', 'Completed on', 'Score', 'Version', 'Sources', 'Why'], assignments, 'No training recorded by then.')}
    <h2>Timeline</h2>${events.length ? html`<ol class="timeline">${events}</ol>` : html`<p class="empty">No events by then.</p>`}`;
}

/** The engine's words as a sentence on the page: its first letter capital. */
const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The view's title from the dates asked, as the auditor typed them. */
function viewTitle({ asOf, knownAt }: Dates): string {
  if (asOf && knownAt) return `As of ${asOf}, as known at ${knownAt}`;
  if (asOf) return `As of ${asOf}, as known now`;
  if (knownAt) return `As known at ${knownAt}`;
  return 'Now';
}

function explain(explanation: AssignmentExplanation): Html {
  const sources = explanation.sources.map(
    (source) =>
      html`<tr><th scope="row">${source.label}</th><td>${source.assignedOn}</td><td>${source.rule ? `${source.rule.name} (${source.rule.mode}, by ${source.rule.createdBy})` : '—'}</td><td>${source.exemption ? `Exempt: ${source.exemption.reason} (by ${source.exemption.appliedBy}, ${source.exemption.appliedAt.slice(0, 10)})` : 'No'}</td></tr>`,
  );
  const due = explanation.dueDate;
  const candidates = due.candidates.map(
    (candidate) =>
      html`<tr><th scope="row">${candidate.label}</th><td>${orDash(candidate.date)}</td><td>${candidate.basis}</td><td>${candidate.exempt ? 'Exempt' : ''}</td><td>${due.winner === candidate.sourceKey ? html`<strong>Chosen</strong>` : ''}</td></tr>`,
  );
  return html`<p class="muted">${sentence(explanation.view)}</p><dl class="details"><div><dt>Status</dt><dd>${statusLabel(explanation.status)}</dd></div><div><dt>Version</dt><dd>v${explanation.version}</dd></div><div><dt>Due date</dt><dd>${orDash(due.dueDate)} (policy: ${due.policy}${due.override ? `, admin override ${due.override}` : ''})</dd></div><div><dt>State</dt><dd>${explanation.active ? (explanation.visible ? 'Assigned' : 'Exempt from every source') : 'Removed'}</dd></div></dl>
    ${dataTable('Sources', ['Source', 'Assigned on', 'Rule', 'Exemption'], sources, 'No source now.')}
    ${dataTable('Due-date candidates', ['Source', 'Date', 'How', 'Exempt', 'Winner'], candidates, 'No due-date candidates.')}
    ${explanation.dueDateNotes.length ? html`<h2>Notes</h2><ul>${explanation.dueDateNotes.map((note) => html`<li>${note}</li>`)}</ul>` : ''}
    <h2>Versions</h2><ul>${explanation.versionDecisions.map((decision) => html`<li>${decision}</li>`)}</ul>
    ${explanation.corrections.length ? html`<h2>Corrections</h2><ul class="corrections">${explanation.corrections.map((line) => html`<li>${sentence(line)}</li>`)}</ul>` : ''}
    ${explanation.removal ? html`<h2>Removal</h2><p>${explanation.removal.text}</p>` : ''}`;
}
