/**
 * What the demo reads and does through the public API: case details (status, history, reminders,
 * next step), the outbox, and provider events through the sandbox. Calls go through the chaos
 * harness's client (retries on 429/5xx with the same Idempotency-Key).
 */
import type { Provider } from '../../api/webhooks/providers.js';
import { ApiClient, pick, text, type Answer } from '../chaos/api.js';
import { describeWebhook, sendSandboxEvent, type SandboxTarget } from '../sandbox/client.js';

export type CaseKind = 'mandate' | 'caro' | 'connection';
const BASE: Record<CaseKind, string> = {
  mandate: '/v1/mandates',
  caro: '/v1/caro-orders',
  connection: '/v1/connections',
};

/** A transition of a case's history (api/schemas/case-views.ts transitionSchema). */
export interface Transition {
  at: string;
  from: string | null;
  to: string;
  event: string | null;
}

/** The fields of a case detail the demo reads; the rest is there too. */
export interface Detail {
  id: string;
  status: string;
  history: Transition[];
  nextStep: { kind: string; at: string; number?: number } | null;
  [field: string]: unknown;
}

/** A sent e-mail (GET /v1/outbox). */
export interface Email {
  template: string;
  sentAt: string;
  text: string;
  toAddress: string | null;
}

export class DemoError extends Error {}

export const at = (iso: unknown): number | undefined => (typeof iso === 'string' ? Date.parse(iso) : undefined);

export class DemoApi {
  readonly client: ApiClient;

  constructor(
    readonly target: SandboxTarget,
    private readonly active: () => boolean,
  ) {
    this.client = new ApiClient(target.apiUrl, target.key, active);
  }

  /** Another key's view of the same API (a support key for the replays). */
  as(key: string): DemoApi {
    return new DemoApi({ apiUrl: this.target.apiUrl, key }, this.active);
  }

  /** A call that must answer one of `statuses`; its body. */
  async expect(method: string, path: string, body: unknown, statuses: number[]): Promise<unknown> {
    const answer = await this.client.call(method, path, body, { giveUpMs: 30_000 });
    if (!statuses.includes(answer.status))
      throw new DemoError(`${method} ${path} answered ${describe(answer)} (expected ${statuses.join(' or ')})`);
    return answer.body;
  }

  async create(path: string, body: unknown, ...idPath: (string | number)[]): Promise<string> {
    const id = text(await this.expect('POST', path, body, [201, 202]), ...idPath);
    if (!id) throw new DemoError(`POST ${path}: no id in the answer`);
    return id;
  }

  async detail(kind: CaseKind, id: string): Promise<Detail | undefined> {
    const answer = await this.client.call('GET', `${BASE[kind]}/${id}`, undefined, { giveUpMs: 10_000 });
    return answer.status === 200 ? (answer.body as Detail) : undefined;
  }

  /** The case's sent e-mails, oldest first. */
  async emails(id: string): Promise<Email[]> {
    const answer = await this.client.call('GET', `/v1/outbox?caseId=${id}&status=sent&limit=200`, undefined, {
      giveUpMs: 10_000,
    });
    const rows = pick(answer.body, 'data');
    return Array.isArray(rows) ? (rows as Email[]).slice().reverse() : [];
  }

  /** The `n`-th (1-based) sent e-mail of `template`: when it went out. */
  async emailed(id: string, template: string, n = 1): Promise<number | undefined> {
    return at((await this.emails(id)).filter((e) => e.template === template)[n - 1]?.sentAt);
  }

  /** A provider event through the sandbox; answers when the webhook accepted it. */
  async report(provider: Provider, type: string, data: Record<string, unknown>): Promise<number> {
    const result = await sendSandboxEvent(this.target, { provider, type, data });
    if (result.kind === 'not_enabled')
      throw new DemoError(`the sandbox is not enabled on ${this.target.apiUrl} (SANDBOX_ENABLED)`);
    if (result.kind === 'refused')
      throw new DemoError(`sandbox refused ${provider} ${type}: ${result.status} ${result.problem.code ?? ''}`);
    if (result.webhook.status !== 202)
      throw new DemoError(`${provider} ${type}: webhook ${result.webhook.status} ${describeWebhook(result.webhook)}`);
    return Date.now();
  }
}

const describe = (answer: Answer) =>
  `${answer.status} ${text(answer.body, 'code') ?? ''} ${text(answer.body, 'detail') ?? ''}`.trim();

/** When the case last entered `to` (its history), optionally only after `after`. */
export function enteredAt(detail: Detail | undefined, to: string, after = 0): number | undefined {
  const found = detail?.history.filter((t) => t.to === to && Date.parse(t.at) >= after).at(-1);
  return found ? Date.parse(found.at) : undefined;
}

/** The detail's planned next step, when it is of `kind` (and that number): its time. */
export function plannedAt(detail: Detail | undefined, kind: string, number?: number): number | undefined {
  const next = detail?.nextStep;
  if (!next || next.kind !== kind || (number !== undefined && next.number !== number)) return undefined;
  return Date.parse(next.at);
}
