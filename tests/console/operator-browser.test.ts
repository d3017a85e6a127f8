import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchChromium } from '../helpers/browser.js';
import { newClientAccount } from '../helpers/cases.js';
import { expectAccessible, openConsole, screenshot, signInAs } from '../helpers/console.js';
import { createPerson } from '../helpers/session.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// The operators' pages (offices, accounts, API keys, outbox) in Debian's Chromium against the real API,
// worker and Temporal: an operator's page stays open across the tests; other people get their own context.
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let browser: Browser;
let page: Page;
let problems: string[];
let closePage: () => Promise<void>;
let invitationId: string;

const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

beforeAll(async () => {
  if (browserSkipReason) return;
  [temporal, browser] = await Promise.all([createTimeSkippingEnv(), launchChromium()]);
  stack = await startTestStack(temporal);
  // A mandate ordered in service mode: its signing invitation lands in the development outbox.
  const officeId = (
    await stack.http('POST', '/v1/offices', { name: 'Fiduciaire Dubois', language: 'fr', contactEmail: 'o@dubois.be' })
  ).body.id as string;
  const client = await newClientAccount(stack, {
    officeId,
    companyName: 'Menuiserie Dubois',
    email: 'compta@menuiserie-dubois.be',
    codePrefix: 'DUB',
  });
  const ordered = await stack.http('POST', '/v1/mandates', {
    bankAccountIds: [client.accountId],
    managementMode: 'service',
  });
  const mandateId = ordered.body.data[0].mandate.id as string;
  invitationId = await waitFor(async () => {
    const outbox = await stack.http('GET', `/v1/outbox?caseId=${mandateId}`);
    return (outbox.body.data as { id: string; template: string }[]).find((m) => m.template === 'mandate.invitation')
      ?.id;
  }, 'the mandate invitation in the outbox');
  const operator = await createPerson(stack, { role: 'operator', name: 'Oscar Operator', language: 'en' });
  ({ page, problems, close: closePage } = await openConsole(browser, stack));
  await signInAs(page, operator);
});
afterAll(async () => {
  await closePage?.();
  await browser?.close();
  await stack?.stop();
  await temporal?.teardown();
});

