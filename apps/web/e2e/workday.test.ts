import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePage, launchBrowser, openPage, pathOf, screenshot, signIn, type TestPage } from './browser.js';

/**
 * The customer-success manager's day on the demo data (packages/api/src/demo/workload.ts):
 * Max Member owns a book of accounts with renewals (two overdue) and tasks overdue, today and
 * this week. Every screen is also checked at 360 px wide for horizontal page scrolling.
 */

let browser: Browser;
let member: TestPage;

beforeAll(async () => {
  browser = await launchBrowser();
  member = await openPage(browser);
  await member.page.goto('/login');
  await signIn(member.page, 'member@northwind.example');
  await member.page.getByRole('heading', { name: /, Max$/ }).waitFor();
});

afterAll(async () => {
  if (member) await closePage(member);
  await browser?.close();
});

/**
 * At 360 px the page must not scroll sideways (wide tables scroll inside their card). On
 * screens this work only adds cards to, the given regions are checked instead of the page.
 */
async function fitsPhoneWidth(page: Page, regions: Locator[] = []): Promise<void> {
  await page.setViewportSize({ width: 360, height: 780 });
  await page.waitForTimeout(200);
  const overflow = regions.length
    ? Math.max(...(await Promise.all(regions.map(async (r) => (await r.boundingBox()) ?? { x: 0, width: 0 }))).map((b) => b.x + b.width)) - 360
    : await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.setViewportSize({ width: 1440, height: 900 });
  expect(overflow).toBeLessThanOrEqual(0);
}

