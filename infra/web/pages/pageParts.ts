import { type Html, html } from '../html';

/** Pieces several pages use: tables, text filters, dates. */

/**
 * A data table with a caption, scrollable on its own at high zoom instead of widening the page. `captionHidden`: a
 * heading above already says what the caption says, so it is read by screen readers only (not shown twice).
 */
export function dataTable(
  caption: string,
  headers: readonly string[],
  rows: readonly Html[],
  empty: string,
  options: { captionHidden?: boolean } = {},
): Html {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${caption}"><table><caption${options.captionHidden ? html` class="visually-hidden"` : ''}>${caption}</caption><thead><tr>${headers.map((header) => html`<th scope="col">${header}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** The text filters a page reads from its query string, without empty ones. */
export function textFilters(query: Record<string, unknown>, names: readonly string[]): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const name of names) {
    const value = query[name];
    if (typeof value === 'string' && value.trim() !== '') filters[name] = value.trim();
  }
  return filters;
}

export const yesNo = (value: boolean): string => (value ? 'Yes' : 'No');

export const orDash = (value: string | number | null | undefined): string =>
  value === null || value === undefined || value === '' ? '—' : String(value);

export function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

/** A labelled text input of a filter form. */
export function textInput(name: string, label: string, value: string | undefined, type = 'text'): Html {
  return html`<div class="field"><label for="f-${name}">${label}</label><input id="f-${name}" name="${name}" type="${type}" value="${value ?? ''}"></div>`;
}

/** A labelled select; options are [value, label]. */
export function selectInput(
  name: string,
  label: string,
  options: readonly (readonly [string, string])[],
  value: string | undefined,
): Html {
  return html`<div class="field"><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">${options.map(
    ([optionValue, optionLabel]) =>
      html`<option value="${optionValue}"${optionValue === (value ?? '') ? html` selected` : ''}>${optionLabel}</option>`,
  )}</select></div>`;
}

/** Overdue shown in words and by a mark, never by colour alone. */
export function overdueMark(overdue: boolean): Html {
  return overdue ? html`<span class="badge overdue">Overdue</span>` : html``;
}

export function progressBar(progress: number, label: string): Html {
  const value = Math.max(0, Math.min(100, Math.round(progress)));
  return html`<progress max="100" value="${value}" aria-label="${label}">${value}%</progress> <span>${value}%</span>`;
}
