import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, TEST_PUBLIC_BASE_URL, type TestStack } from '../helpers/stack.js';
import { asPerson, createPerson, signIn, signInFrom, TEST_PASSWORD } from '../helpers/session.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// People sign in to the console with e-mail and password (POST /v1/session) and act through the session
// cookie, with the CSRF token on every change; API keys keep working for machines.
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let officeId: string;
let otherOfficeId: string;
const DAY = 86_400_000;

const office = async (name: string) =>
  (await stack.http('POST', '/v1/offices', { name, language: 'fr', contactEmail: 'office@example.be' })).body
    .id as string;
const connection = async (inOffice: string) =>
  (
    await stack.http('POST', '/v1/connections', {
      officeId: inOffice,
      provider: 'ponto',
      ownerLanguage: 'fr',
      ibans: ['BE68539007547034'],
      validUntil: new Date(Date.now() + 60 * DAY).toISOString(),
    })
  ).body.id as string;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
  officeId = await office('Fiduciaire Session');
  otherOfficeId = await office('Fiduciaire Ailleurs');
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

describe('signing in', () => {
  it.each(['operator', 'support', 'accountant'] as const)(
    'a %s signs in: 200 with the person and a CSRF token, an HttpOnly, SameSite=Lax, Secure cookie for 12 h',
    async (role) => {
      const person = await createPerson(stack, {
        role,
        name: `Person ${role}`,
        language: 'nl',
        ...(role === 'accountant' ? { officeId } : {}),
      });
      const res = await stack.http(
        'POST',
        '/v1/session',
        { email: person.email, password: TEST_PASSWORD },
        { key: null },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({
        user: {
          id: person.id,
          email: person.email,
          name: `Person ${role}`,
          role,
          officeId: role === 'accountant' ? officeId : null,
          language: 'nl',
        },
        csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      expect(res.headers.get('cache-control')).toBe('no-store');
      const cookie = res.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^bankfeed_session=[A-Za-z0-9_-]{43}; /);
      const flags = cookie.split('; ').slice(1);
      expect(flags).toEqual(
        expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/', `Max-Age=${12 * 3600}`, 'Secure']),
      );
      // Only the token's SHA-256 is stored.
      const token = cookie.split(';')[0]!.split('=')[1]!;
      const rows = await stack.db.prisma.session.findMany({ where: { userId: person.id } });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.tokenHash).not.toContain(token);
      expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);

      const again = await stack.http('GET', '/v1/session', undefined, {
        key: null,
        headers: { cookie: `a=b; ${cookie.split(';')[0]}` },
      });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(res.body);
    },
  );

  it('reads the e-mail address whatever its case', async () => {
    const person = await createPerson(stack, { role: 'operator', name: 'Casey' });
    const signed = await signIn(stack, person.email.toUpperCase());
    expect(signed.body.user.email).toBe(person.email);
  });

  it('answers the same 401 invalid_credentials for a wrong password, an unknown e-mail and a disabled account', async () => {
    const person = await createPerson(stack, { role: 'support', name: 'Wrong' });
    const disabled = await createPerson(stack, { role: 'support', name: 'Gone' });
    await stack.http('PATCH', `/v1/users/${disabled.id}`, { disabled: true });
    const tries = [
      { email: person.email, password: 'not the password' },
      { email: 'nobody@example.be', password: TEST_PASSWORD },
      { email: disabled.email, password: TEST_PASSWORD },
    ];
    for (const body of tries) {
      const res = await stack.http('POST', '/v1/session', body, { key: null });
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.body).toMatchObject({
        code: 'invalid_credentials',
        detail: 'the e-mail address or the password is wrong',
      });
    }
  });

  it('spends the same scrypt time on an unknown e-mail as on a wrong password', async () => {
    const person = await createPerson(stack, { role: 'support', name: 'Timing' });
    const time = async (email: string) => {
      const started = performance.now();
      await stack.http('POST', '/v1/session', { email, password: 'wrong-password' }, { key: null });
      return performance.now() - started;
    };
    // Each address fails at most twice here: below the account limit.
    const wrong = Math.min(await time(person.email), await time(person.email));
    const unknown = Math.min(await time('unknown-1@example.be'), await time('unknown-2@example.be'));
    expect(unknown).toBeGreaterThan(wrong * 0.5);
    expect(unknown).toBeGreaterThan(20); // scrypt ran: N = 2^15 takes tens of milliseconds
  });

  it('refuses a sign-in posted from another origin (login CSRF), accepts its own', async () => {
    const person = await createPerson(stack, { role: 'operator', name: 'Origin' });
    const body = { email: person.email, password: TEST_PASSWORD };
    const foreign = await stack.http('POST', '/v1/session', body, {
      key: null,
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ code: 'origin_not_allowed' });
    for (const origin of ['null', 'http://', 'https://[::1', 'not an origin']) {
      const odd = await stack.http('POST', '/v1/session', body, { key: null, headers: { origin } });
      expect(odd.status, origin).toBe(403);
    }
    const own = await stack.http('POST', '/v1/session', body, { key: null, headers: { origin: TEST_PUBLIC_BASE_URL } });
    expect(own.status).toBe(200);
    const sameHost = await stack.http('POST', '/v1/session', body, { key: null, headers: { origin: stack.api.url } });
    expect(sameHost.status).toBe(200);
  });

  it('answers 400 naming the field for a malformed sign-in', async () => {
    const res = await stack.http('POST', '/v1/session', { email: 'not-an-address', password: '' }, { key: null });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'password']);
  });

  it('refuses too many failed sign-ins of one account: 429 too_many_attempts with Retry-After, right password or not', async () => {
    const person = await createPerson(stack, { role: 'operator', name: 'Throttled' });
    for (let i = 0; i < 5; i++) {
      const res = await stack.http(
        'POST',
        '/v1/session',
        { email: person.email, password: `wrong ${i}` },
        { key: null },
      );
      expect(res.status).toBe(401);
    }
    const blocked = await stack.http(
      'POST',
      '/v1/session',
      { email: person.email, password: TEST_PASSWORD },
      { key: null },
    );
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ code: 'too_many_attempts' });
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // Counted in the shared rate_limits table under a hash of the address, never the address.
    const rows = await stack.db.prisma.rateLimit.findMany({ where: { key: { startsWith: 'sign-in-account' } } });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.key).join(' ')).not.toContain(person.email);
    // Another account is not affected.
    const other = await createPerson(stack, { role: 'operator', name: 'Unaffected' });
    expect((await signIn(stack, other.email)).body.user.id).toBe(other.id);
  });
});

