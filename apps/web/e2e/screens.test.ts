import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePage, launchBrowser, openPage, pathOf, screenshot, signIn, type TestPage } from './browser.js';

const workbook = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../packages/db/seed/samples/workbooks/automotive_solutions_kpis.xlsx');

let browser: Browser;
let tested: TestPage;

beforeAll(async () => {
  browser = await launchBrowser();
  tested = await openPage(browser);
  await tested.page.goto('/login');
  await signIn(tested.page, 'admin@northwind.example');
  await tested.page.getByRole('heading', { name: /, Nora$/ }).waitFor();
});

afterAll(async () => {
  if (tested) await closePage(tested);
  await browser?.close();
});

/** The demo admin works through every main screen; each leaves a screenshot (in docs/screenshots with UPDATE_SCREENSHOTS=1). */
describe('the console, as the demo admin', () => {
  it('shows the portfolio on the dashboard', async () => {
    const { page } = tested;
    const tiers = page.getByRole('list', { name: 'Accounts per health tier' });
    await tiers.getByRole('link').first().waitFor();
    expect(await tiers.getByRole('link').allTextContents()).toEqual([
      expect.stringMatching(/^Healthy\d+/),
      expect.stringMatching(/^At risk\d+/),
      expect.stringMatching(/^Critical\d+/),
      expect.stringMatching(/^Unknown\d+/),
    ]);
    await page
      .getByRole('region', { name: 'Average health' })
      .getByText(/^across the \d+ accounts scored in both \w{3} \d{4} and \w{3} \d{4}$/)
      .waitFor();
    await page.getByRole('region', { name: 'Needing attention' }).getByRole('link').first().waitFor();
    await page.getByRole('region', { name: 'Biggest drops since last period' }).waitFor();
    await page
      .getByRole('region', { name: 'Recommended playbooks' })
      .getByRole('button', { name: /^Start/ })
      .first()
      .waitFor();
    await page
      .getByRole('region', { name: 'Recent uploads' })
      .getByRole('link', { name: /^Download/ })
      .first()
      .waitFor();
    await screenshot(page, 'dashboard.png');
  });

  it('lets keyboard users skip to the navigation or the content', async () => {
    const { page } = tested;
    await page.goto('/ranges');
    await page.getByRole('heading', { name: 'Reference ranges', level: 1 }).waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
    for (const [link, target] of [
      ['Skip to navigation', 'navigation'],
      ['Skip to content', 'main'],
    ] as const) {
      await page.getByRole('link', { name: link }).focus();
      expect(await page.getByRole('link', { name: link }).isVisible()).toBe(true);
      await page.keyboard.press('Enter');
      expect(await focused()).toBe(target);
    }
    await page.getByRole('link', { name: 'Skip to navigation' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Dashboard');
  });

  it('scrolls the accounts list past its first page and filters it', async () => {
    const { page } = tested;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
    const rows = page.locator('.accounts-table tbody tr');
    await rows.nth(49).waitFor();
    expect(await rows.count()).toBe(50);
    await rows
      .nth(9)
      .getByRole('img', { name: /^Health over the last/ })
      .waitFor();
    await screenshot(page, 'accounts.png');

    await page.locator('.infinite-scroll').scrollIntoViewIfNeeded();
    await rows.nth(50).waitFor();
    expect(await rows.count()).toBeGreaterThan(50);

    await page.getByRole('button', { name: 'Heatmap' }).click();
    await page.locator('.heat-cell.heat-healthy, .heat-cell.heat-at_risk, .heat-cell.heat-critical').first().waitFor();
    expect(pathOf(page)).toBe('/accounts?view=heatmap');
    await page.getByRole('button', { name: 'List' }).click();

    await page.getByRole('searchbox', { name: 'Search' }).fill('automotive');
    await page.waitForURL('**/accounts?q=automotive');
    await rows.filter({ hasText: 'Automotive Solutions' }).waitFor();
    expect(await rows.count()).toBe(1);
  });

  it('opens an account with its health, explanation, KPIs and history', async () => {
    const { page } = tested;
    await page.getByRole('link', { name: 'Automotive Solutions' }).click();
    await page.getByRole('heading', { name: 'Automotive Solutions', level: 1 }).waitFor();
    expect(pathOf(page)).toMatch(/^\/accounts\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'How the score was formed' }).waitFor();
    await page.getByRole('list', { name: 'Category scores' }).waitFor();
    await page.getByRole('region', { name: 'KPI readings' }).getByRole('table').first().waitFor();
    await page
      .getByRole('region', { name: 'KPI readings' })
      .getByText(/healthy 67–100\); the account’s own score uses your organisation’s tiers \(healthy from \d+, at risk from \d+\)\.$/)
      .waitFor();
    await screenshot(page, 'account-detail.png');

    const kpi = page.getByRole('region', { name: 'KPI readings' }).getByRole('button').first();
    const kpiName = (await kpi.textContent()) ?? '';
    await kpi.click();
    const dialog = page.getByRole('dialog', { name: kpiName });
    await dialog.locator('.recharts-line').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByLabel('Period').selectOption({ index: 1 });
    await page.waitForURL(/\?period=\d{4}-\d{2}$/);
    await page
      .getByRole('region', { name: 'Upload history' })
      .getByRole('link', { name: /^Download/ })
      .first()
      .waitFor();
  });

  it('uploads a sample workbook and shows its report', async () => {
    const { page } = tested;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Upload' }).click();
    await page.getByRole('heading', { name: 'Upload', level: 1 }).waitFor();
    await page.locator('input[type=file]').setInputFiles(workbook);
    await page.getByText('automotive_solutions_kpis.xlsx').first().waitFor();
    await page.getByRole('button', { name: 'Upload', exact: true }).click();

    const report = page.getByRole('region', { name: 'Report: automotive_solutions_kpis.xlsx' });
    await report.getByText('Imported.').waitFor();
    const stats = Object.fromEntries(
      await report
        .locator('.stat')
        .evaluateAll((items) =>
          items.map((item): [string, number] => [
            item.querySelector('dt')?.textContent ?? '',
            Number(item.querySelector('dd')?.textContent?.replace(/,/g, '')),
          ]),
        ),
    );
    expect(stats.Readings).toBeGreaterThan(0);
    expect(stats['Accounts created']).toBe(0);
    await report.getByRole('link', { name: 'Automotive Solutions' }).waitFor();
    await report.scrollIntoViewIfNeeded();
    await screenshot(page, 'upload-report.png');

    const history = page.getByRole('region', { name: 'Upload history' });
    const [original] = await Promise.all([
      page.waitForEvent('download'),
      history.getByRole('link', { name: 'Download automotive_solutions_kpis.xlsx' }).first().click(),
    ]);
    expect(original.suggestedFilename()).toBe('automotive_solutions_kpis.xlsx');
  });

  it('edits a reference range, showing the server validation first', async () => {
    const { page } = tested;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ranges' }).click();
    await page.getByRole('button', { name: 'Edit Churn Rate', exact: true }).click();
    await page.getByLabel('Risk threshold of Churn Rate').fill('2');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'lower is better' }).waitFor();
    expect(await page.getByLabel('Healthy threshold of Churn Rate').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Risk threshold of Churn Rate').fill('20');
    await page.getByRole('button', { name: 'Save' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('button', { name: 'Edit Churn Rate', exact: true }) });
    await row.getByText('Your range').waitFor();
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('20');
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'ranges.png');
  });

  it('starts a recommended playbook and completes its first step', async () => {
    const { page } = tested;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Playbooks' }).click();
    await page.getByRole('button', { name: 'Recommendations' }).click();
    const start = page
      .getByRole('region', { name: 'Recommendations' })
      .getByRole('button', { name: /^Start / })
      .first();
    const label = (await start.textContent()) ?? '';
    await start.click();
    await page.waitForURL(/\/playbooks\/[0-9a-f-]{36}$/);
    const [playbook, account] = label.replace(/^Start\s+/, '').split(' for ');
    await page.getByRole('heading', { name: `${playbook}: ${account}`, level: 1 }).waitFor();

    expect(await page.getByRole('button', { name: 'Complete…' }).count()).toBe(0);
    await page.getByText(/^Complete or skip the \d+ open steps to finish this playbook\.$/).waitFor();
    await page.getByRole('button', { name: 'Complete step 1' }).click();
    await page.getByLabel('Note').fill('Read the health explanation and wrote three hypotheses.');
    await page.getByLabel('Outcome (optional)').fill('Hypotheses shared with the team');
    await page.getByRole('button', { name: 'Mark as done' }).click();
    await page.getByText('Read the health explanation and wrote three hypotheses.').waitFor();
    expect(await page.getByRole('progressbar', { name: 'Steps resolved' }).getAttribute('aria-valuetext')).toMatch(/^1 of \d+ steps resolved$/);
    await page.getByRole('button', { name: 'Complete step 2' }).waitFor();
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download report' }).click()]);
    expect(report.suggestedFilename()).toMatch(/\.md$/);

    await page.getByRole('link', { name: 'All runs' }).click();
    await page
      .getByRole('region', { name: 'Active' })
      .getByRole('link', { name: new RegExp(`^${playbook}`) })
      .first()
      .waitFor();
    await screenshot(page, 'playbooks.png');
  });

  it('filters the activity log and lists the users', async () => {
    const { page } = tested;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('table', { name: 'Activity log' }).getByRole('row').nth(1).waitFor();
    await page.getByLabel('Resource').selectOption('range');
    await page.waitForURL('**/activity?type=range');
    await page.getByRole('cell', { name: 'range.update' }).first().waitFor();
    await screenshot(page, 'activity.png');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('row', { name: /Max Member/ }).waitFor();
    await page.getByRole('button', { name: 'Deactivate Nora Admin' }).click();
    await page.getByRole('alert').filter({ hasText: 'last active admin' }).waitFor();
    await screenshot(page, 'users.png');
  });

  it('signs out from the user menu', async () => {
    const { page } = tested;
    await page.getByRole('button', { name: 'Nora Admin', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    expect(pathOf(page)).toBe('/login?reason=signed-out');
  });
});
