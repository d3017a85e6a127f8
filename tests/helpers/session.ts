import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { Role } from '../../lib/auth/api-keys.js';
import { createUser, type UserLanguage } from '../../lib/auth/user-store.js';
import { expectContract } from './contract.js';
import type { HttpOptions, TestStack } from './stack.js';

export const TEST_PASSWORD = 'correct horse battery staple';

/** A new account of that role (accountants need an office), straight in the database; its e-mail. */
export async function createPerson(
  stack: TestStack,
  p: { role: Role; name: string; officeId?: string; language?: UserLanguage; password?: string },
): Promise<{ id: string; email: string; password: string }> {
  const email = `${p.name.toLowerCase().replace(/\W+/g, '.')}.${randomUUID().slice(0, 8)}@example.be`;
  const password = p.password ?? TEST_PASSWORD;
  const { user } = await createUser(stack.db.prisma, {
    email,
    name: p.name,
    role: p.role,
    officeId: p.officeId,
    language: p.language ?? 'fr',
    password,
  });
  return { id: user.id, email, password };
}

export interface SignedIn {
  /** `bankfeed_session=<token>`, for a Cookie header. */
  cookie: string;
  csrfToken: string;
  /** The whole Set-Cookie header. */
  setCookie: string;
  body: any;
}

/** POST /v1/session; throws unless it answered 200. */
export async function signIn(stack: TestStack, email: string, password = TEST_PASSWORD): Promise<SignedIn> {
  const res = await stack.http('POST', '/v1/session', { email, password }, { key: null });
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${JSON.stringify(res.body)}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, csrfToken: res.body.csrfToken, setCookie, body: res.body };
}

/** Request options that authenticate with the session cookie (and its CSRF token unless told `csrf: false`). */
export const asPerson = (s: SignedIn, opts: { csrf?: string | false } = {}): HttpOptions => ({
  key: null,
  headers: {
    cookie: s.cookie,
    ...(opts.csrf === false ? {} : { 'x-csrf-token': opts.csrf ?? s.csrfToken }),
  },
});

/**
 * POST /v1/session from another loopback address (127.0.0.x): the server sees another client, with a
 * failed-sign-in allowance of its own (the per-address limit), whatever other tests used up.
 */
export function signInFrom(
  stack: TestStack,
  localAddress: string,
  body: unknown,
): Promise<{ status: number; headers: Headers; body: any }> {
  const url = new URL('/v1/session', stack.api.url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers))
            if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
          const answer = { status: res.statusCode ?? 0, headers, body: text ? JSON.parse(text) : undefined };
          try {
            expectContract('POST', '/v1/session', answer);
            resolve(answer);
          } catch (error) {
            reject(error as Error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