describe('the session cookie on every /v1 route', () => {
  it('reads with the cookie; a change needs X-CSRF-Token equal to the session’s (403 csrf_token_invalid otherwise)', async () => {
    const person = await createPerson(stack, { role: 'operator', name: 'Csrf' });
    const session = await signIn(stack, person.email);
    expect((await stack.http('GET', '/v1/offices', undefined, asPerson(session, { csrf: false }))).status).toBe(200);
    const body = { name: 'Fiduciaire Cookie', language: 'fr', contactEmail: 'office@example.be' };
    for (const csrf of [false, 'wrong-token'] as const) {
      const refused = await stack.http('POST', '/v1/offices', body, asPerson(session, { csrf }));
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'csrf_token_invalid' });
    }
    const created = await stack.http('POST', '/v1/offices', body, asPerson(session));
    expect(created.status).toBe(201);
    // Another session's token is not this one's.
    const other = await signIn(stack, person.email);
    const crossed = await stack.http('POST', '/v1/offices', body, asPerson(session, { csrf: other.csrfToken }));
    expect(crossed.status).toBe(403);
  });

  it('keeps Bearer keys working, and Bearer wins over a cookie', async () => {
    expect((await stack.http('GET', '/v1/offices')).status).toBe(200);
    const operator = await createPerson(stack, { role: 'operator', name: 'Both' });
    const session = await signIn(stack, operator.email);
    const supportKey = await stack.key('support');
    const res = await stack.http(
      'POST',
      '/v1/offices',
      { name: 'Fiduciaire Both', language: 'fr', contactEmail: 'office@example.be' },
      { key: supportKey, headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken } },
    );
    // Read as the support key (which may not create offices), not as the operator's cookie.
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'forbidden' });
  });

  it('refuses an unknown or expired session cookie with 401', async () => {
    const unknown = await stack.http('GET', '/v1/offices', undefined, {
      key: null,
      headers: { cookie: `bankfeed_session=${'x'.repeat(43)}` },
    });
    expect(unknown.status).toBe(401);
    const person = await createPerson(stack, { role: 'operator', name: 'Expired' });
    const session = await signIn(stack, person.email);
    await stack.db.prisma.session.updateMany({
      where: { userId: person.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await stack.http('GET', '/v1/offices', undefined, asPerson(session))).status).toBe(401);
    expect((await stack.http('GET', '/v1/session', undefined, asPerson(session))).status).toBe(401);
  });

  it('scopes an accountant’s session to their office: another office’s case is 404', async () => {
    const own = await connection(officeId);
    const foreign = await connection(otherOfficeId);
    const accountant = await createPerson(stack, { role: 'accountant', name: 'Comptable', officeId });
    const session = await signIn(stack, accountant.email);
    expect((await stack.http('GET', `/v1/connections/${own}`, undefined, asPerson(session))).status).toBe(200);
    const hidden = await stack.http('GET', `/v1/connections/${foreign}`, undefined, asPerson(session));
    expect(hidden.status).toBe(404);
    const list = await stack.http('GET', '/v1/connections', undefined, asPerson(session));
    expect(list.body.data.map((c: { officeId: string }) => c.officeId)).toEqual(list.body.data.map(() => officeId));
  });

  it('signs out: DELETE /v1/session deletes the session and clears the cookie', async () => {
    const person = await createPerson(stack, { role: 'support', name: 'Leaving' });
    const session = await signIn(stack, person.email);
    const withoutToken = await stack.http('DELETE', '/v1/session', undefined, asPerson(session, { csrf: false }));
    expect(withoutToken.status).toBe(403);
    const out = await stack.http('DELETE', '/v1/session', undefined, asPerson(session));
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^bankfeed_session=; HttpOnly; SameSite=Lax; Path=\/; Max-Age=0/);
    expect(await stack.db.prisma.session.count({ where: { userId: person.id } })).toBe(0);
    expect((await stack.http('GET', '/v1/session', undefined, asPerson(session))).status).toBe(401);
    expect((await stack.http('GET', '/v1/offices', undefined, asPerson(session))).status).toBe(401);
    // Without a session it is a no-op that still clears the cookie.
    expect((await stack.http('DELETE', '/v1/session', undefined, { key: null })).status).toBe(204);
  });
});

