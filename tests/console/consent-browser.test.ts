import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchChromium } from '../helpers/browser.js';
import { orderCaro } from '../helpers/cases.js';
import { consoleOrigin, expectAccessible, openConsole, screenshot, signInAs } from '../helpers/console.js';
import { createPerson } from '../helpers/session.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';

// An accountant starts from an empty office in the console: a client, its account, a bank connection, the
// consent case's actions; the client list's "missing e-mail" filter; a failed CARO activation's guidance; a
// mandate's PDF and signing link. Real API, worker, Temporal and Chromium; providers through the sandbox.
const DAY = 86_400_000;
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let browser: Browser;
let officeId: string;
let page: Page;
let problems: string[];
let closePage: () => Promise<void>;
let clientId: string;
let connectionId: string;
let operatorLogin: { email: string; password: string };

const main = () => page.locator('main');
const timelineText = () => page.locator('ol.timeline').innerText();
const lead = () => page.locator('.lead').innerText();
const aggregator = async (status: string) => {
  const res = await stack.http('POST', '/v1/sandbox/webhooks/aggregator', {
    type: 'connection.status_changed',
    data: { connectionId, status },
  });
  expect(res.body.webhook.status, JSON.stringify(res.body)).toBe(202);
};
/** Takes a case action through its confirmation; resolves once the dialog closed (the API said yes). */
const act = async (name: string, fill?: (dialog: Locator) => Promise<void>, on = page) => {
  await on.getByRole('button', { name, exact: true }).click({ timeout: 20_000 });
  const dialog = on.getByRole('dialog', { name });
  await dialog.waitFor();
  await fill?.(dialog);
  await dialog.getByRole('button', { name: 'Yes, go ahead' }).click();
  return dialog;
};
/** `datetime-local`'s value for an instant `days` from now (the browser's time zone). */
const localInput = (days: number) =>
  page.evaluate(
    (ms) => {
      const d = new Date(ms);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    },
    Date.now() + days * DAY,
  );

beforeAll(async () => {
  if (browserSkipReason) return;
  [temporal, browser] = await Promise.all([createTimeSkippingEnv(), launchChromium()]);
  stack = await startTestStack(temporal);
  officeId = (
    await stack.http('POST', '/v1/offices', {
      name: 'Fiduciaire Janssens',
      language: 'en',
      contactEmail: 'office@janssens.be',
    })
  ).body.id as string;
  const accountant = await createPerson(stack, { role: 'accountant', name: 'Jan Janssens', language: 'en', officeId });
  operatorLogin = await createPerson(stack, { role: 'operator', name: 'Otto Operator', language: 'en' });
  ({ page, problems, close: closePage } = await openConsole(browser, stack));
  await signInAs(page, accountant);
});
afterAll(async () => {
  await closePage?.();
  await browser?.close();
  await stack?.stop();
  await temporal?.teardown();
});

