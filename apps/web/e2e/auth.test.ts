import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePage, launchBrowser, openPage, pathOf, screenshot, signIn } from './browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('signing up, in and out', () => {
  it('registers a new organisation, lands on the dashboard and signs out', async () => {
    const tested = await openPage(browser);
    const { page } = tested;
    await page.goto('/register');
    await page.getByLabel('Organisation name').fill('Lovelace Analytics');
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Work email').fill('ada@lovelace.example');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create workspace' }).click();

    await page.getByRole('heading', { name: /^Good (morning|afternoon|evening), Ada$/ }).waitFor();
    expect(pathOf(page)).toBe('/');
    expect(await page.locator('.top-bar').textContent()).toContain('Lovelace Analytics');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).waitFor();

    const setup = page.getByRole('region', { name: 'Set up Pulse' });
    await setup.getByText('0 of 4 done.').waitFor();
    expect(await setup.getByRole('listitem').locator('strong').allTextContents()).toEqual([
      'Import customer profiles',
      'Upload KPIs',
      'Review ranges and weights',
      'Invite teammates',
    ]);
    await setup.getByRole('link', { name: 'Review ranges' }).click();
    await page.getByRole('heading', { name: 'Reference ranges', level: 1 }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await setup.getByText('1 of 4 done.').waitFor();
    expect(await setup.getByRole('listitem').filter({ hasText: '(done)' }).locator('strong').allTextContents()).toEqual(['Review ranges and weights']);

    await page.getByRole('button', { name: 'Ada Lovelace' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    expect(pathOf(page)).toBe('/login?reason=signed-out');

    await page.goto('/');
    await page.waitForURL('**/login');
    await closePage(tested);
  });

  it('signs the demo admin in with remember-me', async () => {
    const tested = await openPage(browser);
    const { page } = tested;
    await page.goto('/login');
    await page.getByRole('heading', { name: 'Sign in to Pulse' }).waitFor();
    await screenshot(page, 'login.png');

    await signIn(page, 'admin@northwind.example', { rememberMe: true });

    await page.getByRole('heading', { name: /, Nora$/ }).waitFor();
    expect(pathOf(page)).toBe('/');
    expect(await page.locator('.tenant-name').textContent()).toBe('Northwind CS');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'pulse.sid');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie!.expires * 1000).toBeGreaterThan(Date.now() + 6 * 24 * 60 * 60 * 1000);
    expect(await page.evaluate(() => ({ ...window.localStorage }))).toEqual({});
    await closePage(tested);
  });

  it('sends a signed-out visitor of /accounts to login and back to /accounts', async () => {
    const tested = await openPage(browser);
    const { page } = tested;
    await page.goto('/accounts');
    await page.waitForURL('**/login?next=%2Faccounts');
    expect(await page.getByText('Your session ended').count()).toBe(0);

    await signIn(page, 'admin@globex.example');

    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    expect(pathOf(page)).toBe('/accounts');
    expect(await page.locator('.tenant-name').textContent()).toBe('Globex Success');
    await closePage(tested);
  });

  it('shows the server field errors of a bad registration', async () => {
    const tested = await openPage(browser);
    const { page } = tested;
    await page.goto('/register');
    await page.getByLabel('Work email').fill('not-an-email');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create workspace' }).click();

    await page.getByText('Please correct the highlighted fields.').waitFor();
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('list').getByText('Use at least 8 characters.').waitFor();
    await closePage(tested);
  });
});
