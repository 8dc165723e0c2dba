import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePage, launchBrowser, openPage, pathOf, signIn } from './browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('roles', () => {
  it('hides admin navigation from members and refuses them admin pages', async () => {
    const tested = await openPage(browser);
    const { page } = tested;
    await page.goto('/login');
    await signIn(page, 'member@northwind.example');
    await page.getByRole('heading', { name: /, Max$/ }).waitFor();

    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Dashboard',
      'Accounts',
      'My tasks',
      'Renewals',
      'Notes',
      'Churn signal',
      'Upload',
      'Ranges',
      'Playbooks',
    ]);

    for (const adminPage of ['/users', '/activity', '/settings', '/segments']) {
      await page.goto(adminPage);
      await page.getByRole('heading', { name: 'Not allowed', exact: true }).waitFor();
      expect(pathOf(page)).toBe(adminPage);
      expect(await page.getByText('You are not allowed to view this page').count()).toBe(1);
    }
    await closePage(tested);
  });

  it('shows members the ranges read-only and lets them change their own password', async () => {
    const tested = await openPage(browser);
    const { page } = tested;
    await page.goto('/ranges');
    await signIn(page, 'member@northwind.example');
    await page.getByRole('region', { name: 'Support' }).getByRole('row').nth(1).waitFor();
    expect(await page.getByText('Only admins can change them.', { exact: false }).count()).toBe(1);
    expect(await page.getByRole('button', { name: /^Edit / }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Reset all to defaults' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Max Member', exact: true }).click();
    await page.getByRole('link', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Change password', level: 1 }).waitFor();
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill('a brand new secret');
    await page.getByLabel('Repeat the new password').fill('a brand new secret');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The current password is not correct.').waitFor();
    expect(await page.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');
    await closePage(tested);
  });
});
