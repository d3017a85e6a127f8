/**
 * The harness's HTTP client for the public API: it retries what a careful caller retries (no
 * answer, 5xx, 429, a twin request still in progress), with the same Idempotency-Key, and counts
 * the server errors it met on the way.
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface Answer {
  status: number;
  body: unknown;
}

/** The value at `path` in a JSON answer, or undefined. */
export function pick(value: unknown, ...path: (string | number)[]): unknown {
  let at = value;
  for (const step of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[step];
  }
  return at;
}

/** The string at `path`, or undefined. */
export function text(value: unknown, ...path: (string | number)[]): string | undefined {
  const found = pick(value, ...path);
  return typeof found === 'string' ? found : undefined;
}

export interface ApiStats {
  calls: number;
  retries: number;
  /** 500s: nothing the harness sends should cause one. */
  serverErrors: number;
  /** When and where each 500 came (ids in the path replaced by :id). */
  serverErrorLog: { at: number; route: string }[];
  /** 503 temporal_unavailable and the like, expected while a part is down. */
  unavailable: number;
}

const RETRYABLE = new Set([429, 502, 503, 504]);

export class ApiClient {
  readonly stats: ApiStats = { calls: 0, retries: 0, serverErrors: 0, serverErrorLog: [], unavailable: 0 };

  constructor(
    readonly base: string,
    private readonly key: string,
    private readonly active: () => boolean,
  ) {}

  /** One request, no retry; a network failure answers status 0. */
  async once(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<Answer> {
    this.stats.calls += 1;
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          'content-type': 'application/json',
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(20_000),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    } catch {
      return { status: 0, body: null };
    }
  }

  /**
   * Retries until a definite answer (2xx, or a 4xx other than 429 / idempotency_in_progress), or
   * until `giveUpMs`; then answers the last attempt.
   */
  async call(
    method: string,
    path: string,
    body?: unknown,
    opts: { idempotencyKey?: string; giveUpMs?: number } = {},
  ): Promise<Answer> {
    const deadline = Date.now() + (opts.giveUpMs ?? 300_000);
    for (let attempt = 0; ; attempt++) {
      const answer = await this.once(method, path, body, opts.idempotencyKey);
      if (answer.status === 500) {
        this.stats.serverErrors += 1;
        const route = `${method} ${path.split('?')[0]!.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')}`;
        this.stats.serverErrorLog.push({ at: Date.now(), route });
      }
      if (answer.status === 503) this.stats.unavailable += 1;
      const again =
        answer.status === 0 ||
        answer.status >= 500 ||
        RETRYABLE.has(answer.status) ||
        (answer.status === 409 && text(answer.body, 'code') === 'idempotency_in_progress');
      if (!again || Date.now() > deadline || !this.active()) return answer;
      this.stats.retries += 1;
      await delay(Math.min(500 * 2 ** Math.min(attempt, 3), 4_000));
    }
  }
}