describe.skipIf(browserSkipReason)('the three journeys from an empty office, in the console', () => {
  it('creates a client from the empty client list, adds its account and a bank connection, lands on the case', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    await page.getByText('No client yet: create the first one.').waitFor();
    await page.getByRole('link', { name: 'New client' }).click();
    await page.getByRole('heading', { level: 1, name: 'New client' }).waitFor();
    // An accountant's client goes to their own office: no office to choose.
    expect(await main().getByLabel('Office').count()).toBe(0);
    await main().getByLabel('Company name').fill('Brasserie Janssens');
    await main().getByLabel('Client code').fill('JAN-1');
    await main().getByLabel('E-mail address').fill('compta@janssens.be');
    await main().getByLabel('Language').selectOption('nl');
    await expectAccessible(page, 'the new client form');
    await page.getByRole('button', { name: 'Create the client' }).click();
    await page.getByRole('heading', { level: 1, name: 'Brasserie Janssens' }).waitFor();
    clientId = new URL(page.url()).pathname.split('/').at(-1)!;

    // A wrong IBAN is refused with the field named; a right one (any spacing) is listed.
    const iban = main().getByLabel('IBAN', { exact: true });
    await iban.fill('BE68 5390 0754 7035');
    await page.getByRole('button', { name: 'Add the account' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/iban: must be a valid IBAN/);
    await iban.fill('BE68 5390 0754 7034');
    await page.getByRole('button', { name: 'Add the account' }).click();
    await page.getByText('Account added: BE68539007547034').waitFor();
    await page.locator('ul.plain').getByText('BE68539007547034').waitFor();
    await expectAccessible(page, 'the client page with its account form');

    await page.getByRole('link', { name: 'Add a bank connection' }).click();
    await page.getByRole('heading', { level: 1, name: 'Add a bank connection for Brasserie Janssens' }).waitFor();
    // The owner is the client until told otherwise.
    expect(
      await main()
        .getByLabel(/E-mail address of the consent’s owner/)
        .inputValue(),
    ).toBe('compta@janssens.be');
    expect(await main().getByLabel('Owner’s language').inputValue()).toBe('nl');
    await page.getByRole('checkbox', { name: /BE68539007547034/ }).check();
    await main()
      .getByLabel('Consent valid until')
      .fill(await localInput(10));
    await expectAccessible(page, 'the bank connection form');
    await page.getByRole('button', { name: 'Add the connection' }).click();
    await page.getByRole('heading', { level: 1, name: 'PSD2 consent of Brasserie Janssens' }).waitFor();
    connectionId = new URL(page.url()).pathname.split('/').at(-1)!;
    expect(connectionId).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(lead, { timeout: 20_000 }).toContain('Connected');
    await expect.poll(() => page.locator('.facts').innerText()).toContain('BE68539007547034');
  });

  it('takes each consent action; each shows in the timeline without a reload, a refusal in words', async () => {
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations.push(frame.url()));

    await act('Remind now');
    await expect.poll(timelineText, { timeout: 20_000 }).toMatch(/Reminder sent now by Jan Janssens/);
    await page.getByText(/Reminder 1 on/).waitFor({ timeout: 10_000 });
    // A second one the same day is refused (429), with when the next can go.
    const again = await act('Remind now');
    await expect
      .poll(() => again.getByRole('alert').innerText())
      .toMatch(/A reminder went out less than a day ago: the next one can go from .*\d/);
    await again.getByRole('button', { name: 'No, go back' }).click();

    // A renewal is the operator's to record (the accountant is not offered it): the accountant's page shows it.
    expect(await page.getByRole('button', { name: 'Record a renewal' }).count()).toBe(0);
    const operator = await openConsole(browser, stack, `/console/cases/consent/${connectionId}`);
    await signInAs(operator.page, operatorLogin, 'PSD2 consent of Brasserie Janssens');
    const renewal = await act(
      'Record a renewal',
      async (dialog) => dialog.getByLabel('Valid until').fill(await localInput(90)),
      operator.page,
    );
    await renewal.waitFor({ state: 'hidden' });
    // An operator's new client names its office.
    await operator.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await operator.page.getByRole('link', { name: 'New client' }).click();
    const office = operator.page.locator('main').getByLabel('Office');
    await expect.poll(() => office.locator('option').allInnerTexts()).toEqual(['—', 'Fiduciaire Janssens']);
    expect(operator.problems).toEqual([]);
    await operator.close();
    await expect.poll(timelineText, { timeout: 20_000 }).toMatch(/Renewal recorded by Otto Operator/);
    await expect.poll(lead, { timeout: 20_000 }).toContain('Connected');

    await aggregator('journal_missing');
    await expect.poll(lead, { timeout: 20_000 }).toContain('Ledger journal missing');
    await act('Journal created');
    await expect.poll(timelineText, { timeout: 20_000 }).toMatch(/Journal created by Jan Janssens/);
    await expect.poll(timelineText, { timeout: 20_000 }).toMatch(/Ledger journal missing → Connected/);

    await aggregator('account_not_found');
    await expect.poll(lead, { timeout: 20_000 }).toContain('Account not found');
    await act('Send a new invitation');
    await expect.poll(timelineText, { timeout: 20_000 }).toMatch(/New invitation sent by Jan Janssens/);

    expect(navigations).toEqual([]);
    await expectAccessible(page, 'the consent case page');
    await screenshot(page, 'case-consent');

    // The client's page names the consent case by the IBANs it covers.
    await page.locator('.lead').getByRole('link', { name: 'Brasserie Janssens' }).click();
    await page.getByRole('heading', { level: 1, name: 'Brasserie Janssens' }).waitFor();
    await page.getByRole('link', { name: 'PSD2 consent of Brasserie Janssens: BE68539007547034' }).waitFor();
  });

  it('the client list’s "missing e-mail" filter shows only the clients without an address', async () => {
    const claes = await stack.http('POST', '/v1/clients', {
      officeId,
      companyName: 'Garage Claes',
      clientCode: 'CLA-1',
      enterpriseNumber: '0123.456.749',
      language: 'fr',
    });
    // No connection of its own: the client filter of GET /v1/connections keeps the other client's out.
    expect((await stack.http('GET', `/v1/connections?clientId=${claes.body.id}`)).body.data).toEqual([]);
    expect((await stack.http('GET', `/v1/connections?clientId=${clientId}`)).body.data).toEqual([
      expect.objectContaining({ id: connectionId, clientId }),
    ]);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    const table = page.locator('table');
    await expect.poll(() => table.innerText()).toMatch(/Brasserie Janssens\s+JAN-1\s+—\s+compta@janssens.be/);
    expect(await table.innerText()).toMatch(/Garage Claes\s+CLA-1\s+0123456749\s+missing/);
    await expectAccessible(page, 'the client list');
    await screenshot(page, 'clients');

    await page.getByRole('checkbox', { name: 'Only clients without an e-mail address' }).check();
    await expect.poll(() => page.url()).toContain('missingEmail=true');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    expect(await table.innerText()).toContain('Garage Claes');
    await table.getByRole('link', { name: 'Garage Claes' }).click();
    await page.getByRole('heading', { level: 1, name: 'Garage Claes' }).waitFor();
  });

  it('a failed CARO activation shows what to do about its reason', async () => {
    const accountId = (await stack.http('GET', `/v1/clients/${clientId}/bank-accounts`)).body.data[0].id as string;
    const orderId = await orderCaro(stack, { clientId, accountId, cardholderEmail: 'card@janssens.be' });
    await expect
      .poll(async () => (await stack.http('GET', `/v1/caro-orders/${orderId}`)).body.status, { timeout: 20_000 })
      .toBe('invitation_sent');
    const failed = await stack.http('POST', '/v1/sandbox/webhooks/caro', {
      type: 'caro.activation_failed',
      data: { orderId, reason: 'debit_card' },
    });
    expect(failed.body.webhook.status, JSON.stringify(failed.body)).toBe(202);
    await page.goto(`${consoleOrigin(stack)}/console/cases/caro/${orderId}`);
    await page.getByRole('heading', { level: 1, name: 'CARO card of Brasserie Janssens' }).waitFor();
    const facts = page.locator('.facts');
    await expect.poll(() => facts.innerText(), { timeout: 20_000 }).toMatch(/Debit card\s+What to do/);
    expect(await facts.innerText()).toContain('only credit cards work');
    // In the reader's language.
    await page.getByLabel('Language').first().selectOption('fr');
    await expect.poll(() => facts.innerText()).toContain('seules les cartes de crédit fonctionnent');
    await page.getByLabel('Langue').first().selectOption('en');
    await expectAccessible(page, 'a CARO case in problem');
  });

  it('a mandate’s PDF downloads with the session, and "sign electronically" gives the signing link', async () => {
    const accountId = (await stack.http('GET', `/v1/clients/${clientId}/bank-accounts`)).body.data[0].id as string;
    const ordered = await stack.http('POST', '/v1/mandates', { bankAccountIds: [accountId], managementMode: 'office' });
    const mandateId = ordered.body.data[0].mandate.id as string;
    await page.goto(`${consoleOrigin(stack)}/console/cases/mandate/${mandateId}`);
    await expect.poll(lead, { timeout: 20_000 }).toContain('Available online');
    const download = page.getByRole('link', { name: 'Download the PDF' });
    expect(await download.getAttribute('href')).toBe(`/v1/mandates/${mandateId}/document.pdf`);
    // The page's own cookies, as a click sends them.
    const pdf = await page.request.get(`${consoleOrigin(stack)}/v1/mandates/${mandateId}/document.pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toMatch(/^application\/pdf/);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

    await act('Sign electronically');
    const link = page.locator('.done .link a');
    await link.waitFor({ timeout: 20_000 });
    expect(await link.getAttribute('href')).toMatch(/^https:\/\//);
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    expect(problems.filter((p) => !/status of 4\d\d/.test(p))).toEqual([]);
  });
});
