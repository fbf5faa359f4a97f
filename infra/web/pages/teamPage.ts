import type { FastifyInstance, RouteShorthandOptions } from 'fastify';
import type { z } from 'zod';
import type { MyTeamResultSchema } from '../../../domain/queryResults/peopleResults';
import { type Html, html, queryOf, statusLabel } from '../html';
import type { WebKit } from '../webKit';
import { dataTable, orDash, overdueMark, progressBar, selectInput, textInput } from './pageParts';

type Team = z.infer<typeof MyTeamResultSchema>;

/**
 * My Team (issue #18): a manager's direct reports or whole reporting line with their visible assignments, overdue
 * ones first and marked (in words, not colour alone). MyTeam as the actor: a manager sees their own line; anyone
 * else only members their grants let them view (R17).
 */
export function registerTeamPage(app: FastifyInstance, kit: WebKit, pages: RouteShorthandOptions): void {
  app.get<{ Querystring: Record<string, string | undefined> }>('/team', pages, async (request, reply) => {
    const scope = request.query.scope === 'all' ? 'all' : 'direct';
    const managerId = request.query.managerId?.trim() || undefined;
    const answer = await kit.query(request, 'MyTeam', { scope, ...(managerId ? { managerId } : {}) });
    if (!answer.ok) return kit.refused(request, reply, 'My Team', answer);
    const team = answer.result as Team;
    const rows = team.members.flatMap((member) =>
      member.assignments.length === 0
        ? [
            html`<tr><th scope="row"><a href="/users/${encodeURIComponent(member.userId)}">${member.name}</a></th><td colspan="5">No assigned training</td></tr>`,
          ]
        : [...member.assignments]
            .sort((a, b) => Number(b.overdue) - Number(a.overdue))
            .map(
              (row) =>
                html`<tr class="${row.overdue ? 'is-overdue' : ''}"><th scope="row"><a href="/users/${encodeURIComponent(member.userId)}">${member.name}</a></th><td>${row.title}</td><td>${statusLabel(row.status)}</td><td>${progressBar(row.progress, `Progress of ${member.name} on ${row.title}`)}</td><td>${orDash(row.dueDate)}</td><td>${overdueMark(row.overdue)}</td></tr>`,
            ),
    );
    const overdue = team.members.reduce(
      (total, member) => total + member.assignments.filter((row) => row.overdue).length,
      0,
    );
    const body: Html = html`<form method="get" action="/team" class="filters" aria-label="Whose team">
        ${textInput('managerId', 'Manager (id; empty: you)', managerId)}
        ${selectInput(
          'scope',
          'Who',
          [
            ['direct', 'Direct reports'],
            ['all', 'Whole reporting line'],
          ],
          scope,
        )}
        <div class="field actions"><button type="submit">Show</button></div>
      </form>
      <p class="summary">${team.members.length} ${team.members.length === 1 ? 'person' : 'people'} ${scope === 'all' ? 'in the reporting line of' : 'reporting to'} <strong>${team.managerId}</strong>; <span class="${overdue > 0 ? 'overdue-text' : ''}">${overdue} overdue</span>. <a href="/api/queries/MyTeam${queryOf({ scope, managerId, format: 'csv' })}" download>Download as CSV</a></p>
      ${dataTable('Team training', ['Person', 'Course', 'Status', 'Progress', 'Due date', 'Overdue'], rows, 'Nobody in this team is visible to you.')}`;
    return kit.send(request, reply, 'My Team', body);
  });
}
