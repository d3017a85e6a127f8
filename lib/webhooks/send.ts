// One delivery attempt: POST the payload, signed, to the endpoint's URL, connected to the address
// the target check resolved (never a second lookup). Answers what happened; never throws.
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { signatureHeader } from './secret.js';
import { resolveTarget, TargetRefused, type TargetPolicy } from './targets.js';

export interface WebhookPost {
  url: string;
  /** The event's id: `webhook-id`, the same on every attempt. */
  msgId: string;
  body: string;
  secrets: readonly string[];
  timeoutMs: number;
  policy: TargetPolicy;
  /** Aborts the request (the activity cancelled, e.g. its worker shutting down). */
  signal?: AbortSignal;
}

export type PostStatus = 'delivered' | 'failed' | 'refused';

export interface PostOutcome {
  /** delivered: 2xx; failed: another answer, a network error or a timeout; refused: the target is not allowed. */
  status: PostStatus;
  responseCode: number | null;
  latencyMs: number;
  /** Why it failed, without the URL or the body. */
  error: string | null;
}

const USER_AGENT = 'bankfeed-webhooks/1';
/** The receiver's answer is read up to this much, then dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;

export async function postWebhook(post: WebhookPost): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(post.url);
  let target;
  try {
    target = await resolveTarget(url, post.policy);
  } catch (error) {
    if (error instanceof TargetRefused)
      return { status: 'refused', responseCode: null, latencyMs: elapsed(), error: error.message };
    throw error;
  }
  const timestamp = new Date();
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const options: RequestOptions = {
    method: 'POST',
    lookup: pinned,
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(post.body),
      'user-agent': USER_AGENT,
      'webhook-id': post.msgId,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signatureHeader(post.secrets, post.msgId, timestamp, post.body),
    },
    signal: post.signal
      ? AbortSignal.any([AbortSignal.timeout(post.timeoutMs), post.signal])
      : AbortSignal.timeout(post.timeoutMs),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PostOutcome>((resolve) => {
    const req = send(url, options, (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy();
      });
      const done = () => {
        const code = res.statusCode ?? 0;
        const ok = code >= 200 && code < 300;
        resolve({
          status: ok ? 'delivered' : 'failed',
          responseCode: code,
          latencyMs: elapsed(),
          error: ok ? null : `HTTP ${code}`,
        });
      };
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const aborted = error.name === 'AbortError' || error.name === 'TimeoutError';
      const cancelled = aborted && post.signal?.aborted === true;
      resolve({
        status: 'failed',
        responseCode: null,
        latencyMs: elapsed(),
        error: cancelled
          ? 'cancelled: the worker stopped'
          : aborted
            ? `no answer within ${post.timeoutMs} ms`
            : (error.code ?? error.name),
      });
    });
    req.end(post.body);
  });
}