describe('a member’s working day', () => {
  it('shows the member’s own accounts, revenue by health and task counts on the dashboard', async () => {
    const { page } = member;
    await page.getByText('Account health for Northwind CS, your accounts.').waitFor();
    expect(await page.getByRole('button', { name: 'My accounts' }).getAttribute('aria-pressed')).toBe('true');
    const revenue = page.getByRole('list', { name: 'Revenue per health tier' });
    await revenue.getByRole('link').first().waitFor();
    expect(await revenue.getByRole('link').allTextContents()).toEqual([
      expect.stringMatching(/Healthy\s*\$[\d.]+[KMB]?$/),
      expect.stringMatching(/At risk\s*\$[\d.]+[KMB]?$/),
      expect.stringMatching(/Critical\s*\$[\d.]+[KMB]?$/),
      expect.stringMatching(/Unknown\s*\$[\d.]+[KMB]?$/),
    ]);
    const tasks = page.getByRole('list', { name: 'My open tasks' });
    await tasks.getByRole('link').first().waitFor();
    // workload.ts: six hand-made tasks due -2, 0, 0, 3, 5 and 12 days out.
    expect(await tasks.getByRole('link').allTextContents()).toEqual(['Overdue1', 'Due today2', 'This week4']);
    await fitsPhoneWidth(page, [page.getByRole('region', { name: 'Revenue by health' }), page.getByRole('region', { name: 'My tasks' })]);
    await page.getByRole('button', { name: 'Everyone’s' }).click();
    await page.getByText('Account health for Northwind CS.').waitFor();
    expect(pathOf(page)).toBe('/?who=all');
  });

  it('starts the accounts list on the member’s own accounts, with one switch to everyone’s', async () => {
    const { page } = member;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
    const rows = page.locator('.accounts-table tbody tr');
    await rows.first().waitFor();
    expect(await page.getByLabel('Owner', { exact: true }).inputValue()).toBe('me');
    await page.waitForFunction(() => document.querySelectorAll('.accounts-table tbody tr').length > 0);
    const mine = await rows.count();
    expect(mine).toBeLessThan(50);
    expect(new Set(await rows.locator('td:nth-child(6)').allTextContents())).toEqual(new Set(['Max Member']));
    await page.getByLabel('Owner', { exact: true }).selectOption('all');
    await page.waitForURL('**/accounts?owner=all');
    await rows.nth(49).waitFor();
    await fitsPhoneWidth(page);
  });

  it('lists my tasks by due window and completes or moves one in one click', async () => {
    const { page } = member;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My tasks' }).click();
    await page.getByRole('heading', { name: 'My tasks', level: 1 }).waitFor();
    const today = page.getByRole('list', { name: 'Today tasks' });
    await today.getByRole('listitem').first().waitFor();
    expect(await today.getByRole('listitem').count()).toBe(2);
    await screenshot(page, 'tasks.png');
    await fitsPhoneWidth(page);

    await page.getByRole('button', { name: 'Complete Call the sponsor about adoption' }).click();
    await page.getByRole('button', { name: 'Complete Call the sponsor about adoption' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Move Review the open support tickets to tomorrow' }).click();
    await page.getByText('Nothing is due today.').waitFor();

    await page.getByRole('button', { name: /^Overdue/ }).click();
    expect(pathOf(page)).toBe('/tasks?due=overdue');
    const overdue = page.getByRole('list', { name: 'Overdue tasks' });
    await overdue.getByText('Send the QBR deck').waitFor();
    expect(await overdue.getByText('Overdue', { exact: true }).count()).toBe(1);

    await page.getByRole('button', { name: /^This week/ }).click();
    await page.getByRole('list', { name: 'This week tasks' }).getByText('Review the open support tickets').waitFor();
  });

  it('shows renewals in the next 30 days with the overdue ones flagged, and records an outcome', async () => {
    const { page } = member;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Renewals' }).click();
    await page.getByLabel('My accounts', { exact: true }).check();
    const rows = page.locator('.renewals-table tbody tr');
    // workload.ts: renewals at -12, -3, 4, 9, 18 and 27 days fall in the 30-day window.
    await rows.nth(5).waitFor();
    expect(await rows.count()).toBe(6);
    expect(await rows.filter({ hasText: 'Overdue' }).count()).toBe(2);
    await screenshot(page, 'renewals.png');
    await fitsPhoneWidth(page);

    await page.getByRole('button', { name: '120 days' }).click();
    await rows.nth(11).waitFor();
    expect(pathOf(page)).toBe('/renewals?who=me&days=120');

    const first = rows.first();
    const name = (await first.locator('td').first().locator('a').textContent()) ?? '';
    await first.getByRole('button', { name: /^Record the outcome/ }).click();
    const dialog = page.getByRole('dialog', { name: `Renewal of ${name}` });
    await dialog.getByLabel('Outcome', { exact: true }).selectOption('churned');
    await dialog.getByRole('button', { name: 'Record outcome' }).click();
    await dialog.getByText('Say why the account churned.').waitFor();
    await dialog.getByLabel('Why did they leave?').fill('Budget moved to another team.');
    await dialog.getByRole('button', { name: 'Record outcome' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.waitForFunction((gone) => ![...document.querySelectorAll('.renewals-table tbody tr')].some((r) => r.textContent?.includes(gone)), name);
    expect(await rows.count()).toBe(11);
  });

  it('lists the open tasks on the account page and adds one', async () => {
    const { page } = member;
    await page.goto('/tasks?due=overdue');
    const link = page.getByRole('list', { name: 'Overdue tasks' }).getByRole('link').first();
    const account = (await link.textContent()) ?? '';
    await link.click();
    await page.getByRole('heading', { name: account, level: 1 }).waitFor();
    const card = page.getByRole('region', { name: 'Open tasks' });
    await card.getByText('Send the QBR deck').waitFor();
    await card.getByRole('button', { name: 'New task' }).click();
    await card.getByRole('button', { name: 'Add task' }).click();
    await card.getByText('Please correct the highlighted fields.').waitFor();
    await card.getByLabel('Task', { exact: true }).fill('Book the executive review');
    await card.getByRole('button', { name: 'Add task' }).click();
    await card.getByText('Book the executive review').waitFor();
    await fitsPhoneWidth(page, [card]);
  });
});

describe('an admin’s view of ownership', () => {
  it('assigns selected accounts to a member in bulk and shows owner names nobody matched', async () => {
    const admin = await openPage(browser);
    const { page } = admin;
    await page.goto('/login');
    await signIn(page, 'admin@northwind.example');
    await page.getByRole('heading', { name: /, Nora$/ }).waitFor();
    await page.goto('/accounts?owner=all&q=birch');
    const rows = page.locator('.accounts-table tbody tr');
    await rows.filter({ hasText: 'Birch Analytics' }).waitFor();
    await page.getByText(/imported owner names? match no user/).waitFor();

    const names = ['Birch Analytics', 'Birch Bank'];
    for (const name of names) await page.getByLabel(`Select ${name}`).check();
    const bar = page.getByRole('region', { name: 'Assign an owner' });
    await bar.getByText('2 selected').waitFor();
    await bar.getByLabel('New owner').selectOption({ label: 'Max Member' });
    await bar.getByRole('button', { name: 'Assign' }).click();
    await bar.waitFor({ state: 'detached' });
    for (const name of names) await rows.filter({ hasText: name }).filter({ hasText: 'Max Member' }).waitFor();

    await page.getByLabel('Owner', { exact: true }).selectOption({ label: 'Max Member' });
    await rows.filter({ hasText: 'Birch Bank' }).waitFor();
    await fitsPhoneWidth(page);
    await screenshot(page, 'accounts-owner.png');
    await closePage(admin);
  });
});
