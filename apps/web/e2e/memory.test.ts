import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePage, launchBrowser, openPage, screenshot, signIn, type TestPage } from './browser.js';

/**
 * Account memory on the demo data (packages/api/src/demo/memory.ts): Max Member writes a note
 * on one of the accounts of his book, sees it on the account's timeline, finds it with the notes
 * search and sets the account's manager sentiment. The note's hostile Markdown never runs.
 */

let browser: Browser;
let member: TestPage;
const word = `zebra${Date.now().toString(36)}`;

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

async function timelineFitsPhoneWidth(page: Page): Promise<void> {
  await page.setViewportSize({ width: 360, height: 780 });
  await page.waitForTimeout(200);
  const box = (await page.getByRole('region', { name: 'Timeline' }).boundingBox()) ?? { x: 0, width: 0 };
  await page.setViewportSize({ width: 1440, height: 900 });
  expect(box.x + box.width).toBeLessThanOrEqual(360);
}

describe('account memory', () => {
  it('adds a note that shows on the timeline, rendered safely, and is found by search; sets sentiment', async () => {
    const { page } = member;
    await page.goto('/notes?q=renewal');
    const results = page.getByRole('list', { name: 'Notes found' });
    await results.getByRole('listitem').first().waitFor();
    const account = results.getByRole('listitem').first().getByRole('link').first();
    const accountName = (await account.textContent()) ?? '';
    await account.click();
    await page.getByRole('heading', { name: accountName, level: 1 }).waitFor();

    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByRole('list', { name: 'Timeline' }).waitFor();
    await timeline.getByRole('button', { name: 'Add note' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a note' });
    await dialog.getByLabel('Kind', { exact: true }).selectOption('meeting');
    await dialog.getByLabel('Participants', { exact: true }).fill('Pat Lee, Ana Ruiz');
    await dialog
      .getByLabel('Note', { exact: true })
      .fill(`Planning **${word}** rollout.\n\n<script>window.pwned = 1</script>\n\n[bad](javascript:window.pwned=1)`);
    await dialog.getByRole('button', { name: 'Save note' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const entry = timeline.getByRole('listitem').filter({ hasText: word });
    await entry.waitFor();
    expect(await entry.getByText('Max Member logged a meeting with Pat Lee, Ana Ruiz.').count()).toBe(1);
    expect(await entry.locator('strong').textContent()).toBe(word);
    expect(await entry.locator('script').count()).toBe(0);
    expect(await entry.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

    await timeline.getByLabel('Show', { exact: true }).selectOption('note');
    await entry.waitFor();
    expect(
      await timeline
        .getByRole('listitem')
        .filter({ hasText: /set the manager sentiment/ })
        .count(),
    ).toBe(0);
    await timeline.getByLabel('Show', { exact: true }).selectOption('');

    await timeline.getByRole('button', { name: 'Set sentiment' }).click();
    const sentiment = page.getByRole('dialog', { name: 'Manager sentiment' });
    await sentiment.getByRole('button', { name: 'Save sentiment' }).click();
    // The comment is required: the dialog stays open with the sentence under the field.
    await sentiment.getByText('Say why: a comment is required.').waitFor();
    await sentiment.getByLabel('Sentiment', { exact: true }).selectOption('1');
    await sentiment.getByLabel('Why', { exact: true }).fill(`Sponsor left ${word}`);
    await sentiment.getByRole('button', { name: 'Save sentiment' }).click();
    await sentiment.waitFor({ state: 'hidden' });
    await timeline
      .getByRole('listitem')
      .filter({ hasText: `Sponsor left ${word}` })
      .getByText(/set the manager sentiment for \d{4}-\d{2} to red \(1\)/)
      .waitFor();
    await timelineFitsPhoneWidth(page);
    // The timeline at the top of the screenshot, below the sticky header.
    await timeline.evaluate((element) => window.scrollTo(0, element.getBoundingClientRect().top + window.scrollY - 80));
    await screenshot(page, 'timeline.png');

    await page.getByRole('link', { name: 'Notes' }).click();
    await page.getByLabel('Search notes', { exact: true }).fill(`${word} pat`);
    const found = page.getByRole('list', { name: 'Notes found' }).getByRole('listitem');
    await found.first().waitFor();
    expect(await found.count()).toBe(1);
    expect(await found.first().getByRole('link', { name: accountName }).count()).toBe(1);
  });
});
