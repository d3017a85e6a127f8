import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchChromium } from '../helpers/browser.js';
import { expectAccessible, openConsole, screenshot, signInAs } from '../helpers/console.js';
import { createPerson } from '../helpers/session.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';

// Signing in and out of the console in Debian's Chromium, against the real API (tests/helpers/stack.ts).
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let browser: Browser;
let officeId: string;

beforeAll(async () => {
  if (browserSkipReason) return;
  [temporal, browser] = await Promise.all([createTimeSkippingEnv(), launchChromium()]);
  stack = await startTestStack(temporal);
  officeId = (
    await stack.http('POST', '/v1/offices', {
      name: 'Fiduciaire Console',
      language: 'fr',
      contactEmail: 'o@example.be',
    })
  ).body.id;
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await temporal?.teardown();
});

describe.skipIf(browserSkipReason)('signing in to the console', () => {
  it('each role signs in, sees the work queue in their language under their own name, and signs out', async () => {
    const people = [
      { role: 'operator', name: 'Olivia Operator', language: 'en', heading: 'Work queue', signedIn: 'Signed in as' },
      { role: 'support', name: 'Sam Support', language: 'nl', heading: 'Werklijst', signedIn: 'Aangemeld' },
      { role: 'accountant', name: 'Anne Comptable', language: 'fr', heading: 'À traiter', signedIn: 'Connecté' },
    ] as const;
    for (const p of people) {
      const person = await createPerson(stack, {
        role: p.role,
        name: p.name,
        language: p.language,
        ...(p.role === 'accountant' ? { officeId } : {}),
      });
      const { page, problems, close } = await openConsole(browser, stack);
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await signInAs(page, person, p.heading);
      await expect.poll(() => page.locator('header').innerText(), { timeout: 10_000 }).toContain(`${p.signedIn}`);
      expect(await page.locator('header').innerText()).toContain(p.name);
      expect(await page.locator('html').getAttribute('lang')).toBe(p.language);
      if (p.role === 'operator') await expectAccessible(page, 'the work queue');
      await page.getByRole('button', { name: /sign out|afmelden|se déconnecter/i }).click();
      await page.getByRole('heading', { level: 1, name: /sign in|aanmelden|connexion/i }).waitFor();
      // The session is closed on the server, not only forgotten by the page.
      expect(await page.evaluate(async () => (await fetch('/v1/session')).status)).toBe(401);
      expect(problems).toEqual([]);
      await close();
    }
  });

  it('a wrong password is refused in words; repeated ones are throttled', async () => {
    const person = await createPerson(stack, { role: 'accountant', name: 'Tom Typo', language: 'en', officeId });
    const { page, problems, close } = await openConsole(browser, stack);
    await page.getByLabel('E-mail address').fill(person.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText(), { timeout: 10_000 }).toBe('Wrong e-mail address or password.');
    await expectAccessible(page, 'the sign-in page with its error');
    await screenshot(page, 'sign-in');
    let attempts = 1;
    while (!/Too many attempts/.test(await alert.innerText()) && attempts < 10) {
      await page.getByRole('button', { name: 'Sign in' }).click();
      attempts += 1;
      await page.getByRole('button', { name: 'Sign in' }).waitFor({ state: 'visible' });
      await expect
        .poll(() => page.getByRole('button', { name: 'Sign in' }).isEnabled(), { timeout: 10_000 })
        .toBe(true);
    }
    expect(await alert.innerText()).toMatch(/^Too many attempts: try again in \d+ seconds\.$/);
    expect(attempts).toBeLessThanOrEqual(6);
    // Throttled means refused even with the right password, until the window ends.
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => alert.innerText(), { timeout: 10_000 }).toMatch(/^Too many attempts/);
    expect(problems.filter((p) => !/status of 429/.test(p))).toEqual([]);
    await close();
  });

  it('a state-changing request with the session cookie but without the CSRF token is refused', async () => {
    const person = await createPerson(stack, { role: 'operator', name: 'Carl Csrf', language: 'en' });
    const { page, close } = await openConsole(browser, stack);
    await signInAs(page, person);
    const answers = await page.evaluate(async () => {
      const post = (headers: Record<string, string>) =>
        fetch('/v1/offices', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ name: 'Forged', language: 'fr', contactEmail: 'forged@example.be' }),
        }).then(async (res) => ({ status: res.status, code: ((await res.json()) as { code?: string }).code }));
      const { csrfToken } = (await (await fetch('/v1/session')).json()) as { csrfToken: string };
      return {
        without: await post({}),
        wrong: await post({ 'x-csrf-token': 'x' }),
        with: await post({ 'x-csrf-token': csrfToken }),
      };
    });
    expect(answers.without).toEqual({ status: 403, code: 'csrf_token_invalid' });
    expect(answers.wrong).toEqual({ status: 403, code: 'csrf_token_invalid' });
    expect(answers.with.status).toBe(201);
    await close();
  });
});
