import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePage, launchBrowser, openPage, screenshot, signIn, type TestPage } from './browser.js';

/** A small phone: every screen must fit it without scrolling the page sideways. */
const PHONE = { width: 360, height: 740 };

interface Screen {
  name: string;
  /** Where the screen is: a path, or the link to follow from a page (for screens with an id in the path). */
  path: string;
  follow?: (page: Page) => Promise<void>;
  /** Resolves once the screen has its data. */
  ready: (page: Page) => Promise<void>;
  /** The phone-sized screenshot taken of it (docs/screenshots). */
  shot?: string;
}

const heading = (name: string | RegExp) => (page: Page) => page.getByRole('heading', { name, level: 1 }).waitFor();

const startButtons = (page: Page) => page.getByRole('region', { name: 'Recommendations' }).getByRole('button', { name: /^Start / });

/** Every screen of the console; add new screens here. */
const guestScreens: Screen[] = [
  { name: 'sign in', path: '/login', ready: heading('Sign in to Pulse') },
  { name: 'register', path: '/register', ready: heading('Register your organisation') },
];

const signedInScreens: Screen[] = [
  {
    name: 'dashboard',
    path: '/',
    ready: (page) =>
      page
        .getByRole('region', { name: 'Recent uploads' })
        .getByRole('link', { name: /^Download/ })
        .first()
        .waitFor(),
    shot: 'dashboard-phone.png',
  },
  { name: 'accounts', path: '/accounts', ready: (page) => page.locator('.accounts-table tbody tr').first().getByRole('img').waitFor() },
  { name: 'accounts heatmap', path: '/accounts?view=heatmap', ready: (page) => page.locator('.heat-cell').first().waitFor() },
  {
    name: 'account',
    path: '/accounts?q=automotive',
    follow: (page) => page.getByRole('link', { name: 'Automotive Solutions' }).click(),
    ready: (page) => page.getByRole('region', { name: 'KPI readings' }).getByRole('table').first().waitFor(),
  },
  {
    name: 'upload',
    path: '/upload',
    ready: (page) =>
      page
        .getByRole('region', { name: 'Upload history' })
        .getByRole('link', { name: /^Download/ })
        .first()
        .waitFor(),
  },
  { name: 'ranges', path: '/ranges', ready: (page) => page.getByRole('region', { name: 'Support' }).getByRole('row').nth(1).waitFor() },
  { name: 'playbooks', path: '/playbooks', ready: heading('Playbooks') },
  { name: 'recommendations', path: '/playbooks?tab=recommendations', ready: (page) => startButtons(page).first().waitFor() },
  {
    name: 'playbook run',
    path: '/playbooks?tab=recommendations',
    follow: (page) => startButtons(page).first().click(),
    ready: (page) => page.getByRole('progressbar', { name: 'Steps resolved' }).waitFor(),
  },
  { name: 'activity', path: '/activity', ready: (page) => page.getByRole('table', { name: 'Activity log' }).getByRole('row').nth(1).waitFor() },
  { name: 'users', path: '/users', ready: (page) => page.getByRole('row', { name: /Max Member/ }).waitFor() },
  { name: 'my tasks', path: '/tasks', ready: heading('My tasks') },
  { name: 'renewals', path: '/renewals', ready: heading('Renewals') },
  { name: 'notes', path: '/notes?q=renewal', ready: (page) => page.getByRole('list', { name: 'Notes found' }).getByRole('listitem').first().waitFor() },
  { name: 'churn-report', path: '/reports/churn', ready: heading('Churn signal') },
  { name: 'automation', path: '/automation', ready: heading('Automation') },
  { name: 'triggers', path: '/triggers', ready: heading('Triggers') },
  { name: 'segments', path: '/segments', ready: heading('Segments') },
  { name: 'settings', path: '/settings', ready: heading('Settings') },
  { name: 'change password', path: '/settings/password', ready: heading('Change password') },
  { name: 'email alerts', path: '/settings/email', ready: heading('Email alerts') },
  { name: 'not found', path: '/no-such-page', ready: heading('Page not found') },
];

/** How far the page scrolls sideways, and the elements sticking out of it that no scroll box holds (what to fix). */
function overflow(page: Page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const held = (element: Element) => {
      if (getComputedStyle(element).position === 'absolute') return false;
      for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
        if (getComputedStyle(box).overflowX !== 'visible') return true;
      }
      return false;
    };
    const offenders = [...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > width + 0.5 && !held(element))
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}`);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, offenders };
  });
}

async function expectNoSidewaysScroll(page: Page, screen: Screen): Promise<void> {
  const measured = await overflow(page);
  expect(measured.scrollWidth <= measured.innerWidth, `${screen.name} scrolls sideways: ${JSON.stringify(measured)}`).toBe(true);
}

async function visit(page: Page, screen: Screen): Promise<void> {
  await page.goto(screen.path);
  if (screen.follow) await screen.follow(page);
  await screen.ready(page);
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function phonePage(): Promise<TestPage> {
  const tested = await openPage(browser);
  await tested.page.setViewportSize(PHONE);
  return tested;
}

describe(`every screen at ${PHONE.width}×${PHONE.height}`, () => {
  it.each(guestScreens)('fits the $name screen', async (screen) => {
    const tested = await phonePage();
    await visit(tested.page, screen);
    await expectNoSidewaysScroll(tested.page, screen);
    await closePage(tested);
  });

  describe('signed in as the demo admin', () => {
    let tested: TestPage;
    beforeAll(async () => {
      tested = await phonePage();
      await tested.page.goto('/login');
      await signIn(tested.page, 'admin@northwind.example');
      await tested.page.getByRole('heading', { name: /, Nora$/ }).waitFor();
    });
    afterAll(async () => {
      if (tested) await closePage(tested);
    });

    it.each(signedInScreens)('fits the $name screen', async (screen) => {
      await visit(tested.page, screen);
      await expectNoSidewaysScroll(tested.page, screen);
      if (screen.shot) await screenshot(tested.page, screen.shot);
    });
  });
});

describe('the heatmap at 1440×900', () => {
  it('shows its last column inside its box', async () => {
    const tested = await openPage(browser);
    const { page } = tested;
    await page.goto('/login');
    await signIn(page, 'admin@northwind.example');
    await page.getByRole('heading', { name: /, Nora$/ }).waitFor();
    await visit(
      page,
      signedInScreens.find((screen) => screen.name === 'accounts heatmap')!,
    );
    const edges = await page.evaluate(() => {
      const table = document.querySelector('table.heatmap')!;
      const box = table.parentElement!.getBoundingClientRect();
      const lastHeader = table.querySelector('thead th:last-child')!.getBoundingClientRect();
      return { boxRight: box.right, lastRight: lastHeader.right, scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth };
    });
    expect(edges.lastRight, JSON.stringify(edges)).toBeLessThanOrEqual(edges.boxRight + 0.5);
    expect(edges.scrollWidth).toBeLessThanOrEqual(edges.innerWidth);
    await closePage(tested);
  });
});
