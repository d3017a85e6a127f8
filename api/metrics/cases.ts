// The journeys as Prometheus sees them, read from the database when scraped (so every API process
// tells the same truth, whichever process or worker made the change): cases by journey and status,
// state changes recorded, the outbox by template and status, provider callbacks by outcome. One
// scrape runs four grouped counts; answers are reused for a few seconds.
import { Counter, Gauge, Registry } from 'prom-client';
import type { PrismaClient } from '../../prisma/generated/client.js';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { METRIC_PREFIX } from '../../lib/metrics/registry.js';
import { ATTENTION_KINDS } from '../services/cases/attention.js';
import type { Schedules } from '../services/cases/next-step.js';
import { casesSummary, JOURNEYS } from '../services/cases/search.js';

const REUSE_MS = 5_000;
/** The journey of each kind of case, as the API names them. */
const JOURNEY = { mandate: 'mandate', caro: 'caro', connection: 'consent' } as const;

interface Snapshot {
  cases: { journey: string; status: string; n: number }[];
  transitions: { journey: string; to_state: string; n: number }[];
  emails: { template: string; status: string; n: number }[];
  webhooks: { provider: string; outcome: string; n: number }[];
}

async function snapshot(prisma: PrismaClient): Promise<Snapshot> {
  const [mandates, orders, connections, transitions, emails, webhooks] = await Promise.all([
    prisma.mandate.groupBy({ by: ['status'], _count: { _all: true } }),
    prisma.caroOrder.groupBy({ by: ['status'], _count: { _all: true } }),
    prisma.connection.groupBy({ by: ['status'], _count: { _all: true } }),
    prisma.caseTransition.groupBy({ by: ['caseType', 'toState'], _count: { _all: true } }),
    prisma.emailOutbox.groupBy({ by: ['template', 'status'], _count: { _all: true } }),
    prisma.webhookEvent.groupBy({ by: ['provider', 'handled'], _count: { _all: true } }),
  ]);
  return {
    cases: [
      ...mandates.map((r) => ({ journey: JOURNEY.mandate, status: r.status, n: r._count._all })),
      ...orders.map((r) => ({ journey: JOURNEY.caro, status: r.status, n: r._count._all })),
      ...connections.map((r) => ({ journey: JOURNEY.connection, status: r.status, n: r._count._all })),
    ],
    transitions: transitions.map((r) => ({ journey: JOURNEY[r.caseType], to_state: r.toState, n: r._count._all })),
    emails: emails.map((r) => ({ template: r.template, status: r.status, n: r._count._all })),
    webhooks: webhooks.map((r) => ({
      provider: r.provider,
      outcome: r.handled === null ? 'in_progress' : r.handled ? 'handled' : 'ignored',
      n: r._count._all,
    })),
  };
}

/** A registry of the journeys' metrics for one database; `schedules` set the attention windows. */
export function caseMetrics(prisma: PrismaClient, schedules?: Schedules): Registry {
  const registry = new Registry();
  let last: { at: number; value: Promise<Snapshot> } | undefined;
  const current = (): Promise<Snapshot> => {
    if (!last || Date.now() - last.at > REUSE_MS) {
      last = { at: Date.now(), value: snapshot(prisma) };
      // A failed read is not reused: the next scrape asks again.
      last.value.catch(() => (last = undefined));
    }
    return last.value;
  };
  new Gauge({
    name: `${METRIC_PREFIX}cases`,
    help: 'Cases by journey (mandate, caro, consent) and current status',
    labelNames: ['journey', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { n, ...labels } of (await current()).cases) this.set(labels, n);
    },
  });
  new Counter({
    name: `${METRIC_PREFIX}case_transitions_total`,
    help: 'State changes recorded, by journey and the state entered',
    labelNames: ['journey', 'to_state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { n, ...labels } of (await current()).transitions) this.inc(labels, n);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}outbox_emails`,
    help: 'E-mails in the outbox by template and status (queued, sent, failed, rejected)',
    labelNames: ['template', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { n, ...labels } of (await current()).emails) this.set(labels, n);
    },
  });
  new Counter({
    name: `${METRIC_PREFIX}webhooks_received_total`,
    help: 'Provider callbacks stored, by provider and outcome (handled, ignored, in_progress)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { n, ...labels } of (await current()).webhooks) this.inc(labels, n);
    },
  });
  // The work queue's counts, from the same statement as GET /v1/cases/summary (every office).
  let attention: { at: number; value: Promise<Record<string, number>> } | undefined;
  const attentionNow = () => {
    if (!attention || Date.now() - attention.at > REUSE_MS) {
      const value = casesSummary(
        prisma,
        { journeys: JOURNEYS, officeIds: [], reportKinds: ATTENTION_KINDS },
        schedules ?? { consentSchedule: DEFAULT_CONSENT_SCHEDULE },
      ).then((s) => s.attention);
      attention = { at: Date.now(), value };
      value.catch(() => (attention = undefined));
    }
    return attention.value;
  };
  new Gauge({
    name: `${METRIC_PREFIX}cases_attention`,
    help: 'Cases needing attention, by kind (the work queue of GET /v1/cases?attention=true)',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      const counts = await attentionNow();
      this.reset();
      for (const kind of ATTENTION_KINDS) this.set({ kind }, counts[kind] ?? 0);
    },
  });
  return registry;
}
