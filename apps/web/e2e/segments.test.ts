import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePage, launchBrowser, openPage, pathOf, screenshot, signIn, type TestPage } from './browser.js';

/**
 * The admin's tuning screens on the demo data: a saved view of the accounts list, the
 * trigger editor with its preview, a segment with its own weights, and the churn-signal
 * report over the demo's renewal outcomes (packages/api/src/demo/outcomes.ts).
 */

let browser: Browser;
let admin: TestPage;

beforeAll(async () => {
  browser = await launchBrowser();
  admin = await openPage(browser);
  await admin.page.goto('/login');
  await signIn(admin.page, 'admin@northwind.example');
  await admin.page.getByRole('heading', { name: /, Nora$/ }).waitFor();
});

afterAll(async () => {
  if (admin) await closePage(admin);
  await browser?.close();
});

describe('segments, views, triggers and the churn report', () => {
  it('saves a shared view of the accounts list with its filters and columns, and chooses it again', async () => {
    const { page } = admin;
    await page.goto('/accounts');
    await page.getByRole('table', { name: 'Accounts' }).getByRole('row').nth(1).waitFor();
    await page.getByLabel('Health', { exact: true }).selectOption('critical');
    await page.getByText('Columns', { exact: true }).click();
    await page.getByRole('checkbox', { name: 'Show the region column' }).check();
    await page.getByRole('columnheader', { name: 'Region' }).waitFor();
    await page.getByRole('button', { name: 'Save view' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save this view' });
    await dialog.getByLabel('Name').fill('Critical by region');
    await dialog.getByRole('checkbox', { name: 'Share with everyone in the organisation' }).check();
    await dialog.getByRole('button', { name: 'Save view' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByLabel('Saved view', { exact: true }).selectOption({ label: 'Unsaved view' });
    await page.getByRole('columnheader', { name: 'Region' }).waitFor({ state: 'detached' });
    await page.getByLabel('Saved view', { exact: true }).selectOption({ label: 'Critical by region (shared)' });
    await page.getByRole('columnheader', { name: 'Region' }).waitFor();
    expect(await page.getByLabel('Health', { exact: true }).inputValue()).toBe('critical');
    await page.getByText('Columns', { exact: true }).click();
    await page.getByRole('checkbox', { name: 'Show the region column' }).waitFor({ state: 'hidden' });
    await screenshot(page, 'saved-views.png');
  });

  it('edits a trigger and shows how many accounts it would fire for before saving', async () => {
    const { page } = admin;
    await page.goto('/triggers');
    await page.getByRole('button', { name: 'Edit the trigger Renewal is within 90 days' }).click();
    const dialog = page.getByRole('dialog', { name: /Trigger of/ });
    const preview = dialog.getByRole('status');
    await preview.filter({ hasText: /would fire for \d+ of \d+ accounts now/ }).waitFor();
    const before = await preview.textContent();
    await dialog.getByLabel('Renews within (days)').fill('365');
    await preview.filter({ hasText: 'Renewal is within 365 days: would fire for' }).waitFor();
    const after = await preview.textContent();
    const count = (text: string | null) => Number(/for (\d+) of/.exec(text ?? '')?.[1]);
    // A longer window fires for at least the accounts of the shorter one.
    expect(count(after)).toBeGreaterThanOrEqual(count(before));
    await screenshot(page, 'trigger-editor.png');
    await dialog.getByLabel('Renews within (days)').fill('0');
    await dialog.getByRole('alert').filter({ hasText: 'These thresholds do not fit a renewal_within trigger.' }).waitFor();
    await dialog.getByText('Enter 1 or more.').waitFor();
    // Cancelling keeps the stored rule: the preview changed nothing (other e2e files use the demo's triggers).
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Edit the trigger Renewal is within 90 days' }).waitFor();
  });

  it('creates a segment with its own Support weight and moves it first: account counts, the recompute outcome, and the segment named in an account’s explanation', async () => {
    const { page } = admin;
    const name = 'Enterprise support-first';
    await page.goto('/segments');
    const table = page.getByRole('table', { name: 'Segments, first match first' });
    const rowOf = (segment: string) => table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: segment, exact: true }) });
    const accountsOf = async (segment: string) => Number(await rowOf(segment).getByRole('cell').nth(4).textContent());
    // The demo's segments (packages/api/src/demo/segments.ts), in matching order.
    await rowOf('Enterprise').waitFor();
    expect(await table.getByRole('rowheader').allTextContents()).toEqual(['Enterprise', 'Onboarding', 'Small business']);
    const enterpriseBefore = await accountsOf('Enterprise');
    expect(enterpriseBefore).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'New segment' }).click();
    const dialog = page.getByRole('dialog', { name: 'New segment' });
    await dialog.getByLabel('Name', { exact: true }).fill(name);
    await dialog.getByRole('group', { name: 'Tier' }).getByRole('checkbox', { name: 'Enterprise', exact: true }).check();
    await dialog.getByLabel('Support', { exact: true }).fill('60');
    // The organisation's weight is the placeholder of an empty one (kpi-catalogue.json: Product Usage 30).
    expect(await dialog.getByLabel('Product Usage', { exact: true }).getAttribute('placeholder')).toBe('30');
    // The whole editor in the screenshot: a taller window for it.
    await page.setViewportSize({ width: 1440, height: 1200 });
    await dialog.evaluate((element) => element.scrollTo(0, 0));
    await screenshot(page, 'segment-editor.png');
    await page.setViewportSize({ width: 1440, height: 900 });
    await dialog.getByLabel('Healthy from', { exact: true }).fill('40');
    await dialog.getByLabel('At risk from', { exact: true }).fill('60');
    await dialog.getByRole('button', { name: 'Save segment' }).click();
    await dialog.getByRole('group', { name: 'Tier thresholds' }).getByText('The healthy threshold (40) must be above the at-risk threshold (60).').waitFor();
    await dialog.getByLabel('Healthy from', { exact: true }).fill('');
    await dialog.getByLabel('At risk from', { exact: true }).fill('');
    await dialog.getByRole('button', { name: 'Save segment' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Last in the order, it takes no account: the demo's Enterprise segment (Enterprise and Strategic) matches them first.
    const outcome = page.getByRole('status').filter({ hasText: /^Saved\./ });
    expect(await outcome.textContent()).toBe('Saved. 0 accounts rescored; no account changed tier.');
    const cells = rowOf(name).getByRole('cell');
    expect(await cells.nth(0).textContent()).toBe('4');
    expect(await cells.nth(1).textContent()).toBe('Tier Enterprise');
    expect(await cells.nth(2).textContent()).toBe('Business Outcomes 15, Customer Sentiment 20, Product Usage 30, Relationship Strength 15, Support 60');
    expect(await accountsOf(name)).toBe(0);

    // Moved first, it takes the Enterprise-tier accounts from the demo's Enterprise segment and rescores them.
    for (const place of ['3', '2', '1']) {
      await page.getByRole('button', { name: `Move ${name} up` }).click();
      await cells.nth(0).filter({ hasText: place }).waitFor();
    }
    await page
      .getByRole('button', { name: `Move ${name} up` })
      .and(page.locator(':disabled'))
      .waitFor();
    expect(await table.getByRole('rowheader').allTextContents()).toEqual([name, 'Enterprise', 'Onboarding', 'Small business']);
    const taken = await accountsOf(name);
    expect(taken).toBeGreaterThan(0);
    // Every account it took was the Enterprise segment's: Enterprise tier ⊂ Enterprise or Strategic tier.
    expect(taken + (await accountsOf('Enterprise'))).toBe(enterpriseBefore);
    await outcome.filter({ hasText: `Saved. ${taken} accounts rescored;` }).waitFor();
    await screenshot(page, 'segments.png');

    await page.goto('/accounts');
    const accounts = page.getByRole('table', { name: 'Accounts' });
    const enterprise = accounts.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Enterprise', exact: true }) });
    await enterprise.first().waitFor();
    await enterprise.first().getByRole('link').first().click();
    const explanation = page.getByRole('region', { name: 'How the score was formed' });
    await explanation.getByText(`Weights: segment ${name}.`).waitFor();
    const account = pathOf(page);

    // Deleted, its accounts go back to the next segment they match (and the demo is as it was for other e2e files).
    await page.goto('/segments');
    await page.getByRole('button', { name: `Delete ${name}` }).click();
    const confirm = page.getByRole('dialog', { name: `Delete the segment ${name}?` });
    await confirm.getByText(`Its ${taken} accounts will use the next segment they match`).waitFor();
    await confirm.getByRole('button', { name: 'Delete segment' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await rowOf(name).waitFor({ state: 'detached' });
    await page.goto(account);
    await explanation.getByText('Weights: segment Enterprise.').waitFor();
  });

  it('opens the churn report with its chart and table on the demo outcomes', async () => {
    const { page } = admin;
    await page.goto('/reports/churn');
    const chart = page.getByRole('list', { name: 'Churn rate by tier' });
    await chart.getByRole('listitem').first().waitFor();
    expect(await chart.getByRole('listitem').count()).toBe(3);
    await page.getByRole('row', { name: /Account score/ }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'Too few outcomes' }).count()).toBe(0);
    await page.getByRole('button', { name: '6 months before' }).click();
    await page.getByRole('heading', { name: 'Churn rate by tier 6 months before' }).waitFor();
    await screenshot(page, 'churn-report.png');
  });
});
