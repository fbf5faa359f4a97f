import type { FastifyInstance, RouteShorthandOptions } from 'fastify';
import type { z } from 'zod';
import type { FoundUserSchema } from '../../../domain/queryResults/peopleResults';
import type { UserProfileResult } from '../../../domain/queryResults/userProfileResult';
import type { ExemptionViewRowSchema } from '../../../domain/queryResults/userViewResults';
import type { QueryReply } from '../../../handlers/ports/reply';
import { flashOf, type Html, html, type PageContext, refusalView } from '../html';
import type { WebKit } from '../webKit';
import { exemptionsForm, savedTicks } from './exemptionsForm';
import { dataTable, orDash, textInput } from './pageParts';
import { assignmentsTable, completionTable, detailsList } from './profileParts';

type Found = z.infer<typeof FoundUserSchema>;
type ExemptionRow = z.infer<typeof ExemptionViewRowSchema>;
type Query = { Querystring: Record<string, string | undefined> };
type Form = { Params: { userId: string }; Body: Record<string, unknown> };

/**
 * Users and the profile drawer (issue #18, seeds: individual assignment and exemption removal): search, then a
 * user's details, assignments with their sources and progress, completion history, "Remove assignment" (UnassignCourse:
 * a group-sourced removal is refused with its reason, R4) and the exemptions tick list with "Save exemptions"
 * (SaveExemptions, R7, R8; unticking reinstates with a new due date, R9).
 */
export function registerProfilePages(
  app: FastifyInstance,
  kit: WebKit,
  pages: RouteShorthandOptions,
  forms: RouteShorthandOptions,
): void {
  app.get<Query>('/users', pages, async (request, reply) => {
    const search = await searchList(kit, request, request.query.text);
    return kit.send(request, reply, 'Users', search);
  });

  app.get<Query & { Params: { userId: string } }>('/users/:userId', pages, async (request, reply) => {
    const { userId } = request.params;
    const [profile, exemptions] = await Promise.all([
      kit.query(request, 'UserProfile', { userId }),
      kit.query(request, 'UserExemptions', { userId }),
    ]);
    if (!profile.ok) return kit.refused(request, reply, 'User profile', profile);
    const result = profile.result as UserProfileResult;
    const search = await searchList(kit, request, request.query.text);
    const body = html`${search}${drawer(result, exemptions, kit.pageContext(request))}`;
    return kit.send(request, reply, `${result.user.name}`, body, 200, true);
  });

  app.post<Form>('/users/:userId/exemptions', forms, async (request, reply) => {
    const { userId } = request.params;
    const answer = await kit.command(request, 'SaveExemptions', { userId, exemptions: savedTicks(request.body) });
    // Back to the drawer from its top, where the message is (no #exemptions: it scrolled the message out of view);
    // console.js focuses the message.
    return kit.redirectWith(request, reply, `/users/${encodeURIComponent(userId)}`, answer);
  });

  app.post<Form>('/users/:userId/unassign', forms, async (request, reply) => {
    const { userId } = request.params;
    const courseId = String(request.body.courseId ?? '');
    const answer = await kit.command(request, 'UnassignCourse', { userId, courseId });
    return kit.redirectWith(request, reply, `/users/${encodeURIComponent(userId)}`, answer);
  });
}

async function searchList(kit: WebKit, request: Parameters<WebKit['query']>[0], text: string | undefined) {
  const form = html`<form method="get" action="/users" class="filters" role="search" aria-label="Find a user">
    ${textInput('text', 'Name or e-mail', text)}<div class="field actions"><button type="submit">Search</button></div></form>`;
  if (!text?.trim()) return form;
  const answer = await kit.query(request, 'SearchUsers', { text: text.trim() });
  if (!answer.ok) return html`${form}${refusalView(answer.error.message)}`;
  const rows = (answer.result as Found[]).map(
    (user) =>
      html`<tr><td><a href="/users/${encodeURIComponent(user.userId)}?text=${encodeURIComponent(text)}">${user.name}</a></td><td>${user.email}</td><td>${orDash(user.department)}</td><td>${orDash(user.role)}</td><td>${user.active ? 'Active' : 'Inactive'}</td></tr>`,
  );
  return html`${form}${dataTable('Users found', ['Name', 'E-mail', 'Department', 'Role', 'Status'], rows, 'Nobody matches.')}`;
}

/** The profile drawer: a region beside the list, closed by its link (or Escape, console.js). */
function drawer(profile: UserProfileResult, exemptions: QueryReply, page: PageContext): Html {
  const { user } = profile;
  const { csrf } = page;
  const tickList = exemptions.ok
    ? exemptionsForm(user.userId, exemptions.result as ExemptionRow[], csrf)
    : html`<p class="empty">${exemptions.error.message}</p>`;
  return html`<section class="drawer" aria-labelledby="drawer-title" data-close="/users">
    <p class="drawer-close"><a href="/users">Close profile</a></p>
    <h2 id="drawer-title">${user.name} <span class="muted">(${user.userId})</span></h2>
    ${flashOf(page.flash)}
    ${detailsList(profile)}
    <h3 id="assignments">Current training</h3>
    ${assignmentsTable(profile, csrf)}
    <h3 id="history">Completion history</h3>
    ${completionTable(profile)}
    <h3 id="exemptions">Exemptions</h3>
    ${tickList}
  </section>`;
}