describe('accounts (operators only)', () => {
  it('refuses /v1/users to support and accountants, by key and by session (403)', async () => {
    const support = await createPerson(stack, { role: 'support', name: 'Helpdesk' });
    const accountant = await createPerson(stack, { role: 'accountant', name: 'Office', officeId });
    for (const person of [support, accountant]) {
      const session = await signIn(stack, person.email);
      expect((await stack.http('GET', '/v1/users', undefined, asPerson(session))).status).toBe(403);
      const created = await stack.http(
        'POST',
        '/v1/users',
        { email: 'x@example.be', name: 'X', role: 'support', language: 'fr' },
        asPerson(session),
      );
      expect(created.status).toBe(403);
    }
    expect((await stack.http('GET', '/v1/users', undefined, { key: await stack.key('support') })).status).toBe(403);
  });

  it('creates an account with a generated password shown once, lists it, signs in with it', async () => {
    const created = await stack.http('POST', '/v1/users', {
      email: 'New.Person@Example.be',
      name: 'New Person',
      role: 'accountant',
      officeId,
      language: 'en',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      email: 'new.person@example.be',
      role: 'accountant',
      officeId,
      disabledAt: null,
    });
    expect(created.body.password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(JSON.stringify(created.body)).not.toMatch(/scrypt/);
    const listed = await stack.http('GET', '/v1/users?limit=200');
    const row = listed.body.data.find((u: { id: string }) => u.id === created.body.id);
    expect(row).toBeDefined();
    expect(row.password).toBeUndefined();
    expect((await signIn(stack, 'new.person@example.be', created.body.password)).body.user.language).toBe('en');
    // The principal row behind the account is no API key: not listed with the keys.
    const keys = await stack.http('GET', '/v1/api-keys');
    expect(keys.body.data.map((k: { name: string }) => k.name)).not.toContain('person: New Person');
  });

  it('refuses a duplicate e-mail (409) and an office that does not fit the role (400 naming officeId)', async () => {
    const body = {
      email: 'dup@example.be',
      name: 'Dup',
      role: 'support',
      language: 'fr',
      password: 'a long enough password',
    };
    expect((await stack.http('POST', '/v1/users', body)).status).toBe(201);
    const duplicate = await stack.http('POST', '/v1/users', { ...body, email: 'DUP@example.be' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ code: 'email_taken', errors: [{ in: 'body', path: 'email' }] });
    const noOffice = await stack.http('POST', '/v1/users', { ...body, email: 'acc@example.be', role: 'accountant' });
    expect(noOffice.status).toBe(400);
    expect(noOffice.body.errors).toEqual([expect.objectContaining({ path: 'officeId' })]);
    const officeForSupport = await stack.http('POST', '/v1/users', { ...body, email: 'sup@example.be', officeId });
    expect(officeForSupport.status).toBe(400);
    expect(officeForSupport.body.errors).toEqual([expect.objectContaining({ path: 'officeId' })]);
  });

  it('disabling an account or setting its password ends its sessions', async () => {
    const person = await createPerson(stack, { role: 'support', name: 'Ended' });
    const first = await signIn(stack, person.email);
    const changed = await stack.http('PATCH', `/v1/users/${person.id}`, { password: 'another long password' });
    expect(changed.status).toBe(200);
    expect((await stack.http('GET', '/v1/session', undefined, asPerson(first))).status).toBe(401);
    const second = await signIn(stack, person.email, 'another long password');
    const disabled = await stack.http('PATCH', `/v1/users/${person.id}`, { disabled: true });
    expect(disabled.body.disabledAt).not.toBeNull();
    expect((await stack.http('GET', '/v1/offices', undefined, asPerson(second))).status).toBe(401);
    const refused = await stack.http(
      'POST',
      '/v1/session',
      { email: person.email, password: 'another long password' },
      { key: null },
    );
    expect(refused.status).toBe(401);
    expect((await stack.http('PATCH', `/v1/users/${person.id}`, { disabled: false })).body.disabledAt).toBeNull();
    await signIn(stack, person.email, 'another long password');
  });

  it('an operator cannot disable their own account', async () => {
    const person = await createPerson(stack, { role: 'operator', name: 'Self' });
    const session = await signIn(stack, person.email);
    const res = await stack.http('PATCH', `/v1/users/${person.id}`, { disabled: true }, asPerson(session));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'cannot_disable_self' });
  });
});

