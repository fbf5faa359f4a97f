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
 * The auditor's timeline (issue #18, R20, R26): what a user had to do as of a date (the end of that day in the
 * portal's time zone, as `lms history --as-of`), every training event with who recorded it and why, and the
 * explanation of any assignment (sources, due-date candidates and the winner, version decisions).
 */
export function registerAuditPages(app: FastifyInstance, kit: WebKit, pages: RouteShorthandOptions): void {
  app.get<Query>('/audit', pages, async (request, reply) => {
    const userId = request.query.userId?.trim() ?? '';
    const asOfDate = request.query.asOf?.trim() ?? '';
    const form = html`<form method="get" action="/audit" class="filters" aria-label="Whose history">
      ${textInput('userId', 'User id', userId)}${textInput('asOf', 'As of (end of day)', asOfDate, 'date')}
      <div class="field actions"><button type="submit">Show timeline</button></div></form>`;
    if (!userId) return kit.send(request, reply, 'Audit timeline', form);
    const asOf = await instantOf(kit, asOfDate);
    if (asOf === 'invalid')
      return kit.send(
        request,
        reply,
        'Audit timeline',
        html`${form}${refusalView('As of must be a date (YYYY-MM-DD).')}`,
        400,
      );
    const answer = await kit.query(request, 'AssignmentHistory', { userId, ...(asOf ? { asOf } : {}) });
    if (!answer.ok) return kit.refused(request, reply, 'Audit timeline', answer);
    return kit.send(request, reply, 'Audit timeline', html`${form}${timeline(answer.result as History, asOfDate)}`);
  });

  app.get<Query>('/audit/explain', pages, async (request, reply) => {
    const userId = request.query.userId ?? '';
    const courseId = request.query.courseId ?? '';
    const asOfDate = request.query.asOf ?? '';
    const asOf = await instantOf(kit, asOfDate);
    if (asOf === 'invalid')
      return kit.send(request, reply, 'Explanation', refusalView('As of must be a date (YYYY-MM-DD).'), 400);
    const answer = await kit.query(request, 'ExplainAssignment', { userId, courseId, ...(asOf ? { asOf } : {}) });
    if (!answer.ok) return kit.refused(request, reply, 'Explanation', answer);
    const explanation = answer.result as AssignmentExplanation;
    const back = html`<p><a href="/audit${queryOf({ userId, asOf: asOfDate })}">Back to the timeline</a></p>`;
    return kit.send(request, reply, `Why ${userId} has ${explanation.title}`, html`${back}${explain(explanation)}`);
  });
}

async function instantOf(kit: WebKit, date: string): Promise<string | undefined | 'invalid'> {
  if (date === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'invalid';
  try {
    return asOfFromText(date, await kit.context.backend.portalTimeZone());
  } catch {
    return 'invalid';
  }
}

function timeline(history: History, asOfDate: string): Html {
  const explainLink = (courseId: string) =>
    `/audit/explain${queryOf({ userId: history.userId, courseId, asOf: asOfDate })}`;
  const assignments = history.assignments.map(
    (row) =>
      html`<tr class="${row.overdue ? 'is-overdue' : ''}"><th scope="row">${row.title}</th><td>${row.active ? (row.visible ? 'Assigned' : 'Exempt') : 'Removed'}</td><td>${statusLabel(row.status)}</td><td>${orDash(row.dueDate)} ${overdueMark(row.overdue)}</td><td>v${row.version}</td><td>${row.sources.join('; ')}</td><td><a href="${explainLink(row.courseId)}">Explain<span class="visually-hidden"> ${row.title}</span></a></td></tr>`,
  );
  const events = history.events.map(
    (event) =>
      html`<li><time datetime="${event.at}">${event.at.replace('T', ' ').slice(0, 16)} UTC</time> <strong>${event.type}</strong> by ${event.actorId}: ${event.summary}${event.reason ? html` <span class="muted">Reason: ${event.reason}</span>` : ''}</li>`,
  );
  return html`<h2>${history.asOf ? `As of ${history.asOf}` : 'Now'}</h2>
    ${dataTable('Assignments', ['Course', 'State', 'Status', 'Due date', 'Version', 'Sources', 'Why'], assignments, 'No training recorded by then.')}
    <h2>Timeline</h2>${events.length ? html`<ol class="timeline">${events}</ol>` : html`<p class="empty">No events by then.</p>`}`;
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
  return html`<dl class="details"><div><dt>Status</dt><dd>${statusLabel(explanation.status)}</dd></div><div><dt>Version</dt><dd>v${explanation.version}</dd></div><div><dt>Due date</dt><dd>${orDash(due.dueDate)} (policy: ${due.policy}${due.override ? `, admin override ${due.override}` : ''})</dd></div><div><dt>State</dt><dd>${explanation.active ? (explanation.visible ? 'Assigned' : 'Exempt from every source') : 'Removed'}</dd></div></dl>
    ${dataTable('Sources', ['Source', 'Assigned on', 'Rule', 'Exemption'], sources, 'No source now.')}
    ${dataTable('Due-date candidates', ['Source', 'Date', 'How', 'Exempt', 'Winner'], candidates, 'No due-date candidates.')}
    ${explanation.dueDateNotes.length ? html`<h2>Notes</h2><ul>${explanation.dueDateNotes.map((note) => html`<li>${note}</li>`)}</ul>` : ''}
    <h2>Versions</h2><ul>${explanation.versionDecisions.map((decision) => html`<li>${decision}</li>`)}</ul>
    ${explanation.removal ? html`<h2>Removal</h2><p>${explanation.removal.text}</p>` : ''}`;
}
