import { randomUUID } from 'node:crypto';
import type { HttpOptions, TestStack } from './stack.js';

/**
 * A case's detail (GET …/:id, from the database) with its workflow's live view beside it as
 * `workflow` (GET …/:id/workflow), for tests that follow the workflow itself. Back-office keys only.
 */
export async function detailWithWorkflow(stack: TestStack, path: string, opts: HttpOptions = {}) {
  const [detail, workflow] = await Promise.all([
    stack.http('GET', path, undefined, opts),
    stack.http('GET', `${path}/workflow`, undefined, opts),
  ]);
  if (detail.status !== 200) return detail;
  return { ...detail, body: { ...detail.body, workflow: workflow.body } };
}

/** A new client of `officeId` (Dutch, with an e-mail address) and a bank account of it. */
export async function newClientAccount(
  stack: TestStack,
  c: { officeId: string; companyName: string; email: string; codePrefix: string; iban?: string },
): Promise<{ clientId: string; accountId: string }> {
  const client = await stack.http('POST', '/v1/clients', {
    officeId: c.officeId,
    companyName: c.companyName,
    clientCode: `${c.codePrefix}-${randomUUID().slice(0, 8)}`,
    email: c.email,
    language: 'nl',
  });
  const account = await stack.http('POST', `/v1/clients/${client.body.id}/bank-accounts`, {
    iban: c.iban ?? 'BE35 3101 2345 6737',
  });
  return { clientId: client.body.id as string, accountId: account.body.id as string };
}

/** One CARO order (a new client reference) for the client's account; its id. */
export async function orderCaro(
  stack: TestStack,
  o: { clientId: string; accountId: string; cardholderEmail: string },
): Promise<string> {
  const ordered = await stack.http('POST', '/v1/caro-orders', {
    orders: [
      {
        clientId: o.clientId,
        bankAccountId: o.accountId,
        clientReference: `REF-${randomUUID().slice(0, 8)}`,
        cardholderEmail: o.cardholderEmail,
        cardholderLanguage: 'nl',
      },
    ],
  });
  return ordered.body.data[0].id as string;
}
