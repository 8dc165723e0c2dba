import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePage, launchBrowser, openPage, signIn, type TestPage } from './browser.js';

/** An error code (PAYLOAD_TOO_LARGE) or a validator's own words, which a person cannot act on. */
const notForPeople = [
  /\b[A-Z]{2,}(?:_[A-Z]{2,})+\b/,
  /Too (big|small)/i,
  /expected (string|number|boolean)/i,
  /Invalid input/i,
  /\b[a-z]+[A-Z]\w* \(/,
  /\btiers\.\w/,
  /≤/,
];

async function expectOnlySentences(page: Page): Promise<void> {
  const text = await page.locator('body').innerText();
  for (const pattern of notForPeople) expect(text, `visible text matches ${pattern}`).not.toMatch(pattern);
}

/** Types past an input's maxlength, as a pasted or scripted value would, to see the server's own answer. */
async function fillPastLimit(field: Locator, value: string): Promise<void> {
  await field.evaluate((input) => input.removeAttribute('maxlength'));
  await field.fill(value);
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('every form, given bad input, answers in sentences', () => {
  it('registration and sign-in', async () => {
    const tested = await openPage(browser);
    const { page } = tested;
    await page.goto('/register');
    expect(await page.getByLabel('Organisation name').getAttribute('maxlength')).toBe('200');
    await fillPastLimit(page.getByLabel('Organisation name'), 'x'.repeat(201));
    await page.getByLabel('Work email').fill('not-an-email');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('Please correct the highlighted fields.').waitFor();
    await page.getByText('Use at most 200 characters.').waitFor();
    await page.getByText('Enter a valid email address.').waitFor();
    await page.getByText('Required.').waitFor();
    // The hint and the error are the same words.
    expect(await page.getByText('Use at least 8 characters.').count()).toBe(2);
    await expectOnlySentences(page);

    await page.goto('/login');
    await signIn(page, 'nobody@northwind.example');
    await page.getByText('Invalid email or password.').waitFor();
    await expectOnlySentences(page);
    await closePage(tested);
  });

  describe('signed in as the demo admin', () => {
    let tested: TestPage;
    beforeAll(async () => {
      tested = await openPage(browser);
      await tested.page.goto('/login');
      await signIn(tested.page, 'admin@northwind.example');
      await tested.page.getByRole('heading', { name: /, Nora$/ }).waitFor();
    });
    afterAll(async () => {
      if (tested) await closePage(tested);
    });

    it('change password clears the previous message on each submit', async () => {
      const { page } = tested;
      await page.goto('/settings/password');
      await page.getByLabel('Current password').fill('not my password');
      await page.getByLabel('New password', { exact: true }).fill('a brand new secret');
      await page.getByLabel('Repeat the new password').fill('a brand new secret');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('The current password is not correct.').waitFor();

      await page.getByLabel('Repeat the new password').fill('another secret');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('The two new passwords differ.').waitFor();
      expect(await page.getByText('The current password is not correct.').count()).toBe(0);

      await page.getByLabel('New password', { exact: true }).fill('short');
      await page.getByLabel('Repeat the new password').fill('short');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('list').getByText('Use at least 8 characters.').waitFor();
      expect(await page.getByText('The two new passwords differ.').count()).toBe(0);
      await expectOnlySentences(page);
    });

    it('adding a user', async () => {
      const { page } = tested;
      await page.goto('/users');
      await page.getByRole('button', { name: 'Add user' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a user' });
      await dialog.getByLabel('Email').fill('max@');
      await dialog.getByLabel('Initial password').fill('short');
      await dialog.getByRole('button', { name: 'Add user' }).click();
      await dialog.getByText('Enter a valid email address.').waitFor();
      await expectOnlySentences(page);
    });

    it('creating an account', async () => {
      const { page } = tested;
      await page.goto('/accounts');
      await page.getByRole('button', { name: 'New account' }).click();
      const dialog = page.getByRole('dialog', { name: 'New account' });
      await fillPastLimit(dialog.getByLabel('Name'), 'Acme');
      await fillPastLimit(dialog.getByLabel('Tier'), 't'.repeat(51));
      await dialog.getByRole('button', { name: 'Create account' }).click();
      await dialog.getByText('Use at most 50 characters.').waitFor();
      await expectOnlySentences(page);
    });

    it('editing a reference range', async () => {
      const { page } = tested;
      await page.goto('/ranges');
      await page.getByRole('button', { name: 'Edit Churn Rate', exact: true }).click();
      await page.getByLabel('Risk threshold of Churn Rate').fill('2');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('alert').filter({ hasText: 'When lower is better, the healthy threshold' }).waitFor();
      await expectOnlySentences(page);
      await page.getByRole('button', { name: 'Cancel' }).click();
    });

    it('the scoring settings', async () => {
      const { page } = tested;
      await page.goto('/settings');
      await page.getByLabel('At risk from').fill('95');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText(/^The at-risk threshold \(95\) must not be above the healthy threshold/).waitFor();
      expect(await page.getByLabel('At risk from').getAttribute('aria-invalid')).toBe('true');
      await expectOnlySentences(page);
    });

    it('starting a playbook and working its steps', async () => {
      const { page } = tested;
      await page.goto('/playbooks');
      await page.getByRole('button', { name: 'Start a playbook' }).click();
      const dialog = page.getByRole('dialog', { name: 'Start a playbook' });
      await dialog.getByRole('button', { name: 'Start playbook' }).click();
      await dialog.getByText('Choose a playbook and an account.').waitFor();
      await expectOnlySentences(page);
      await dialog.getByRole('button', { name: 'Cancel' }).click();

      await page.getByRole('button', { name: 'Recommendations' }).click();
      await page
        .getByRole('region', { name: 'Recommendations' })
        .getByRole('button', { name: /^Start / })
        .first()
        .click();
      await page.waitForURL(/\/playbooks\/[0-9a-f-]{36}$/);
      await page.getByRole('button', { name: 'Complete step 1' }).click();
      await page.getByRole('button', { name: 'Mark as done' }).click();
      await page.getByText('Required.').waitFor();
      await expectOnlySentences(page);
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();

      await page.getByRole('button', { name: 'Cancel…' }).click();
      await page.getByRole('button', { name: 'Cancel playbook' }).click();
      await page.getByRole('dialog').getByText('Required.').waitFor();
      await expectOnlySentences(page);
    });
  });
});
