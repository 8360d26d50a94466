// Headless Debian chromium through playwright-core for the browser acceptance tests: one browser per test file, a
// fresh context (cookies, storage) per test, full-page screenshots under artifacts/screenshots, and every uncaught
// page error failing the test that caused it. Console errors are printed, not failed on: a 403 the test provokes on
// purpose also logs one.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/pipeline-world.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'artifacts', 'screenshots');

export interface Session {
  context: BrowserContext;
  page: Page;
}

export interface BrowserHarness {
  /** The page of the current test's first context. */
  readonly page: Page;
  /** Another isolated session (its own cookies) in the same test: a second user. Closed after the test. */
  newSession(): Promise<Session>;
}

/** Register the hooks of a browser test file; call once at the top of the file. `baseURL()` is read per context. */
export function useBrowser(baseURL: () => string): BrowserHarness {
  let browser: Browser | undefined;
  let sessions: Session[] = [];
  let errors: string[] = [];

  const open = async (): Promise<Session> => {
    if (!browser) throw new Error('browser not launched');
    const context = await browser.newContext({
      baseURL: baseURL(),
      locale: 'it-IT',
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.stack ?? err.message}`));
    page.on('console', (msg) => {
      // "Failed to load resource" lines name no URL: the response listener below does.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
        console.warn(`[browser console] ${page.url()}: ${msg.text()}`);
      }
    });
    page.on('response', (res) => {
      if (res.status() >= 400) console.warn(`[browser http] ${res.request().method()} ${res.url()} → ${res.status()}`);
    });
    const session = { context, page };
    sessions.push(session);
    return session;
  };

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    errors = [];
    sessions = [];
    await open();
  });
  afterEach(async () => {
    await Promise.all(sessions.map((s) => s.context.close()));
    if (errors.length) throw new Error(`uncaught errors in the page:\n${errors.join('\n')}`);
  });

  return {
    get page() {
      const first = sessions[0];
      if (!first) throw new Error('no page: use the harness inside a test');
      return first.page;
    },
    newSession: open,
  };
}

/** Full-page screenshot to artifacts/screenshots/<name>.png; returns the path. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Wait until a locator matches exactly `n` elements (playwright-core has no web-first `expect`). */
export async function waitForCount(locator: Locator, n: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let count = await locator.count();
  while (count !== n) {
    if (Date.now() > deadline)
      throw new Error(`expected ${n} elements for ${locator}, found ${count} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
    count = await locator.count();
  }
}

/** Log in through the login page and wait for the main navigation. */
export async function loginUi(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/#/login');
  await page.getByLabel('Nome utente').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.getByRole('navigation', { name: 'Navigazione principale' }).waitFor();
}

/** Opens the upload page (Caricamento) through the main navigation. */
export async function openUpload(page: Page): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Navigazione principale' })
    .getByRole('link', { name: 'Caricamento' })
    .click();
  await page.waitForURL(/#\/caricamento/);
}

/** The main navigation's link names, in order. */
export async function navLinks(page: Page): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: 'Navigazione principale' });
  return (await nav.getByRole('link').allInnerTexts()).map((t) => t.trim());
}
