import type { UserProfileResult } from '../../../domain/queryResults/userProfileResult';
import { type Html, html, statusLabel } from '../html';
import { dataTable, orDash, overdueMark, progressBar } from './pageParts';

/** The profile drawer's details, assignments (with sources) and completion history. */
export function detailsList(profile: UserProfileResult): Html {
  const { user, groups } = profile;
  const item = (term: string, value: unknown) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`;
  return html`<dl class="details">
    ${item('E-mail', user.email)}${item('Org unit', user.orgUnitName)}${item('Department', orDash(user.department))}
    ${item('Role', orDash(user.role))}${item('Location', orDash(user.location))}${item('Manager', orDash(user.managerName))}
    ${item('Hire date', user.hireDate)}${item('Time zone', user.timeZone)}${item('Status', user.active ? 'Active' : 'Inactive')}
    ${item('Groups', groups.length ? groups.map((group) => group.name).join(', ') : '—')}
  </dl>`;
}

export function assignmentsTable(profile: UserProfileResult, csrf: string): Html {
  const { user } = profile;
  const rows = profile.assignments.map((row) => {
    const sources = row.sources.map(
      (source) => html`<li>${source.label}${source.exempt ? html` <span class="badge">Exempt</span>` : ''}</li>`,
    );
    return html`<tr class="${row.overdue ? 'is-overdue' : ''}"><th scope="row">${row.title}${row.required ? html` <span class="badge">Required</span>` : ''}</th>
      <td><ul class="plain">${sources}</ul></td><td>${statusLabel(row.status)}</td>
      <td>${progressBar(row.progress, `Progress on ${row.title}`)}</td><td>v${row.version}</td>
      <td class="due">${orDash(row.dueDate)} ${overdueMark(row.overdue)}</td><td>${row.assignedOn}</td>
      <td><form method="post" action="/users/${encodeURIComponent(user.userId)}/unassign" class="inline">
        <input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="courseId" value="${row.courseId}">
        <button type="submit" class="secondary" aria-label="Remove assignment: ${row.title}">Remove assignment</button></form></td></tr>`;
  });
  return dataTable(
    'Current training',
    ['Course', 'Sources', 'Status', 'Progress', 'Version', 'Due date', 'Assigned on', 'Action'],
    rows,
    'No current training.',
    { captionHidden: true },
  );
}

export function completionTable(profile: UserProfileResult): Html {
  const rows = profile.completionHistory.map(
    (row) =>
      html`<tr><th scope="row">${row.title}</th><td>${row.completedOn}</td><td>${orDash(row.score)}</td><td>v${row.version}</td><td>${row.currentlyAssigned ? 'Yes' : 'No'}</td></tr>`,
  );
  return dataTable(
    'Completion history',
    ['Course', 'Completed on', 'Score', 'Version', 'Still assigned'],
    rows,
    'No completions yet.',
    { captionHidden: true },
  );
}
