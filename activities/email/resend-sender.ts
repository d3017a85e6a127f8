import { Resend, type ErrorResponse } from 'resend';
import { redactPersonalData } from './redact.js';
import { EmailDeliveryError, type EmailSender, type OutgoingMessage, type SendReceipt } from './sender.js';

export interface ResendSenderOptions {
  apiKey: string;
  from: string;
  /**
   * API origin. The SDK reads RESEND_BASE_URL from process.env when the client is constructed
   * (not at import); passing it here keeps the worker's validated env the only source.
   */
  baseUrl?: string;
  /** Longest wait for one API call; a timeout counts as a network error (retryable). */
  timeoutMs?: number;
}

// Errors about our credentials, not about the message: the message is fine, retry once fixed.
const CREDENTIAL_ERRORS = new Set(['missing_api_key', 'invalid_api_key', 'restricted_api_key']);

/**
 * Which failures are worth retrying. Throttling (429: rate limit, daily/monthly quota), provider
 * errors (5xx), no answer at all, a concurrent request with the same idempotency key and our own
 * credentials are; anything else in 4xx means the provider refused this message (validation).
 */
export function isRetryable(error: ErrorResponse, status: number | null): boolean {
  if (status === null || status === 429 || status >= 500) return true;
  return error.name === 'concurrent_idempotent_requests' || CREDENTIAL_ERRORS.has(error.name);
}

function retryAfterMs(headers: Record<string, string> | null): number | undefined {
  const value = headers?.['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Sends through Resend's HTTP API with the official SDK; the idempotency key travels as `Idempotency-Key`. */
export class ResendSender implements EmailSender {
  readonly transport = 'resend' as const;
  private readonly client: Resend;

  constructor(private readonly opts: ResendSenderOptions) {
    this.client = new Resend(opts.apiKey, opts.baseUrl ? { baseUrl: opts.baseUrl } : undefined);
  }

  async send(message: OutgoingMessage, idempotencyKey: string): Promise<SendReceipt> {
    const { data, error, headers } = await this.client.emails.send(
      { from: this.opts.from, to: message.to, subject: message.subject, html: message.html, text: message.text },
      { idempotencyKey, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000) },
    );
    if (data) return { providerMessageId: data.id };
    // The SDK turns network failures into statusCode null; an error body normally carries the status.
    const status = typeof error.statusCode === 'number' ? error.statusCode : null;
    const wait = retryAfterMs(headers);
    throw new EmailDeliveryError(redactPersonalData(`${error.name}: ${error.message}`), {
      retryable: isRetryable(error, status),
      statusCode: status,
      code: error.name,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    });
  }
}
