import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchChromium } from '../helpers/browser.js';
import { newClientAccount, orderCaro } from '../helpers/cases.js';
import { consoleOrigin, expectAccessible, openConsole, screenshot, signInAs } from '../helpers/console.js';
import { createPerson } from '../helpers/session.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';

// An accountant's mandate, from the search to active, in Debian's Chromium against the real API,
// worker and Temporal; the provider's reports come through the sandbox while the page stays open.
const TEMPORAL_UI = 'http://temporal-ui.test';
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let browser: Browser;
let officeId: string;
let otherMandateId: string;
let accountant: { email: string; password: string };
let operator: { email: string; password: string };
let page: Page;
let problems: string[];
let closePage: () => Promise<void>;
let mandateId: string;
let lambert: { clientId: string; accountId: string };

const office = async (name: string) =>
  (await stack.http('POST', '/v1/offices', { name, language: 'en', contactEmail: 'office@example.be' })).body
    .id as string;
const sandbox = async (provider: string, type: string, data: Record<string, unknown>) => {
  const res = await stack.http('POST', `/v1/sandbox/webhooks/${provider}`, { type, data });
  expect(res.body.webhook.status, JSON.stringify(res.body)).toBe(202);
};
const timelineText = () => page.locator('ol.timeline').innerText();

beforeAll(async () => {
  if (browserSkipReason) return;
  [temporal, browser] = await Promise.all([createTimeSkippingEnv(), launchChromium()]);
  stack = await startTestStack(temporal, { temporalUiUrl: TEMPORAL_UI });
  officeId = await office('Fiduciaire Lambert');
  const otherOffice = await office('Boekhouding Peeters');
  lambert = await newClientAccount(stack, {
    officeId,
    companyName: 'Boulangerie Lambert',
    email: 'compta@lambert.be',
    codePrefix: 'LAM',
    iban: 'BE68539007547034',
  });
  // Another office's mandate, in problem: on the operator's work queue, not the accountant's to see.
  const other = await newClientAccount(stack, {
    officeId: otherOffice,
    companyName: 'Garage Peeters',
    email: 'info@peeters.be',
    codePrefix: 'PEE',
  });
  const ordered = await stack.http('POST', '/v1/mandates', {
    bankAccountIds: [other.accountId],
    managementMode: 'service',
  });
  otherMandateId = ordered.body.data[0].mandate.id;
  // The other journeys, for the work queue and the counts: a CARO order, a consent expiring in 10 days.
  await orderCaro(stack, {
    clientId: lambert.clientId,
    accountId: lambert.accountId,
    cardholderEmail: 'card@lambert.be',
  });
  const connection = await stack.http('POST', '/v1/connections', {
    officeId: otherOffice,
    clientId: other.clientId,
    provider: 'ponto',
    ownerEmail: 'owner@peeters.be',
    ownerLanguage: 'nl',
    ibans: ['BE35310123456737'],
    validUntil: new Date(Date.now() + 10 * 86_400_000).toISOString(),
  });
  expect(connection.status, JSON.stringify(connection.body)).toBe(202);
  accountant = await createPerson(stack, { role: 'accountant', name: 'Anna Lambert', language: 'en', officeId });
  operator = await createPerson(stack, { role: 'operator', name: 'Otto Operator', language: 'en' });
  ({ page, problems, close: closePage } = await openConsole(browser, stack));
  await signInAs(page, accountant).catch((e: Error) => {
    throw new Error(`${e.message} ${JSON.stringify(problems)}`);
  });
});
afterAll(async () => {
  await closePage?.();
  await browser?.close();
  await stack?.stop();
  await temporal?.teardown();
});

