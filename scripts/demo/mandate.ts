/**
 * Journey 1, one mandate on each path (docs/domain.md#journey-1-mandate-signing): e-signature,
 * KBC/CBC bank link with its detected issue, a client edit that presents it again, and a stall
 * after the reminders.
 */
import { at, DemoError, enteredAt } from './api.js';
import { IBAN, newAccount, planned, type DemoContext, type Journey } from './context.js';

const MANDATE = 'mandate';

async function order(ctx: DemoContext, accountId: string): Promise<string> {
  return ctx.api.create(
    '/v1/mandates',
    { bankAccountIds: [accountId], managementMode: 'service' },
    'data',
    0,
    'mandate',
    'id',
  );
}

const detail = (ctx: DemoContext, id: string) => ctx.api.detail(MANDATE, id);

/** When the mandate became active (its activatedAt), once it is. */
async function activeAt(ctx: DemoContext, id: string): Promise<number | undefined> {
  const d = await detail(ctx, id);
  return d?.status === 'active' ? at(d.activatedAt) : undefined;
}

async function revisionOf(ctx: DemoContext, id: string): Promise<number> {
  const revision = (await detail(ctx, id))?.revision;
  if (typeof revision !== 'number') throw new DemoError(`mandate ${id}: no revision`);
  return revision;
}

export const esignature: Journey = {
  name: 'mandate e-signature',
  steps: [
    'ordered: e-signature invitation e-mailed',
    'client signs (e-signature report)',
    'signed: sent to the bank',
    'bank accepts (bank report)',
    'active',
  ],
  async run(ctx, w) {
    const { accountId } = await newAccount(ctx, IBAN.ing);
    const ordered = Date.now();
    const id = await order(ctx, accountId);
    await w.step('ordered: e-signature invitation e-mailed', {
      expected: ordered,
      happened: async () =>
        (await detail(ctx, id))?.status === 'sent_to_client' ? ctx.api.emailed(id, 'mandate.invitation') : undefined,
    });
    const revision = await revisionOf(ctx, id);
    const signed = Date.now();
    await w.step('client signs (e-signature report)', {
      expected: signed,
      happened: () => ctx.api.report('esign', 'mandate.signed', { mandateId: id, revision }),
    });
    await w.step('signed: sent to the bank', {
      expected: signed,
      happened: async () => enteredAt(await detail(ctx, id), 'bank_processing'),
    });
    const accepted = Date.now();
    await w.step('bank accepts (bank report)', {
      expected: accepted,
      happened: () => ctx.api.report('banklink', 'bank.mandate_accepted', { mandateId: id }),
    });
    await w.step('active', { expected: accepted, happened: () => activeAt(ctx, id) });
  },
};

export const bankLink: Journey = {
  name: 'mandate KBC/CBC bank link',
  steps: [
    'ordered: bank-app steps e-mailed',
    'not linked in time: detected issue',
    'client links in the bank app (bank report)',
    'linked: sent to the bank, issue cleared',
    'bank accepts (bank report)',
    'active',
  ],
  async run(ctx, w) {
    const { accountId } = await newAccount(ctx, IBAN.kbc);
    const ordered = Date.now();
    const id = await order(ctx, accountId);
    const issues = async () => {
      const body = await ctx.api.expect(
        'GET',
        `/v1/mandates?officeId=${ctx.officeId}&issue=bank_link_missing&limit=200`,
        undefined,
        [200],
      );
      return ((body as { data: { id: string }[] }).data ?? []).some((m) => m.id === id);
    };
    await w.step('ordered: bank-app steps e-mailed', {
      expected: ordered,
      happened: async () =>
        (await detail(ctx, id))?.status === 'awaiting_bank_link'
          ? ctx.api.emailed(id, 'mandate.bank-link-instructions')
          : undefined,
    });
    await w.step('not linked in time: detected issue', {
      expected: planned(ctx, MANDATE, id, 'bank_link_check'),
      happened: async () => {
        const flagged = at((await detail(ctx, id))?.linkIssueAt);
        return flagged !== undefined && (await issues()) ? flagged : undefined;
      },
      note: () => 'listed in GET /v1/mandates?issue=bank_link_missing',
    });
    const linked = Date.now();
    await w.step('client links in the bank app (bank report)', {
      expected: linked,
      happened: () => ctx.api.report('banklink', 'bank.link_created', { mandateId: id }),
    });
    await w.step('linked: sent to the bank, issue cleared', {
      expected: linked,
      happened: async () => {
        const d = await detail(ctx, id);
        const processing = enteredAt(d, 'bank_processing');
        return processing !== undefined && d?.linkIssueAt === null && !(await issues()) ? processing : undefined;
      },
    });
    const accepted = Date.now();
    await w.step('bank accepts (bank report)', {
      expected: accepted,
      happened: () => ctx.api.report('banklink', 'bank.mandate_accepted', { mandateId: id }),
    });
    await w.step('active', { expected: accepted, happened: () => activeAt(ctx, id) });
  },
};

