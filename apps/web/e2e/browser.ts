import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

export const DEMO_PASSWORD = 'pulse-demo-2026';

/**
 * The tracked screenshots (docs/screenshots) are rewritten only when asked with
 * UPDATE_SCREENSHOTS=1; other runs leave the checkout clean and write to a temporary folder.
 */
const screenshotDir =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/screenshots')
    : path.join(os.tmpdir(), 'pulse-e2e-screenshots');

const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium; playwright-core never downloads a browser. */
export function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium).`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export interface TestPage {
  page: Page;
  /** Console errors (CSP violations among them), uncaught errors, API calls without the client header.
   * HTTP error answers are not counted: tests provoke some on purpose (e.g. a bad registration). */
  problems: string[];
}

/** A page in a fresh context (no cookies), watching for problems. */
export async function openPage(browser: Browser): Promise<TestPage> {
  const context = await browser.newContext({ baseURL: inject('baseUrl'), viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    const answered = message.text().startsWith('Failed to load resource: the server responded with a status of');
    if (message.type() === 'error' && !answered) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/api/trpc/') && request.headers()['x-pulse-client'] !== 'web') {
      problems.push(`no x-pulse-client header: ${request.method()} ${request.url()}`);
    }
  });
  return { page, problems };
}

export async function closePage({ page, problems }: TestPage): Promise<void> {
  await page.context().close();
  expect(problems).toEqual([]);
}

export async function signIn(page: Page, email: string, { rememberMe = false } = {}): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  if (rememberMe) await page.getByLabel('Remember me').check();
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export function pathOf(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(screenshotDir, name) });
}
