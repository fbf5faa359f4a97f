import type { z } from 'zod';
import type { ExemptionViewRowSchema } from '../../../domain/queryResults/userViewResults';
import { type Html, html } from '../html';
import { orDash } from './pageParts';

type ExemptionRow = z.infer<typeof ExemptionViewRowSchema>;

/**
 * The exemptions tick list (R7, seed: exemption removal): every rule-sourced assignment that can be exempted, the
 * exempted ones ticked with reason, end date (R6: optional, the day the training is due again), applied-by and
 * applied-at; "Save exemptions" sends the whole list as one SaveExemptions (R8): ticks already in force change
 * nothing, so the reply's message lists what changed.
 */
const keyOf = (row: { courseId: string; ruleId: string }) => `${row.courseId}|${row.ruleId}`;

export function exemptionsForm(userId: string, rows: ExemptionRow[], csrf: string): Html {
  if (rows.length === 0) return html`<p class="empty">No rule-sourced training that could be exempted.</p>`;
  const lines = rows.map((row, index) => {
    const key = keyOf(row);
    const ends = row.exempted
      ? html`<span class="ends">${row.until ? `until ${row.until}` : 'no end date'}</span>`
      : '';
    return html`<tr><td><input type="hidden" name="row" value="${key}"><input type="hidden" name="until-was:${key}" value="${row.until ?? ''}"><input type="checkbox" id="ex-${index}" name="tick" value="${key}"${row.exempted ? html` checked` : ''}></td>
      <th scope="row"><label for="ex-${index}">${row.title}</label></th><td>${row.source}</td>
      <td><label class="visually-hidden" for="reason-${index}">Reason for exempting from ${row.title}</label><input id="reason-${index}" name="reason:${key}" type="text" value="${row.reason ?? ''}" maxlength="2000"></td>
      <td><label class="visually-hidden" for="until-${index}">End date of the exemption from ${row.title} (optional)</label><input id="until-${index}" name="until:${key}" type="date" value="${row.until ?? ''}"> ${ends}</td>
      <td>${orDash(row.appliedBy)}</td><td>${orDash(row.appliedAt?.slice(0, 10))}</td></tr>`;
  });
  return html`<form method="post" action="/users/${encodeURIComponent(userId)}/exemptions" class="exemptions">
    <input type="hidden" name="_csrf" value="${csrf}">
    <div class="table-wrap" tabindex="0" role="region" aria-label="Exemptions"><table><caption>Tick to exempt (a reason is needed, an end date if it ends); untick to reinstate with a new due date</caption>
    <thead><tr><th scope="col">Exempt</th><th scope="col">Course</th><th scope="col">Source</th><th scope="col">Reason</th><th scope="col">Ends (optional)</th><th scope="col">Applied by</th><th scope="col">Applied on</th></tr></thead>
    <tbody>${lines}</tbody></table></div>
    <p><button type="submit">Save exemptions</button></p>
  </form>`;
}

const listOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];

/**
 * The form's ticks as SaveExemptions wants them; the engine refuses what is wrong (a newly ticked row without a
 * reason, an end date typed on an unticked row, one not after today). An end date cleared on a ticked row that had one
 * is sent as null (the exemption no longer ends); an unchanged one changes nothing.
 */
export function savedTicks(body: Record<string, unknown>) {
  const ticked = new Set(listOf(body.tick));
  return listOf(body.row).map((key) => {
    const [courseId = '', ruleId = ''] = key.split('|');
    const exempted = ticked.has(key);
    const reason = String(body[`reason:${key}`] ?? '').trim();
    const until = String(body[`until:${key}`] ?? '').trim();
    const untilWas = String(body[`until-was:${key}`] ?? '').trim();
    // Unticking a row keeps its old end date in the field: only a date typed anew there is sent (and refused).
    const typed = until !== '' && (exempted || until !== untilWas);
    const end = typed ? { until } : exempted && untilWas !== '' ? { until: null } : {};
    return { courseId, ruleId, exempted, ...(exempted && reason ? { reason } : {}), ...end };
  });
}