/** The path of the signed link in an e-mail's text (`…/l/<token>`), whatever origin the worker writes. */
const linkPath = (text: string | undefined) => (text ? /https?:\/\/\S+?(\/l\/[^\s"<>)]+)/.exec(text)?.[1] : undefined);

export const clientEdit: Journey = {
  name: 'mandate client edit',
  steps: [
    'ordered: invitation e-mailed',
    'client edited: the unsigned mandate is presented again',
    'new document and link e-mailed',
    'the first signing link answers 410 link_superseded',
  ],
  async run(ctx, w) {
    const { clientId, accountId } = await newAccount(ctx, IBAN.ing);
    const ordered = Date.now();
    const id = await order(ctx, accountId);
    await w.step('ordered: invitation e-mailed', {
      expected: ordered,
      happened: async () =>
        (await detail(ctx, id))?.status === 'sent_to_client' ? ctx.api.emailed(id, 'mandate.invitation') : undefined,
    });
    const firstLink = linkPath((await ctx.api.emails(id)).find((e) => e.template === 'mandate.invitation')?.text);
    const edited = Date.now();
    await w.step('client edited: the unsigned mandate is presented again', {
      expected: edited,
      happened: async () => {
        const body = (await ctx.api.expect(
          'PATCH',
          `/v1/clients/${clientId}`,
          { enterpriseNumber: '0403.170.701' },
          [200],
        )) as { impact?: { mandates?: { id: string; presentedAgain?: boolean }[] } };
        if (!body.impact?.mandates?.some((m) => m.id === id && m.presentedAgain))
          throw new DemoError('the edit did not present the mandate again');
        return Date.now();
      },
      note: () => 'PATCH /v1/clients/:id impact: presentedAgain',
    });
    const presented = await w.step('new document and link e-mailed', {
      expected: edited,
      happened: async () => {
        const d = await detail(ctx, id);
        return d?.revision === 2 && d.status === 'sent_to_client'
          ? ctx.api.emailed(id, 'mandate.invitation', 2)
          : undefined;
      },
      note: () => 'revision 2',
    });
    await w.step('the first signing link answers 410 link_superseded', {
      expected: presented,
      happened: async () => {
        if (!firstLink) throw new DemoError('the first invitation carried no signed link');
        const res = await fetch(`${ctx.api.target.apiUrl}${firstLink}`);
        const body = (await res.json().catch(() => ({}))) as { code?: string };
        if (res.status !== 410 || body.code !== 'link_superseded')
          throw new DemoError(`the first link answered ${res.status} ${body.code ?? ''}`);
        return Date.now();
      },
    });
  },
};

export const stall: Journey = {
  name: 'mandate stall',
  steps: ['ordered: invitation e-mailed', 'reminder 1', 'reminder 2', 'reminder 3', 'stalled: the office is told'],
  async run(ctx, w) {
    const { accountId } = await newAccount(ctx, IBAN.other, 'fr');
    const ordered = Date.now();
    const id = await order(ctx, accountId);
    await w.step('ordered: invitation e-mailed', {
      expected: ordered,
      happened: () => ctx.api.emailed(id, 'mandate.invitation'),
    });
    for (const n of [1, 2, 3]) {
      await w.step(`reminder ${n}`, {
        expected: planned(ctx, MANDATE, id, 'reminder', n),
        happened: async () => {
          const reminders = ((await detail(ctx, id))?.reminders ?? []) as { number: number; sentAt: string }[];
          return at(reminders.find((r) => r.number === n)?.sentAt);
        },
      });
    }
    await w.step('stalled: the office is told', {
      expected: planned(ctx, MANDATE, id, 'stalled_notice'),
      happened: async () => {
        const stalledAt = at((await detail(ctx, id))?.stalledAt);
        return stalledAt !== undefined && (await ctx.api.emailed(id, 'mandate.stalled')) !== undefined
          ? stalledAt
          : undefined;
      },
    });
  },
};

export const mandateJourneys = [esignature, bankLink, clientEdit, stall];