describe('audit under the person', () => {
  it('names the person who acted through a session in the case timeline, its notes and the audit trail', async () => {
    const alice = await createPerson(stack, { role: 'operator', name: 'Alice' });
    const session = await signIn(stack, alice.email);
    const created = await stack.http(
      'POST',
      '/v1/connections',
      {
        officeId,
        provider: 'ponto',
        ownerLanguage: 'fr',
        ibans: ['BE68539007547034'],
        validUntil: new Date(Date.now() + 60 * DAY).toISOString(),
      },
      asPerson(session),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const id = created.body.id as string;
    const note = await stack.http(
      'POST',
      `/v1/connections/${id}/notes`,
      { text: 'Called the owner.' },
      asPerson(session),
    );
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ authorUserId: alice.id, authorName: 'Alice' });

    const timeline = await stack.http('GET', `/v1/connections/${id}/timeline`);
    const action = timeline.body.entries.find((e: { kind: string }) => e.kind === 'action');
    expect(action.actor).toMatchObject({ role: 'operator', userId: alice.id, name: 'Alice' });
    const noted = timeline.body.entries.find((e: { kind: string }) => e.kind === 'note');
    expect(noted.author).toMatchObject({ userId: alice.id, name: 'Alice' });

    const notes = await stack.http('GET', `/v1/connections/${id}/notes`);
    expect(notes.body.data[0]).toMatchObject({ authorUserId: alice.id, authorName: 'Alice' });

    const audit = await stack.http('GET', `/v1/audit?resourceType=connection&resourceId=${id}`);
    expect(audit.body.data.map((a: { actorName: string | null }) => a.actorName)).toEqual(['Alice', 'Alice']);
    expect(audit.body.data[0].actorUserId).toBe(alice.id);
    const byAlice = await stack.http('GET', `/v1/audit?actorUserId=${alice.id}&limit=200`);
    expect(byAlice.body.data.map((a: { action: string }) => a.action)).toEqual([
      'session.sign_in',
      'connection.create',
      'case.note',
    ]);
    const nobody = await stack.http('GET', `/v1/audit?actorUserId=${randomUUID()}`);
    expect(nobody.body.data).toEqual([]);
    // A machine's key is named by nobody.
    const byKey = await stack.http('POST', `/v1/connections/${id}/notes`, { text: 'By key.' });
    expect(byKey.body).toMatchObject({ authorUserId: null, authorName: null });
  });
});