describe.skipIf(browserSkipReason)('an accountant’s mandate in the console', () => {
  it('finds the client by an IBAN typed with spaces, orders a mandate in service mode, sees the invitation in the timeline', async () => {
    await page.getByRole('searchbox', { name: /IBAN/ }).first().fill('be68 5390 0754 7034');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Search' }).waitFor();
    const found = page.getByRole('link', { name: 'Boulangerie Lambert', exact: true });
    await found.waitFor();
    await expectAccessible(page, 'the search page');
    await screenshot(page, 'search');

    await found.click();
    await page.getByRole('heading', { level: 1, name: 'Boulangerie Lambert' }).waitFor();
    await page.getByText('BE68539007547034').waitFor();
    await expectAccessible(page, 'the client page');
    await screenshot(page, 'client');

    await page.getByRole('link', { name: 'Order mandates' }).click();
    await page.getByRole('heading', { level: 1, name: 'Order mandates for Boulangerie Lambert' }).waitFor();
    await page.getByRole('checkbox', { name: /BE68539007547034/ }).check();
    await page.getByRole('radio', { name: 'The service e-mails it to the client' }).check();
    await expectAccessible(page, 'the mandate order form');
    await page.getByRole('button', { name: 'Order' }).click();
    await page.getByText('Ordered: 1 mandates.').waitFor();
    await screenshot(page, 'order-mandate');

    await page.getByRole('link', { name: 'BE68539007547034' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mandate of Boulangerie Lambert' }).waitFor();
    mandateId = new URL(page.url()).pathname.split('/').at(-1)!;
    await expect.poll(timelineText, { timeout: 20_000 }).toContain('Signing invitation to the client');
    await expect.poll(timelineText, { timeout: 10_000 }).toMatch(/Status: In preparation → Sent to the client/);
    await expect.poll(() => page.locator('.lead').innerText(), { timeout: 10_000 }).toContain('Sent to the client');
    // The accountant's actions in this state; no Temporal link for an accountant.
    await page.getByRole('button', { name: 'Resend' }).waitFor();
    expect(await page.getByRole('link', { name: /Temporal Web UI/ }).count()).toBe(0);
    await expectAccessible(page, 'the case page');
  });

  it('walks it to active with the sandbox: each step appears without reloading the page', async () => {
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations.push(frame.url()));
    await page.evaluate(() => Object.assign(globalThis, { consoleMarker: 'still the same document' }));

    await sandbox('esign', 'mandate.signed', { mandateId });
    await expect.poll(timelineText, { timeout: 20_000 }).toMatch(/Processed by the bank/);
    await expect.poll(() => page.locator('.lead').innerText(), { timeout: 10_000 }).toContain('Processed by the bank');

    await sandbox('banklink', 'bank.mandate_accepted', { mandateId });
    await expect.poll(timelineText, { timeout: 20_000 }).toMatch(/→ Active/);
    await expect.poll(() => page.locator('.lead').innerText(), { timeout: 10_000 }).toContain('Active');
    // The actions follow the state: nothing left to resend once active.
    await expect.poll(() => page.getByRole('button', { name: 'Resend' }).count(), { timeout: 10_000 }).toBe(0);

    expect(navigations).toEqual([]);
    expect(await page.evaluate(() => (globalThis as { consoleMarker?: string }).consoleMarker)).toBe(
      'still the same document',
    );
    await screenshot(page, 'case-mandate');
  });

  it('an action asks for a confirmation and shows the API’s refusal in words', async () => {
    const ordered = await stack.http('POST', '/v1/mandates', {
      bankAccountIds: [
        (
          await newClientAccount(stack, {
            officeId,
            companyName: 'Atelier Mertens',
            email: 'a@mertens.be',
            codePrefix: 'MER',
          })
        ).accountId,
      ],
      managementMode: 'office',
    });
    const id = ordered.body.data[0].mandate.id as string;
    await page.goto(`${consoleOrigin(stack)}/console/cases/mandate/${id}`);
    await expect.poll(() => page.locator('.lead').innerText(), { timeout: 20_000 }).toContain('Available online');
    await page.getByRole('button', { name: 'Archive' }).click();
    const dialog = page.getByRole('dialog', { name: 'Archive' });
    await dialog.waitFor();
    await dialog.getByLabel('Reason').fill('client left the office');
    await expectAccessible(page, 'a confirmation');
    await screenshot(page, 'case-confirm');
    // Archived meanwhile by someone else: the second archive is refused, in words.
    expect((await stack.http('POST', `/v1/mandates/${id}/archive`, { reason: 'elsewhere' })).status).toBe(202);
    await dialog.getByRole('button', { name: 'Yes, go ahead' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').innerText())
      .toBe('The case’s state does not allow this any more.');
    await dialog.getByRole('button', { name: 'No, go back' }).click();
    await expect.poll(() => page.locator('.lead').innerText(), { timeout: 10_000 }).toContain('Archived');
  });

  it('orders a CARO card activation with the pre-order warning to copy; the invitation shows in its timeline', async () => {
    await page.goto(`${consoleOrigin(stack)}/console/clients/${lambert.clientId}`);
    await page.getByRole('link', { name: 'Order CARO cards' }).click();
    await page
      .getByRole('heading', { level: 1, name: /^Order a CARO card activation for Boulangerie Lambert$/ })
      .waitFor();
    await page.getByLabel('Bank account of the card').selectOption({ label: 'BE68539007547034 (Unknown bank)' });
    await page.getByLabel('Card client reference (printed on the statement)').fill('CARD-LAM-7');
    await page.getByLabel('Cardholder e-mail address').fill('jean@lambert.be');
    await page.getByLabel('Cardholder language').selectOption('fr');
    const warning = page.getByRole('textbox', { name: /Warn the cardholder first/ });
    await expect.poll(async () => (await warning.inputValue()).length, { timeout: 10_000 }).toBeGreaterThan(50);
    await expectAccessible(page, 'the CARO order form');
    await page.getByRole('button', { name: 'Order' }).click();
    await page.getByText('Ordered.').waitFor();
    await screenshot(page, 'order-caro');
    await page.getByRole('link', { name: 'CARD-LAM-7' }).click();
    await page.getByRole('heading', { level: 1, name: 'CARO card of Boulangerie Lambert' }).waitFor();
    await expect.poll(timelineText, { timeout: 20_000 }).toContain('Activation invitation to the cardholder');
    await expect.poll(() => page.locator('.lead').innerText(), { timeout: 10_000 }).toContain('Invitation sent');
    await page.getByRole('button', { name: 'Copy the activation link' }).waitFor();
    await expectAccessible(page, 'a CARO case page');
  });

  it('a client edit shows the unsigned mandates it presents again before saving; their timelines show it after', async () => {
    const client = await stack.http('POST', '/v1/clients', {
      officeId,
      companyName: 'Imprimerie Dubois',
      clientCode: 'DUB-1',
      email: 'compta@dubois.be',
      language: 'fr',
    });
    // One after the other: the notice lists the mandates in the order of their accounts.
    const accounts: string[] = [];
    for (const iban of ['BE53 0689 9999 5053', 'BE24 3101 2345 6838'])
      accounts.push((await stack.http('POST', `/v1/clients/${client.body.id}/bank-accounts`, { iban })).body.id);
    const ordered = await stack.http('POST', '/v1/mandates', { bankAccountIds: accounts, managementMode: 'office' });
    const ids = ordered.body.data.map((d: { mandate: { id: string } }) => d.mandate.id) as string[];
    for (const id of ids)
      await expect
        .poll(async () => (await stack.http('GET', `/v1/mandates/${id}`)).body.status, { timeout: 20_000 })
        .toBe('available_online');

    await page.goto(`${consoleOrigin(stack)}/console/clients/${client.body.id}`);
    await page.getByRole('heading', { level: 1, name: 'Imprimerie Dubois' }).waitFor();
    // No enterprise number yet: the company name is locked, and says why.
    const companyName = page.getByLabel('Company name');
    expect(await companyName.getAttribute('readonly')).not.toBeNull();
    expect(await companyName.getAttribute('aria-describedby')).toBe('name-locked');
    expect(await page.locator('#name-locked').innerText()).toMatch(/Locked while the enterprise number is empty/);
    await page.getByLabel('E-mail address').fill('facturation@dubois.be');
    const notice = page.locator('.notice');
    await expect.poll(() => notice.innerText(), { timeout: 10_000 }).toMatch(/presents these unsigned mandates again/);
    expect(await notice.innerText()).toMatch(
      /BE53068999995053\s+Available online[\s\S]*BE24310123456838\s+Available online/,
    );
    await expectAccessible(page, 'the client edit before saving');
    await screenshot(page, 'client-edit');
    await page.getByRole('button', { name: 'Save' }).click();
    const done = page.locator('.done');
    await expect
      .poll(() => done.innerText(), { timeout: 10_000 })
      .toMatch(/Mandates presented again with the new data/);
    expect(await done.innerText()).not.toContain('could not be presented again');

    for (const [index, id] of ids.entries()) {
      if (index === 0) await done.getByRole('link').first().click();
      else await page.goto(`${consoleOrigin(stack)}/console/cases/mandate/${id}`);
      await page.getByRole('heading', { level: 1, name: 'Mandate of Imprimerie Dubois' }).waitFor();
      await expect
        .poll(timelineText, { timeout: 20_000 })
        .toMatch(/Available online → In preparation by Anna Lambert[\s\S]*In preparation → Available online/);
    }
  });

  it('another office’s case is a not-found page for the accountant', async () => {
    await page.goto(`${consoleOrigin(stack)}/console/cases/mandate/${otherMandateId}`);
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    expect(await page.getByText('Garage Peeters').count()).toBe(0);
    await expectAccessible(page, 'the not-found page');
    expect(problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
  });

  it('an operator sees every office’s work queue and the case’s workflow in the Temporal Web UI', async () => {
    await sandbox('esign', 'mandate.signature_rejected', { mandateId: otherMandateId });
    const other = await openConsole(browser, stack);
    await signInAs(other.page, operator);
    await other.page.getByRole('link', { name: 'Mandate of Garage Peeters' }).waitFor({ timeout: 20_000 });
    // The counts per journey and status, every office's: the active mandate, the archived one, the problem.
    const counts = other.page.locator('.journeys');
    await expect
      .poll(() => counts.innerText(), { timeout: 10_000 })
      .toMatch(
        /Mandate\s+Active\s+1[\s\S]*Archived\s+1[\s\S]*Problem\s+1[\s\S]*CARO card\s+Invitation sent\s+2[\s\S]*PSD2 consent/,
      );
    await other.page.getByText('Consent expiring').waitFor({ timeout: 10_000 });
    await expectAccessible(other.page, 'the operator’s work queue');
    await screenshot(other.page, 'dashboard');
    await other.page.getByRole('link', { name: 'Mandate of Garage Peeters' }).click();
    const link = other.page.getByRole('link', { name: 'Open its workflow in the Temporal Web UI' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(
      `${TEMPORAL_UI}/namespaces/default/workflows/${encodeURIComponent(`mandate:${otherMandateId}`)}`,
    );
    await expect
      .poll(() => other.page.locator('ol.timeline').innerText(), { timeout: 10_000 })
      .toMatch(/Signature rejected/);
    await screenshot(other.page, 'case-operator');
    expect(other.problems).toEqual([]);
    await other.close();
  });
});
