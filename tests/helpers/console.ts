import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestStack } from './stack.js';

/** The test API's origin as the browser reaches it. */
export const consoleOrigin = (stack: TestStack) => stack.api.url.replace('//127.0.0.1:', '//localhost:');

/**
 * A fresh browser context (its own cookies) on the console. What the page logs as an error (a
 * refused script or style under the CSP, an uncaught exception) is collected in `problems`;
 * expected answers the console handles (4xx) are not.
 */
export async function openConsole(browser: Browser, stack: TestStack, path = '/console/') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
  });
  // localhost, not 127.0.0.1: a potentially trustworthy origin by name, where Chromium keeps the session's
  // Secure cookie over plain HTTP (the test stack's PUBLIC_BASE_URL is https, so the cookie is Secure).
  await page.goto(`${consoleOrigin(stack)}${path}`);
  return { page, problems, close: () => context.close() };
}

/** Signs in through the form and waits for the work queue. */
export async function signInAs(
  page: Page,
  person: { email: string; password: string },
  heading = 'Work queue',
): Promise<void> {
  const form = page.locator('form', { has: page.locator('input[type=password]') });
  await form.waitFor({ timeout: 10_000 }).catch(async () => {
    const body = (await page.locator('body').innerHTML()).slice(0, 600);
    throw new Error(`no sign-in form; the page is: ${body}`);
  });
  await page.getByLabel(/e-mail|adresse e-mail|e-mailadres/i).fill(person.email);
  await page.getByLabel(/password|mot de passe|wachtwoord/i).fill(person.password);
  await page.getByRole('button', { name: /sign in|se connecter|aanmelden/i }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page (evaluated through the DevTools protocol: the page's CSP stays on): no serious or critical violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: any[] }> } }).axe;
    const result = await axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations, `axe on ${what}`).toEqual([]);
}

/**
 * docs/screenshots/ (the README's Console section) with UPDATE_SCREENSHOTS=1; otherwise a folder under the
 * system's temp dir, so that a test run does not leave changed pictures in the work tree (the pages show dates).
 */
const screenshotDir = process.env.UPDATE_SCREENSHOTS
  ? join(process.cwd(), 'docs', 'screenshots')
  : join(tmpdir(), 'bankfeed-screenshots');

/** A full-page screenshot of every page the browser tests see (see screenshotDir). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