describe.skipIf(browserSkipReason)('the operators’ pages', () => {
  it('creates an office and an accountant for it, who signs in and does not get the operators’ pages', async () => {
    await nav('Offices').click();
    await heading('Offices');
    const officeForm = page.locator('form[aria-labelledby=office-new]');
    await officeForm.getByLabel('Name').fill('Fiduciaire Nouvelle');
    await officeForm.getByLabel('Language').selectOption('en');
    await officeForm.getByLabel('Contact e-mail address').fill('contact@nouvelle.be');
    await officeForm.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('status').getByText('Office created: Fiduciaire Nouvelle.').waitFor();
    await page.getByRole('cell', { name: 'Fiduciaire Dubois' }).waitFor();
    await expectAccessible(page, 'the offices page');
    await page.getByRole('status').getByRole('link', { name: 'Fiduciaire Nouvelle' }).click();
    await heading('Fiduciaire Nouvelle');
    expect(await page.locator('dl.facts').innerText()).toContain('contact@nouvelle.be');
    await page.getByText('No client.').waitFor();
    await page.getByText('No webhook endpoint.').waitFor();
    await expectAccessible(page, 'an office');

    await nav('Accounts').click();
    await heading('Accounts');
    const form = page.locator('form[aria-labelledby=account-new]');
    await form.getByLabel('Name').fill('Nora Nouvelle');
    await form.getByLabel('E-mail address').fill('nora@nouvelle.be');
    await form.getByLabel('Role').selectOption('accountant');
    await form.getByLabel(/^Office/).selectOption({ label: 'Fiduciaire Nouvelle' });
    await form.getByLabel('Language').selectOption('en');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Account created for Nora Nouvelle.').waitFor();
    expect(await page.getByText(/shown only once/).count()).toBe(1);
    const generated = await page.locator('[data-secret]').innerText();
    expect(generated.length).toBeGreaterThanOrEqual(12);
    const row = page.getByRole('row', { name: /Nora Nouvelle/ });
    await expect.poll(() => row.innerText()).toMatch(/nora@nouvelle\.be\s+accountant\s+Fiduciaire Nouvelle\s+enabled/);
    await expectAccessible(page, 'the accounts page');
    await screenshot(page, 'accounts');

    // A new password, set by the operator after a confirmation; the generated one no longer opens.
    await row.getByRole('button', { name: 'Reset the password of Nora Nouvelle' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('New password (at least 12 characters)').fill('short');
    await dialog.getByRole('button', { name: 'Yes, go ahead' }).click();
    await dialog
      .getByRole('alert')
      .getByText(/password: must be at least 12 characters/)
      .waitFor();
    await dialog.getByLabel('New password (at least 12 characters)').fill('a brand new passphrase');
    await dialog.getByRole('button', { name: 'Yes, go ahead' }).click();
    await page.getByRole('status').getByText('Done: Reset the password of Nora Nouvelle.').waitFor();

    const nora = await openConsole(browser, stack);
    await signInAs(nora.page, { email: 'nora@nouvelle.be', password: 'a brand new passphrase' });
    expect(await nora.page.getByRole('navigation', { name: 'Main' }).innerText()).not.toMatch(/Outbox|Accounts/);
    await nora.page.goto(`${new URL(nora.page.url()).origin}/console/outbox`);
    await nora.page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    // The API answers the same: not for accountants.
    expect(await nora.page.evaluate(async () => (await fetch('/v1/outbox')).status)).toBe(403);

    // Disabled by the operator (after a confirmation), Nora's open session ends; her own row has no such button.
    expect(
      await page
        .getByRole('row', { name: /Oscar Operator/ })
        .getByRole('button', { name: /^Disable/ })
        .count(),
    ).toBe(0);
    await row.getByRole('button', { name: 'Disable Nora Nouvelle' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Yes, go ahead' }).click();
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/disabled on/);
    await row.getByRole('button', { name: 'Enable Nora Nouvelle' }).waitFor();
    expect(await nora.page.evaluate(async () => (await fetch('/v1/session')).status)).toBe(401);
    expect(nora.problems.filter((p) => !/status of 40[13]/.test(p))).toEqual([]);
    await nora.close();
    expect(problems).toEqual([]);
  });

  it('creates an API key, shows its secret once, and revokes it: the key then gets 401', async () => {
    await nav('API keys').click();
    await heading('API keys');
    const form = page.locator('form[aria-labelledby=key-new]');
    await form.getByLabel('Name').fill('Ledger sync');
    await form.getByLabel('Role').selectOption('support');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByText(/Copy this key now: it is shown only once/).waitFor();
    const key = await page.locator('[data-secret]').innerText();
    expect((await stack.http('GET', '/v1/offices', undefined, { key })).status).toBe(200);
    const row = page.getByRole('row', { name: /Ledger sync/ });
    await expect.poll(() => row.innerText()).toMatch(/support/);
    await expectAccessible(page, 'the API keys page with a new key');

    await row.getByRole('button', { name: 'Revoke the key Ledger sync' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Yes, go ahead' }).click();
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/revoked on/);
    expect((await stack.http('GET', '/v1/offices', undefined, { key })).status).toBe(401);
    // Once means once: the page opened again does not have it.
    await page.reload();
    await heading('API keys');
    await row.waitFor();
    expect(await page.locator('[data-secret]').count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    expect(problems).toEqual([]);
  });

  it('lists the outbox and shows an e-mail as its recipient sees it, in a sandboxed frame', async () => {
    await nav('Outbox').click();
    await heading('Outbox');
    const link = page.locator(`a[href="/console/outbox/${invitationId}"]`);
    await link.waitFor();
    await page.getByLabel('Status').selectOption('rejected');
    await page.getByText('No e-mail.').waitFor();
    expect(new URL(page.url()).search).toBe('?status=rejected');
    await page.getByLabel('Status').selectOption('');
    await link.waitFor();
    await expectAccessible(page, 'the outbox');

    await link.click();
    await heading(/^E-mail: /);
    const facts = await page.locator('dl.facts').innerText();
    expect(facts).toContain('compta@menuiserie-dubois.be');
    expect(facts).toContain('no-reply@bankfeed.example');
    expect(facts).toContain('Signing invitation to the client');
    const frame = page.locator('iframe.email');
    expect(await frame.getAttribute('sandbox')).toBe('');
    const body = page.frameLocator('iframe.email').locator('body');
    await expect.poll(() => body.innerText(), { timeout: 10_000 }).toContain('Menuiserie Dubois');
    // The e-mail's inline styles apply under the console's CSP (by hash): the preview line stays hidden.
    const preview = page.frameLocator('iframe.email').locator('body > div').first();
    expect(await preview.isVisible()).toBe(false);
    expect(await page.locator('pre.email-text').innerText()).toContain('Menuiserie Dubois');
    await expectAccessible(page, 'an outbox message');
    await screenshot(page, 'outbox-message');
    expect(problems).toEqual([]);
  });
});
