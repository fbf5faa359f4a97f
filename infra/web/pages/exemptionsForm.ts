import type { z } from 'zod';
import type { ExemptionViewRowSchema } from '../../../domain/queryResults/userViewResults';
import { type Html, html } from '../html';
import { orDash } from './pageParts';

type ExemptionRow = z.infer<typeof ExemptionViewRowSchema>;

/**
 * The exemptions tick list (R7, seed: exemption removal): every rule-sourced assignment that can be exempted, the
 * exempted ones ticked with reason, applied-by and applied-at; "Save exemptions" sends the whole list as one
 * SaveExemptions (R8): ticks already in force change nothing, so the reply's message lists what changed.
 */
const keyOf = (row: { courseId: string; ruleId: string }) => `${row.courseId}|${row.ruleId}`;

export function exemptionsForm(userId: string, rows: ExemptionRow[], csrf: string): Html {
  if (rows.length === 0) return html`<p class="empty">No rule-sourced training that could be exempted.</p>`;
  const lines = rows.map((row, index) => {
    const key = keyOf(row);
    return html`<tr><td><input type="hidden" name="row" value="${key}"><input type="checkbox" id="ex-${index}" name="tick" value="${key}"${row.exempted ? html` checked` : ''}></td>
      <th scope="row"><label for="ex-${index}">${row.title}</label></th><td>${row.source}</td>
      <td><label class="visually-hidden" for="reason-${index}">Reason for exempting from ${row.title}</label><input id="reason-${index}" name="reason:${key}" type="text" value="${row.reason ?? ''}" maxlength="2000"></td>
      <td>${orDash(row.appliedBy)}</td><td>${orDash(row.appliedAt?.slice(0, 10))}</td></tr>`;
  });
  return html`<form method="post" action="/users/${encodeURIComponent(userId)}/exemptions" class="exemptions">
    <input type="hidden" name="_csrf" value="${csrf}">
    <div class="table-wrap" tabindex="0" role="region" aria-label="Exemptions"><table><caption>Tick to exempt (a reason is needed); untick to reinstate with a new due date</caption>
    <thead><tr><th scope="col">Exempt</th><th scope="col">Course</th><th scope="col">Source</th><th scope="col">Reason</th><th scope="col">Applied by</th><th scope="col">Applied on</th></tr></thead>
    <tbody>${lines}</tbody></table></div>
    <p><button type="submit">Save exemptions</button></p>
  </form>`;
}

const listOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];

/** The form's ticks as SaveExemptions wants them; a newly ticked row without a reason is refused by the engine. */
export function savedTicks(body: Record<string, unknown>) {
  const ticked = new Set(listOf(body.tick));
  return listOf(body.row).map((key) => {
    const [courseId = '', ruleId = ''] = key.split('|');
    const exempted = ticked.has(key);
    const reason = String(body[`reason:${key}`] ?? '').trim();
    return { courseId, ruleId, exempted, ...(exempted && reason ? { reason } : {}) };
  });
}
