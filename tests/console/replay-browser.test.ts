import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchChromium } from '../helpers/browser.js';
import { newClientAccount, orderCaro } from '../helpers/cases.js';
import { expectAccessible, openConsole, screenshot, signInAs } from '../helpers/console.js';
import { createPerson } from '../helpers/session.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// Issue 16: support bulk-replays failed CARO cases after the dry-run preview; they become
// invitation_sent and their timelines say who replayed them. Debian's Chromium against the real
// API, worker (the replay's workflow) and Temporal.
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let browser: Browser;
const failed: { id: string; company: string }[] = [];

const orderStatus = async (id: string) => (await stack.http('GET', `/v1/caro-orders/${id}`)).body.status as string;
const until = (id: string, wanted: string) =>
  waitFor(async () => ((await orderStatus(id)) === wanted ? true : undefined), `order ${id} ${wanted}`);

beforeAll(async () => {
  if (browserSkipReason) return;
  [temporal, browser] = await Promise.all([createTimeSkippingEnv(), launchChromium()]);
  stack = await startTestStack(temporal);
  const officeId = (
    await stack.http('POST', '/v1/offices', { name: 'Fiduciaire Renard', language: 'fr', contactEmail: 'r@example.be' })
  ).body.id as string;
  for (const company of ['Boucherie Renard', 'Café du Coin', 'Garage Dubois']) {
    const client = await newClientAccount(stack, {
      officeId,
      companyName: company,
      email: 'compta@example.be',
      codePrefix: 'REN',
    });
    const id = await orderCaro(stack, { ...client, cardholderEmail: 'holder@example.be' });
    await until(id, 'invitation_sent');
    // The card provider reports each activation failed (through the sandbox's signed webhook).
    const res = await stack.http('POST', '/v1/sandbox/webhooks/caro', {
      type: 'caro.activation_failed',
      data: { orderId: id, reason: 'card_not_linked_to_reference' },
    });
    expect(res.body.webhook.status).toBe(202);
    await until(id, 'problem');
    failed.push({ id, company });
  }
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await temporal?.teardown();
});

describe.skipIf(browserSkipReason)('support’s bulk replay in the console', () => {
  it('previews the failed cases, replays them after the confirmation, follows the progress to done; each timeline names the person', async () => {
    const support = await createPerson(stack, { role: 'support', name: 'Sophie Support', language: 'en' });
    const { page, problems, close } = await openConsole(browser, stack);
    await signInAs(page, support);
    await page.getByRole('link', { name: 'Replay failed CARO activations' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Replay CARO' }).click();
    await page.getByRole('heading', { level: 1, name: 'Replay CARO activations' }).waitFor();

    await page.getByLabel('Reason').selectOption({ label: 'Card not linked to the reference' });
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('heading', { level: 2, name: 'Preview: 3 cases' }).waitFor({ timeout: 60_000 });
    const table = page.getByRole('table', { name: 'The 3 cases' });
    for (const { company } of failed) await table.getByRole('row', { name: new RegExp(company) }).waitFor();
    expect(await table.getByRole('row').count()).toBe(4);
    expect(await table.innerText()).toMatch(/Card not linked to the reference\s+Problem\s+To do/);
    // A preview replays nothing.
    for (const { id } of failed) expect(await orderStatus(id)).toBe('problem');
    await expectAccessible(page, 'the preview');

    await page.getByRole('button', { name: 'Replay these 3 cases' }).click();
    const dialog = page.getByRole('dialog', { name: 'Replay these 3 cases' });
    await dialog.getByText('Replay these 3 cases now, in your name?').waitFor();
    await dialog.getByRole('button', { name: 'Yes' }).click();
    await page.getByRole('heading', { level: 2, name: 'Done' }).waitFor({ timeout: 60_000 });
    const progress = page.getByRole('status');
    await expect.poll(() => progress.innerText()).toContain('Replayed 3 · skipped 0 · failed 0 · to do 0');
    expect(await progress.innerText()).toContain('Replayed in the name of Sophie Support');
    await expect.poll(() => table.innerText(), { timeout: 10_000 }).toMatch(/Invitation sent\s+Replayed/);
    expect((await table.innerText()).match(/Invitation sent\s+Replayed/g)).toHaveLength(3);
    await expectAccessible(page, 'the finished replay');
    await screenshot(page, 'replay');

    for (const { id } of failed) expect(await orderStatus(id)).toBe('invitation_sent');
    await table
      .getByRole('row', { name: /Café du Coin/ })
      .getByRole('link')
      .click();
    const timeline = page.locator('ol.timeline');
    await expect
      .poll(() => timeline.innerText(), { timeout: 10_000 })
      .toMatch(/Activation replayed[\s\S]*Sophie Support/);
    for (const { id } of failed.filter((f) => f.company !== 'Café du Coin')) {
      const events = await stack.http('GET', `/v1/caro-orders/${id}/timeline`);
      expect(JSON.stringify(events.body)).toContain('Sophie Support');
    }
    expect(problems).toEqual([]);
    await close();
  });
});