describe('a state change made through a session', () => {
  it('names the person in the state change of the case timeline and the detail’s history', async () => {
    const client = await stack.http('POST', '/v1/clients', {
      officeId,
      companyName: 'Archive SRL',
      clientCode: `S-${Date.now()}`,
      language: 'fr',
    });
    const account = await stack.http('POST', `/v1/clients/${client.body.id}/bank-accounts`, {
      iban: 'BE68 5390 0754 7034',
    });
    const ordered = await stack.http('POST', '/v1/mandates', {
      bankAccountIds: [account.body.id],
      managementMode: 'office',
    });
    const id = ordered.body.data[0].mandate.id as string;
    await waitFor(
      async () =>
        (await stack.http('GET', `/v1/mandates/${id}`)).body.status === 'available_online' ? true : undefined,
      'the mandate to be presented',
    );
    const bob = await createPerson(stack, { role: 'accountant', name: 'Bob', officeId });
    const session = await signIn(stack, bob.email);
    const archived = await stack.http(
      'POST',
      `/v1/mandates/${id}/archive`,
      { reason: 'client left' },
      asPerson(session),
    );
    expect(archived.status, JSON.stringify(archived.body)).toBeLessThan(300);
    const timeline = await waitFor(async () => {
      const t = await stack.http('GET', `/v1/mandates/${id}/timeline`, undefined, asPerson(session));
      return t.body.entries.some((e: { to?: string }) => e.to === 'archived') ? t.body : undefined;
    }, 'the archive in the timeline');
    const change = timeline.entries.find((e: { to?: string }) => e.to === 'archived');
    expect(change.actor).toMatchObject({ userId: bob.id, name: 'Bob' });
    // The detail's history says the same.
    const detail = await stack.http('GET', `/v1/mandates/${id}`, undefined, asPerson(session));
    expect(detail.body.history.at(-1)).toMatchObject({ to: 'archived', actor: { userId: bob.id, name: 'Bob' } });
    expect(detail.body.history[0].actor.name).toBeUndefined();
    const action = timeline.entries.find(
      (e: { kind: string; action?: string }) => e.kind === 'action' && e.action === 'mandate.archive',
    );
    expect(action.actor).toMatchObject({ role: 'accountant', userId: bob.id, name: 'Bob' });
  });
});

describe('throttling per client address', () => {
  it('counts attempts sent at once: of 10 parallel wrong passwords for one account, 5 are checked, the rest 429', async () => {
    const person = await createPerson(stack, { role: 'support', name: 'Parallel' });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        signInFrom(stack, '127.0.0.8', { email: person.email, password: `wrong ${i}` }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
  });

  it('refuses sign-ins from one address after 20 failures within 15 minutes, whatever the account; others still sign in', async () => {
    const person = await createPerson(stack, { role: 'operator', name: 'Fresh' });
    for (let i = 0; i < 20; i++) {
      const res = await signInFrom(stack, '127.0.0.9', { email: `nobody-${i}@example.be`, password: 'x' });
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const blocked = await signInFrom(stack, '127.0.0.9', { email: person.email, password: TEST_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ code: 'too_many_attempts' });
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // From another address the same account signs in.
    expect((await signInFrom(stack, '127.0.0.10', { email: person.email, password: TEST_PASSWORD })).status).toBe(200);
  });

  it('does not count successful sign-ins against the address', async () => {
    const person = await createPerson(stack, { role: 'operator', name: 'Often' });
    for (let i = 0; i < 25; i++)
      expect((await signInFrom(stack, '127.0.0.11', { email: person.email, password: TEST_PASSWORD })).status).toBe(
        200,
      );
  });
});

// Last: it may use up this client address's allowance for the rest of the file.
describe('hostile sign-ins', () => {
  it('answers 4xx problem+json, never 5xx and never a session, to malformed and hostile sign-ins', async () => {
    const nasty: unknown[] = [
      null,
      true,
      0,
      1e308,
      {},
      [],
      '',
      ' ',
      'x'.repeat(20_000),
      "' OR 1=1 --",
      'a\u0000b',
      '\ud800',
      '🏦💶',
    ];
    const bodies: unknown[] = [
      'not json',
      [],
      {},
      { email: 'a@example.be', password: 'x', extra: 1 },
      ...nasty.flatMap((value) => [
        { email: value, password: 'x' },
        { email: 'nasty@example.be', password: value },
      ]),
    ];
    const sessionsBefore = await stack.db.prisma.session.count();
    for (const body of bodies) {
      const res = await stack.http('POST', '/v1/session', typeof body === 'string' ? body : JSON.stringify(body), {
        key: null,
      });
      expect([400, 401, 413, 429], `${JSON.stringify(body)?.slice(0, 80)} → ${res.status}`).toContain(res.status);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect(await stack.db.prisma.session.count()).toBe(sessionsBefore);
  });
});
