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
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Dashboard', 'Accounts', 'Upload', 'Ranges', 'Playbooks']);

    await page.goto('/users');
    await page.getByRole('heading', { name: 'Not allowed', exact: true }).waitFor();
    expect(pathOf(page)).toBe('/users');
    expect(await page.getByText('You are not allowed to view this page').count()).toBe(1);
    await closePage(tested);
  });
});
