import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import type { WebHarness } from '../http/webHarness';
import { webHarness } from '../http/webHarness';
import { launchChromium, layoutShift, parseCsv, screenshot, seriousViolations } from './browser';

/**
 * Issue #18 through the pages, in Debian's chromium: the seeds' stories (exempt and save, reinstate with a new due
 * date, a refused group-sourced removal), a scoped manager's view, charts drawn with data, CSV downloads, the preview
 * of a new rule, the auditor's timeline, the development login, and on every page: axe-core (no serious or critical
 * violation), no Content-Security-Policy violation, nothing wider than the window at 200% zoom, a screenshot.
 */
let w: WebHarness;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
const cspViolations: string[] = [];

beforeAll(async () => {
  w = await webHarness();
  browser = await launchChromium();
  context = browser.context;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await w?.close();
});

/** A page as a user coming through the authenticating proxy (its user header and the shared secret). */
async function pageAs(userId: string): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  await page.setExtraHTTPHeaders(w.proxy(userId));
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
  });
  return page;
}

/** Every page: accessible (axe), within the window at 200% zoom, and photographed. */
async function checkPage(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, name);
  const viewport = page.viewportSize();
  // 200% zoom: the same page in half the CSS pixels. Tables scroll in their own box; the page never does sideways.
  await page.setViewportSize({ width: 640, height: 450 });
  const overflow = (await page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  )) as number;
  expect({ name, overflow }).toEqual({ name, overflow: 0 });
  if (viewport) await page.setViewportSize(viewport);
}

/** The little of a canvas the pixel count reads (the tests' TypeScript library has no DOM). */
interface PaintedCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
}

