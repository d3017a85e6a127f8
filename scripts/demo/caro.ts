/**
 * Journey 2 (docs/domain.md#journey-2-caro-activation): a successful activation, each failure
 * reason replayed by support and then activated, and an invitation that expires after its reminders.
 */
import { CARO_PROBLEM_REASONS, type CaroProblemReason } from '../../workflows/caro-activation/contract.js';
import { at, enteredAt } from './api.js';
import { IBAN, newAccount, planned, type DemoContext, type Journey } from './context.js';
import type { JourneyWalk } from './steps.js';

const CARO = 'caro';
let orders = 0;

async function order(ctx: DemoContext): Promise<string> {
  const { clientId, accountId } = await newAccount(ctx, IBAN.other);
  orders += 1;
  return ctx.api.create(
    '/v1/caro-orders',
    {
      orders: [
        {
          clientId,
          bankAccountId: accountId,
          clientReference: `DEMO-${ctx.tag}-${orders}`,
          cardholderEmail: `cardholder-${orders}@example.be`,
          cardholderLanguage: 'nl',
        },
      ],
    },
    'data',
    0,
    'id',
  );
}

const detail = (ctx: DemoContext, id: string) => ctx.api.detail(CARO, id);

async function invited(ctx: DemoContext, w: JourneyWalk, name: string): Promise<string> {
  const ordered = Date.now();
  const id = await order(ctx);
  await w.step(name, { expected: ordered, happened: () => ctx.api.emailed(id, 'caro.invitation') });
  return id;
}

/** The cardholder activates at the provider; the order is active and the cardholder gets the confirmation. */
async function activates(ctx: DemoContext, w: JourneyWalk, id: string, names: [string, string]): Promise<void> {
  const sent = Date.now();
  await w.step(names[0], {
    expected: sent,
    happened: () => ctx.api.report('caro', 'caro.activated', { orderId: id }),
  });
  await w.step(names[1], {
    expected: sent,
    happened: async () => {
      const d = await detail(ctx, id);
      return d?.status === 'active' && (await ctx.api.emailed(id, 'caro.confirmation')) !== undefined
        ? at(d.activatedAt)
        : undefined;
    },
  });
}

export const caroSuccess: Journey = {
  name: 'CARO success',
  steps: ['ordered: invitation e-mailed', 'cardholder activates (provider report)', 'active: confirmation e-mailed'],
  async run(ctx, w) {
    const id = await invited(ctx, w, 'ordered: invitation e-mailed');
    await activates(ctx, w, id, ['cardholder activates (provider report)', 'active: confirmation e-mailed']);
  },
};

const failure = (reason: CaroProblemReason): Journey => ({
  name: `CARO ${reason}`,
  steps: [
    'ordered: invitation e-mailed',
    `activation fails: ${reason} (provider report)`,
    'problem: the office gets the guidance',
    'support replays (POST …/replay)',
    'fresh invitation e-mailed',
    'cardholder activates (provider report)',
    'active: confirmation e-mailed',
  ],
  async run(ctx, w) {
    const id = await invited(ctx, w, 'ordered: invitation e-mailed');
    const failed = Date.now();
    await w.step(`activation fails: ${reason} (provider report)`, {
      expected: failed,
      happened: () => ctx.api.report('caro', 'caro.activation_failed', { orderId: id, reason }),
    });
    await w.step('problem: the office gets the guidance', {
      expected: failed,
      happened: async () => {
        const d = await detail(ctx, id);
        return d?.status === 'problem' && d.problemReason === reason && d.guidance
          ? ctx.api.emailed(id, 'caro.failure')
          : undefined;
      },
    });
    const replayed = Date.now();
    await w.step('support replays (POST …/replay)', {
      expected: replayed,
      happened: async () => {
        await ctx.support.expect('POST', `/v1/caro-orders/${id}/replay`, { dryRun: false }, [202]);
        return Date.now();
      },
    });
    await w.step('fresh invitation e-mailed', {
      expected: replayed,
      happened: async () => {
        const d = await detail(ctx, id);
        return d?.status === 'invitation_sent' && d.linkVersion === 2
          ? ctx.api.emailed(id, 'caro.invitation', 2)
          : undefined;
      },
      note: () => 'link version 2',
    });
    await activates(ctx, w, id, ['cardholder activates (provider report)', 'active: confirmation e-mailed']);
  },
});

export const caroExpiry: Journey = {
  name: 'CARO expiry',
  steps: [
    'ordered: invitation e-mailed',
    'reminder 1',
    'reminder 2',
    'reminder 3',
    'invitation expired: address purged',
  ],
  async run(ctx, w) {
    const id = await invited(ctx, w, 'ordered: invitation e-mailed');
    for (const n of [1, 2, 3]) {
      await w.step(`reminder ${n}`, {
        expected: planned(ctx, CARO, id, 'reminder', n),
        happened: async () => {
          const reminders = ((await detail(ctx, id))?.reminders ?? []) as { number: number; sentAt: string }[];
          return at(reminders.find((r) => r.number === n)?.sentAt);
        },
      });
    }
    await w.step('invitation expired: address purged', {
      expected: planned(ctx, CARO, id, 'expiry'),
      happened: async () => {
        const d = await detail(ctx, id);
        return d?.cardholderEmail === null ? enteredAt(d, 'invitation_expired') : undefined;
      },
    });
  },
};

export const caroJourneys = [caroSuccess, ...CARO_PROBLEM_REASONS.map(failure), caroExpiry];
