import type { Flash } from '../http/sessions';

/**
 * HTML built from template literals: every interpolated value is escaped unless it is already `Html` (a fragment
 * built the same way). Pages carry no inline script or style (the Content-Security-Policy forbids both): behaviour
 * comes from /assets/console.js, looks from /assets/console.css, and data for charts travels in data- attributes.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);

function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(text);
}

/** What every page knows about the request. */
export interface PageContext {
  userId: string;
  /** The CSRF token for this session and user; every form posts it. */
  csrf: string;
  /** Signed in through the development login (so a "Sign out" button makes sense). */
  signedIn: boolean;
  flash?: Flash | undefined;
  path: string;
}

const NAV: readonly [string, string][] = [
  ['/mi', 'MI dashboard'],
  ['/team', 'My Team'],
  ['/users', 'Users'],
  ['/rules', 'Assignment rules'],
  ['/audit', 'Audit timeline'],
];

export function csrfField(context: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${context.csrf}">`;
}

/**
 * The message a form POST left for the page after it (post, redirect, get): a status, or an alert for a refusal.
 * Focusable (`#message`, tabindex -1): console.js moves focus to it, so it is read out and scrolled into view.
 */
export function flashOf(flash: Flash | undefined): Html {
  if (!flash) return html``;
  return flash.kind === 'success'
    ? html`<div class="flash success" id="message" tabindex="-1" role="status"><strong>Saved.</strong> ${flash.text}</div>`
    : html`<div class="flash error" id="message" tabindex="-1" role="alert"><strong>Not done.</strong> ${flash.text}</div>`;
}

/** The page around a view: skip link, navigation (the current page marked), who is signed in, the message. */
export function layout(context: PageContext, title: string, body: Html, flashInBody = false): string {
  const nav = NAV.map(
    ([href, label]) =>
      html`<li><a href="${href}"${context.path.startsWith(href) ? html` aria-current="page"` : ''}>${label}</a></li>`,
  );
  const signOut = context.signedIn
    ? html`<form method="post" action="/logout" class="inline">${csrfField(context)}<button type="submit" class="link">Sign out</button></form>`
    : '';
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Training console</title><link rel="stylesheet" href="/assets/console.css"><script src="/assets/chart.umd.min.js" defer></script><script src="/assets/console.js" defer></script></head><body><a class="skip" href="#main">Skip to content</a><header class="top"><a class="brand" href="/">Training console</a><nav aria-label="Main"><ul>${nav}</ul></nav><p class="who">Signed in as <strong>${context.userId}</strong> ${signOut}</p></header><main id="main" tabindex="-1"><h1>${title}</h1>${flashInBody ? '' : flashOf(context.flash)}${body}</main></body></html>`}`;
}

/** A refusal shown as a page: the engine's own message. */
export function refusalView(message: string): Html {
  return html`<div class="flash error" role="alert"><strong>Not shown.</strong> ${message}</div>`;
}

export const statusLabels: Readonly<Record<string, string>> = {
  notStarted: 'Not Started',
  inProgress: 'In Progress',
  completed: 'Completed',
  expired: 'Expired',
};

export const statusLabel = (status: string): string => statusLabels[status] ?? status;

/** A query string from parameters, leaving out the empty ones. */
export function queryOf(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