/** A page signed in through the development login: an API token exchanged for a session cookie. */
async function signedIn(userId: string): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  await page.goto(`${w.base}/login`);
  await page.getByLabel('API token').fill(w.tokenOf(userId));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${w.base}/`);
  return page;
}

const table = (page: Page, caption: string) =>
  page.locator('table', { has: page.locator('caption', { hasText: caption }) });

/** The form's message after a POST: shown whole within the window, and focused (so it is read out). */
async function expectMessageInView(page: Page, kind: 'success' | 'error'): Promise<void> {
  const message = page.locator(`.flash.${kind}`);
  await expect(message.getAttribute('role')).resolves.toBe(kind === 'success' ? 'status' : 'alert');
  await expect(page.evaluate('document.activeElement && document.activeElement.id')).resolves.toBe('message');
  const box = await message.boundingBox();
  const viewport = page.viewportSize();
  expect(box && viewport).toBeTruthy();
  if (!box || !viewport) return;
  expect({ top: box.y >= 0, bottom: box.y + box.height <= viewport.height }).toEqual({ top: true, bottom: true });
}

describe('issue #18: the web console in a real browser', () => {
  test('R8, R9 (seed: exemption removal): an admin ticks an exemption and saves (success message), then unticks it and the due date is today + 28', async () => {
    const page = await pageAs('root');
    await page.goto(`${w.base}/users/ada`);
    await checkPage(page, 'profile-drawer');
    const training = table(page, 'Current training');
    await expect(training.locator('tr', { hasText: 'Fire Safety' }).count()).resolves.toBe(1);
    // Said once on screen: the heading; the table's caption is for screen readers only (a 1-pixel box).
    await expect(page.getByRole('heading', { name: 'Current training', exact: true }).isVisible()).resolves.toBe(true);
    const caption = await training.locator('caption').boundingBox();
    expect(caption?.width ?? 0).toBeLessThanOrEqual(1);

    // Keyboard only: tick with Space, type the reason, save with Enter on the button.
    await page.getByLabel('Fire Safety', { exact: true }).focus();
    await page.keyboard.press('Space');
    await page.getByLabel('Reason for exempting from Fire Safety').fill('Medical leave');
    await page.getByRole('button', { name: 'Save exemptions' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/users\/ada/);
    await expect(page.locator('.flash.success').textContent()).resolves.toMatch(/Saved\..*exempt/i);
    await expectMessageInView(page, 'success');
    // R6: fully exempt, the assignment leaves the user's current training; the tick list shows it ticked with reason.
    await expect(training.locator('tr', { hasText: 'Fire Safety' }).count()).resolves.toBe(0);
    await expect(page.getByLabel('Fire Safety', { exact: true }).isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Reason for exempting from Fire Safety').inputValue()).resolves.toBe('Medical leave');
    await screenshot(page, 'profile-exempted');

    // Two weeks later the admin reinstates: a 28-day rule gives today + 28 days (R9).
    w.h.clock.set('2026-01-19T10:00:00.000Z');
    await page.getByLabel('Fire Safety', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save exemptions' }).click();
    await page.waitForURL(/\/users\/ada/);
    await expect(page.locator('.flash.success').isVisible()).resolves.toBe(true);
    await expectMessageInView(page, 'success');
    const row = training.locator('tr', { hasText: 'Fire Safety' });
    await expect(row.locator('td.due').textContent()).resolves.toContain('2026-02-16');
    await screenshot(page, 'profile-reinstated');
    await page.close();
  });

  test('R4: removing a group-sourced assignment is refused and the page shows why', async () => {
    const page = await pageAs('root');
    await page.goto(`${w.base}/users/ada`);
    await page.getByRole('button', { name: 'Remove assignment: Fire Safety' }).click();
    await page.waitForURL(/\/users\/ada/);
    const alert = page.getByRole('alert');
    await expect(alert.textContent()).resolves.toContain(
      'cannot remove Fire Safety from ada: it is assigned via Group: Engineering: remove ada from the group',
    );
    await expectMessageInView(page, 'error');
    await expect(table(page, 'Current training').locator('tr', { hasText: 'Fire Safety' }).count()).resolves.toBe(1);
    await screenshot(page, 'profile-removal-refused');
    await page.close();
  });

  test('R6: an exemption ticked with an end date is saved with it, and the tick list shows "until" that date; clearing the date removes it', async () => {
    const page = await pageAs('root');
    await page.goto(`${w.base}/users/ada`);
    await page.getByLabel('Fire Safety', { exact: true }).check();
    await page.getByLabel('Reason for exempting from Fire Safety').fill('Secondment abroad');
    await page.getByLabel('End date of the exemption from Fire Safety (optional)').fill('2026-04-30');
    await page.getByRole('button', { name: 'Save exemptions' }).click();
    await page.waitForURL(/\/users\/ada/);
    await expect(page.locator('.flash.success').textContent()).resolves.toContain('exempt until 2026-04-30');
    await expectMessageInView(page, 'success');
    const line = table(page, 'Tick to exempt').locator('tr', { hasText: 'Fire Safety' });
    await expect(line.locator('.ends').textContent()).resolves.toBe('until 2026-04-30');
    await expect(page.getByLabel('End date of the exemption from Fire Safety (optional)').inputValue()).resolves.toBe(
      '2026-04-30',
    );
    const [exemption] = await w.h.query<{ courseId: string; until: string | null }[]>('UserExemptions', {
      userId: 'ada',
    });
    expect(exemption).toMatchObject({ courseId: 'fire-safety', until: '2026-04-30' });
    await checkPage(page, 'profile-exempted-until');
    await line.scrollIntoViewIfNeeded();
    await screenshot(page, 'profile-exempted-until-list');

    // The date cleared on the ticked row: the exemption stays, without an end date.
    await page.getByLabel('End date of the exemption from Fire Safety (optional)').fill('');
    await page.getByRole('button', { name: 'Save exemptions' }).click();
    await page.waitForURL(/\/users\/ada/);
    await expect(page.locator('.flash.success').textContent()).resolves.toContain('exempted from Fire Safety');
    await expect(line.locator('.ends').textContent()).resolves.toBe('no end date');
    // Reinstated for the stories after this one.
    await page.getByLabel('Fire Safety', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save exemptions' }).click();
    await page.waitForURL(/\/users\/ada/);
    await expect(page.locator('.flash.success').textContent()).resolves.toContain('reinstated Fire Safety');
    await page.close();
  });

  test('R17: a manager scoped to Engineering sees only their team, in My Team, MI and profiles', async () => {
    const page = await pageAs('grace');
    await page.goto(`${w.base}/team`);
    const team = table(page, 'Team training');
    await expect(team.textContent()).resolves.toContain('Ada Lovelace');
    await expect(team.textContent()).resolves.not.toContain('Sam Seller');
    // Overdue highlighted, in words as well as colour.
    await expect(
      team.locator('tr.is-overdue', { hasText: 'Security Awareness' }).locator('.badge.overdue').textContent(),
    ).resolves.toBe('Overdue');
    await checkPage(page, 'my-team');
    await page.goto(`${w.base}/mi/rows`);
    const rows = await table(page, 'Assignments').textContent();
    expect(rows).toContain('Ada Lovelace');
    expect(rows).not.toContain('Sam Seller');
    const refused = await page.goto(`${w.base}/users/sam`);
    expect(refused?.status()).toBe(403);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Not shown');
    await page.close();
  });

  test('issue #18 MI dashboard: completion and overdue charts drawn with data, status breakdown, no layout shift', async () => {
    const page = await pageAs('root');
    await page.goto(`${w.base}/mi`);
    await page.waitForSelector('canvas[data-drawn="true"]');
    const canvases = page.locator('canvas[data-chart]');
    await expect(canvases.count()).resolves.toBe(4);
    for (let i = 0; i < 4; i++) {
      await expect(canvases.nth(i).getAttribute('data-drawn')).resolves.toBe('true');
      // Drawn content: pixels that are not transparent.
      const painted = await canvases.nth(i).evaluate((element: unknown) => {
        const canvas = element as PaintedCanvas;
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let opaque = 0;
        for (let alpha = 3; alpha < data.length; alpha += 4) if ((data[alpha] ?? 0) > 0) opaque++;
        return opaque;
      });
      expect(painted).toBeGreaterThan(500);
    }
    await expect(page.locator('.figures').first().textContent()).resolves.toMatch(/Overdue\s*2/);
    expect(await layoutShift(page)).toBeLessThan(0.01);
    await checkPage(page, 'mi-dashboard');
    // Drill down from the org-unit table to its rows.
    await table(page, 'By org unit').getByRole('link', { name: 'Sales' }).click();
    await page.waitForURL(/\/mi\/rows\?orgUnitId=sales/);
    await expect(table(page, 'Assignments').textContent()).resolves.toContain('Sam Seller');
    await checkPage(page, 'mi-rows');
    await page.close();
  });

  test('issue #18 CSV download: the MI rows download as a CSV that parses, one line per assignment', async () => {
    const page = await signedIn('root');
    await page.goto(`${w.base}/mi/rows`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download these rows as CSV' }).click(),
    ]);
    const file = await download.path();
    const rows = parseCsv(fs.readFileSync(file, 'utf8'));
    expect(rows[0]).toEqual(expect.arrayContaining(['userId', 'courseId', 'status', 'dueDate', 'overdue']));
    const body = rows.slice(1).filter((row) => row.length > 1);
    const userIds = rows[0]?.indexOf('userId') ?? -1;
    expect(body.map((row) => row[userIds]).sort()).toEqual(['ada', 'ada', 'grace', 'sam']);
    await page.close();
  });

  test('R25 (seed: Assignment Summary page): a new rule is previewed with counts before it is created', async () => {
    const page = await pageAs('root');
    await page.goto(`${w.base}/rules/new`);
    await checkPage(page, 'rule-new');
    await page.getByLabel('Rule id').fill('eng-security');
    await page.getByLabel('Name (optional)').fill('Engineering security');
    await page.getByLabel('Course', { exact: true }).selectOption('security');
    await page.getByLabel('Target', { exact: true }).selectOption('group');
    await page.getByLabel('Group (for a group target)').selectOption('engineering');
    await page.getByLabel('Mode').selectOption('dynamic');
    await page.getByLabel('Days (for days after assignment)').fill('14');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.locator('section.preview');
    await expect(preview.textContent()).resolves.toContain('Preview: nothing stored yet');
    await expect(
      preview.locator('dt', { hasText: 'Users gaining the training' }).locator('xpath=..').locator('dd').textContent(),
    ).resolves.toMatch(/^1/);
    await checkPage(page, 'rule-preview');
    let rules = await w.h.query<{ ruleId: string }[]>('AssignmentRules', {});
    expect(rules.map((rule) => rule.ruleId)).not.toContain('eng-security');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.waitForURL(/\/rules\/eng-security/);
    await expect(page.locator('.flash.success').isVisible()).resolves.toBe(true);
    await expect(page.locator('h1').textContent()).resolves.toContain('Engineering security');
    rules = await w.h.query<{ ruleId: string }[]>('AssignmentRules', {});
    expect(rules.map((rule) => rule.ruleId)).toContain('eng-security');
    await checkPage(page, 'rule-summary');
    await page.goto(`${w.base}/rules`);
    await checkPage(page, 'rules');
    await page.close();
  });

  test('R20, R26 (auditor): the timeline as of a date, and the explanation of an assignment', async () => {
    const page = await pageAs('root');
    await page.goto(`${w.base}/audit`);
    await page.getByLabel('User id').fill('grace');
    await page.getByLabel('As of (end of day)').fill('2026-01-05');
    await page.getByRole('button', { name: 'Show timeline' }).click();
    await page.waitForURL(/asOf=2026-01-05/);
    await expect(page.locator('h2').first().textContent()).resolves.toContain('As of 2026-01-05');
    await expect(page.locator('ol.timeline li').count()).resolves.toBeGreaterThan(1);
    await checkPage(page, 'audit-timeline');
    await page.getByRole('link', { name: 'Explain Fire Safety' }).click();
    await page.waitForURL(/\/audit\/explain/);
    await expect(table(page, 'Due-date candidates').textContent()).resolves.toContain('Chosen');
    await checkPage(page, 'audit-explain');
    await page.close();
  });

  test('R26 (auditor): a corrected completion reads as corrected "as of" a date (as known now), and as first recorded "known at" a moment before the correction; both pickers travel to the explanation', async () => {
    // Grace completed Fire Safety on 2026-01-05 with 90; on 2026-01-20 the paper record says 95.
    w.h.clock.set('2026-01-20T09:00:00.000Z');
    await w.h.ok('CorrectCompletion', {
      userId: 'grace',
      courseId: 'fire-safety',
      score: 95,
      reason: 'Paper record from the training day',
    });
    const page = await pageAs('root');
    const fireSafety = () => table(page, 'Assignments').locator('tr', { hasText: 'Fire Safety' });
    const shown = async () => ({
      status: await fireSafety().locator('td').nth(1).textContent(),
      completedOn: await fireSafety().locator('td').nth(3).textContent(),
      score: await fireSafety().locator('td').nth(4).textContent(),
    });
    const show = async (dates: { asOf: string; knownAt: string }) => {
      await page.getByLabel('As of (end of day)').fill(dates.asOf);
      await page.getByLabel('Known at (end of day)').fill(dates.knownAt);
      await page.getByRole('button', { name: 'Show timeline' }).click();
      await page.waitForURL(new RegExp(`asOf=${dates.asOf}&knownAt=${dates.knownAt}`));
    };

    // Known at 2026-01-08, before the correction: what the engine said then.
    await page.goto(`${w.base}/audit`);
    await page.getByLabel('User id').fill('grace');
    await show({ asOf: '', knownAt: '2026-01-08' });
    await expect(page.locator('h2#view').textContent()).resolves.toBe('As known at 2026-01-08');
    expect(await shown()).toEqual({ status: 'Completed', completedOn: '2026-01-05', score: '90' });
    await expect(page.locator('ol.timeline').textContent()).resolves.not.toContain('Paper record');
    await checkPage(page, 'audit-known-at');

    // As of 2026-01-10, as known now: the correction applied.
    await show({ asOf: '2026-01-10', knownAt: '' });
    await expect(page.locator('h2#view').textContent()).resolves.toBe('As of 2026-01-10, as known now');
    expect(await shown()).toEqual({ status: 'Completed', completedOn: '2026-01-05', score: '95' });
    await checkPage(page, 'audit-as-of-corrected');

    // Both: true on 2026-01-10 as known at 2026-01-08, before the correction was recorded.
    await show({ asOf: '2026-01-10', knownAt: '2026-01-08' });
    await expect(page.locator('h2#view').textContent()).resolves.toBe('As of 2026-01-10, as known at 2026-01-08');
    expect((await shown()).score).toBe('90');
    await page.getByRole('link', { name: 'Explain Fire Safety' }).click();
    await page.waitForURL(/\/audit\/explain\?.*asOf=2026-01-10&knownAt=2026-01-08/);
    await expect(page.locator('ul.corrections').count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Back to the timeline' }).getAttribute('href')).resolves.toContain(
      'knownAt=2026-01-08',
    );
    // As known now, the explanation names the correction with its reason.
    await page.goto(`${w.base}/audit/explain?userId=grace&courseId=fire-safety`);
    await expect(page.locator('ul.corrections').textContent()).resolves.toMatch(/95/);
    await checkPage(page, 'audit-explain-corrected');
    await page.close();
  });

  test('R25 (seed: Assignment Summary page): an existing rule is changed from its summary, previewed first (message and counts), then saved', async () => {
    const page = await pageAs('root');
    await page.goto(`${w.base}/rules/eng-fire`);
    await page.getByText('Change this rule').click();
    const form = page.getByRole('form', { name: 'Change this rule' });
    await expect(form.getByLabel('Name').inputValue()).resolves.toBe('Engineering fire safety');
    await expect(form.getByLabel('Days (for days after assignment)').inputValue()).resolves.toBe('28');
    await form.getByLabel('Name').fill('Engineering fire safety (annual)');
    await form.getByLabel('Days (for days after assignment)').fill('35');
    await form.getByLabel('Required').selectOption('false');
    await form.getByRole('button', { name: 'Preview changes' }).click();
    await page.waitForURL(/\/rules\/eng-fire\/preview#preview/);
    const preview = page.locator('section.preview');
    await expect(preview.locator('h2').textContent()).resolves.toBe('Preview: nothing stored yet');
    await expect(preview.locator('p').first().textContent()).resolves.toMatch(/\S/);
    await expect(preview.locator('dt', { hasText: 'Users gaining the training' }).count()).resolves.toBe(1);
    // The form stays open with the values previewed; nothing is stored yet.
    await expect(page.getByLabel('Days (for days after assignment)').inputValue()).resolves.toBe('35');
    let [rule] = await w.h.query<{ name: string; due: unknown; required: boolean }[]>('AssignmentRules', {});
    expect(rule?.name).toBe('Engineering fire safety');
    await checkPage(page, 'rule-edit-preview');
    await preview.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\/rules\/eng-fire$/);
    await expect(page.locator('.flash.success').isVisible()).resolves.toBe(true);
    await expectMessageInView(page, 'success');
    await expect(page.locator('h1').textContent()).resolves.toBe(
      'Assignment Summary: Engineering fire safety (annual)',
    );
    await expect(page.locator('dl.details').textContent()).resolves.toContain('35 days after assignment');
    [rule] = (
      await w.h.query<{ ruleId: string; name: string; due: unknown; required: boolean }[]>('AssignmentRules', {})
    ).filter((candidate) => candidate.ruleId === 'eng-fire');
    expect(rule).toMatchObject({ due: { kind: 'relative', days: 35 }, required: false });
    await checkPage(page, 'rule-edit-saved');
    await page.close();
  });

  test('issue #18 development login: an API token is exchanged for a session at the login form, and home links every page', async () => {
    await context.clearCookies();
    const page = await context.newPage();
    await page.goto(`${w.base}/mi`);
    await page.waitForURL(/\/login$/);
    await checkPage(page, 'login');
    await page.getByLabel('API token').fill(w.tokenOf('root'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${w.base}/`);
    await expect(page.locator('.who').textContent()).resolves.toContain('root');
    await checkPage(page, 'home');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    await page.close();
  });

  test('issue #18 strict Content-Security-Policy: no page broke it (no inline script or style anywhere)', () => {
    expect(cspViolations).toEqual([]);
  });
});
