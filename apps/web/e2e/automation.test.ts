import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePage, launchBrowser, openPage, pathOf, signIn } from './browser.js';

/**
 * Automation on the demo data: an admin creates an API token and a webhook (each secret
 * shown once) and sees the scheduled jobs with their last runs; a member cannot reach the
 * page, and chooses their own emails.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('automation', () => {
  it('lets an admin create a token (shown once), add a webhook and see the jobs with their last runs', async () => {
    const tested = await openPage(browser);
    const { page } = tested;
    await page.goto('/automation');
    await signIn(page, 'admin@northwind.example');
    await page.getByRole('heading', { name: 'Automation', level: 1 }).waitFor();

    const tokens = page.getByRole('region', { name: 'API tokens' });
    await tokens.getByLabel('Name').fill('Nightly e2e feed');
    await tokens.getByLabel('Scope').selectOption('read-write');
    await tokens.getByRole('button', { name: 'Create token' }).click();
    const secret = tokens.getByRole('status');
    await secret.waitFor();
    const token = (await secret.locator('code').textContent()) ?? '';
    expect(token).toMatch(/^pulse_[A-Za-z0-9_-]{43}$/);
    expect(await secret.textContent()).toContain('Pulse keeps only a hash and will not show it again.');
    const listed = tokens.getByRole('listitem').filter({ hasText: 'Nightly e2e feed' });
    await listed.waitFor();
    // The list shows the token's first ten characters only: the secret never comes back.
    expect(await listed.textContent()).toContain(`${token.slice(0, 10)}…`);
    expect(await listed.textContent()).not.toContain(token);
    await listed.getByRole('button', { name: 'Revoke Nightly e2e feed' }).click();
    await listed.getByText('revoked').waitFor();

    const webhooks = page.getByRole('region', { name: 'Webhooks' });
    await webhooks.getByLabel('URL').fill('not an address');
    await webhooks.getByRole('button', { name: 'Add webhook' }).click();
    await webhooks.getByText('Give a full http:// or https:// address.').first().waitFor();
    await webhooks.getByLabel('URL').fill('https://hooks.example.com/pulse-e2e');
    await webhooks.getByLabel('upload.rejected').uncheck();
    await webhooks.getByRole('button', { name: 'Add webhook' }).click();
    const signing = webhooks.getByRole('status');
    await signing.waitFor();
    expect(await signing.locator('code').textContent()).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const hook = webhooks.getByRole('listitem').filter({ hasText: 'https://hooks.example.com/pulse-e2e' });
    await hook.waitFor();
    expect(await hook.textContent()).toContain('account.tier_changed, recommendation.fired, task.overdue');
    await hook.getByRole('button', { name: 'Deliveries' }).click();
    await hook.getByText('Nothing delivered yet').waitFor();
    await hook.getByRole('button', { name: 'Delete https://hooks.example.com/pulse-e2e' }).click();
    await hook.waitFor({ state: 'detached' });

    const jobs = page.getByRole('region', { name: 'Scheduled jobs' });
    await jobs.getByRole('listitem').first().waitFor();
    const items = await jobs.getByRole('listitem').allTextContents();
    expect(items.map((text) => /^[a-z.-]+/.exec(text)?.[0])).toEqual(['playbooks.evaluate-daily', 'email.daily-digest', 'sessions.sweep']);
    for (const text of items) expect(text).toMatch(/Last run .+: (running|completed|failed)|Not run yet\./);
    await closePage(tested);
  });

  it('keeps members out of the automation page, and lets them choose their own emails', async () => {
    const tested = await openPage(browser);
    const { page } = tested;
    await page.goto('/automation');
    await signIn(page, 'member@northwind.example');
    await page.getByRole('heading', { name: 'Not allowed', exact: true }).waitFor();
    expect(pathOf(page)).toBe('/automation');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Automation' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Max Member', exact: true }).click();
    await page.getByRole('link', { name: 'Email alerts' }).click();
    await page.getByRole('heading', { name: 'Email alerts', level: 1 }).waitFor();
    const digest = page.getByLabel('Daily digest');
    expect(await digest.isChecked()).toBe(true);
    await digest.uncheck();
    await page.getByText('Your email choices are saved.').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Email alerts', level: 1 }).waitFor();
    expect(await page.getByLabel('Daily digest').isChecked()).toBe(false);
    expect(await page.getByLabel('When an account I own turns critical').isChecked()).toBe(true);
    await page.getByLabel('Daily digest').check();
    await page.getByText('Your email choices are saved.').waitFor();
    await closePage(tested);
  });
});
