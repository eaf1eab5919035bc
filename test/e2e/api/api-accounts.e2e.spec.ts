/**
 * People's accounts from outside, with real clients: the invitation e-mail through a real SMTP
 * server, the password set from its link, login, logout, expiry, throttling, password reset,
 * who may create whom, and the CSRF and cross-site refusals on every state-changing route.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserRepository } from '@hv/state';
import { insertAlarm, PASSWORD, startApiPlatform, type ApiPlatform, type Session } from '../../support/api-platform';
import { plainText, startSmtp } from '../../support/smtp';
import { waitFor } from '../../support/wait';

let p: ApiPlatform;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let seq = 0;
const fresh = (prefix: string) => `${prefix}-${process.pid}-${++seq}@example.org`;

/** The one-time link of the last e-mail to `to`, after `after` e-mails to that address. */
async function linkIn(to: string, after = 0): Promise<{ token: string; text: string; subject: string }> {
  const mail = await waitFor(
    () => smtp.mails.filter((m) => m.to.includes(to))[after],
    (m) => m !== undefined,
    15_000,
    100,
  );
  const text = plainText(mail!.raw);
  const link = /(http:\/\/\S+#\/(?:invitation|reinitialisation)\/([A-Za-z0-9_-]{43}))/.exec(text);
  if (!link) throw new Error(`no link in the e-mail to ${to}:\n${text}`);
  expect(link[1]!.startsWith(p.url), 'links start with the public URL').toBe(true);
  const subject = /^Subject: (.*)$/m.exec(mail!.raw)?.[1] ?? '';
  return { token: link[2]!, text, subject };
}

beforeAll(async () => {
  smtp = await startSmtp();
  // As behind a reverse proxy on loopback: the client's address comes from X-Forwarded-For.
  p = await startApiPlatform('e2e_accounts', { HV_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, HV_TRUST_PROXY: '127.0.0.1' });
});
afterAll(async () => {
  await p?.stop();
  await smtp?.close();
});

describe('invitation, first password, login and logout', () => {
  it('an operator invites a commune secretary, who sets a password from the e-mail link, signs in and sees only her commune', async () => {
    const email = fresh('secretaire');
    const created = await p.call('POST', '/api/v1/users', { session: p.sessions.operator, body: { email: email.toUpperCase(), name: 'Marie Dupont', role: 'commune', tenant: p.tenants.A.tenant } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ email, role: 'commune', tenant: p.tenants.A.tenant, state: 'invited', invitation: { sent: true } });
    expect(JSON.stringify(created.body)).not.toMatch(/[A-Za-z0-9_-]{43}/);

    const { token, text, subject } = await linkIn(email);
    expect(subject).toMatch(/invitation/i);
    expect(text).toContain('Bonjour Marie Dupont');
    // Not signed in before the password is set.
    expect((await p.call('POST', '/api/v1/session', { body: { email, password: PASSWORD } })).status).toBe(401);

    const weak = await p.call('POST', '/api/v1/invitations/accept', { body: { token, password: 'court' } });
    expect(weak.status).toBe(400);
    expect(weak.body.issues.map((i: { field: string }) => i.field)).toEqual(['body.password']);
    const same = await p.call('POST', '/api/v1/invitations/accept', { body: { token, password: email } });
    expect(same.status).toBe(400);
    expect(same.body.issues[0].message).toMatch(/e-mail/);

    expect((await p.call('POST', '/api/v1/invitations/accept', { body: { token, password: PASSWORD } })).status).toBe(204);
    const again = await p.call('POST', '/api/v1/invitations/accept', { body: { token, password: 'un autre mot de passe' } });
    expect(again.status).toBe(400);
    expect(again.body.issues.map((i: { field: string }) => i.field)).toEqual(['body.token']);

    const login = await p.call('POST', '/api/v1/session', { body: { email: email.toUpperCase(), password: PASSWORD } });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^hv_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Secure/); // plain http on loopback: a Secure cookie would never come back
    expect(login.headers.get('cache-control')).toBe('no-store');
    const session = await p.login(email);

    const me = await p.call('GET', '/api/v1/me', { session });
    expect(me.body).toMatchObject({ user: { email, name: 'Marie Dupont', role: 'commune', tenant: p.tenants.A.tenant }, tenants: [p.tenants.A.tenant] });
    const devices = await p.call('GET', '/api/v1/devices?limit=1000', { session });
    expect(devices.status).toBe(200);
    expect(devices.body.devices.length).toBeGreaterThan(0);
    expect(new Set(devices.body.devices.map((d: { tenant: string }) => d.tenant))).toEqual(new Set([p.tenants.A.tenant]));
    expect((await p.call('GET', `/api/v1/devices/${p.tenants.B.device}`, { session })).status).toBe(404);

    // Acting as herself: an alarm acknowledged in a session names her.
    const alarm = await insertAlarm(p.db, p.tenants.A);
    const ack = await p.call('POST', `/api/v1/alarms/${alarm}/acknowledge`, { session });
    expect(ack.status).toBe(200);
    expect(JSON.stringify(ack.body)).toContain('Marie Dupont (user ');

    const current = await p.call('GET', '/api/v1/session', { session });
    expect(current.body).toMatchObject({ user: { email }, csrfToken: session.csrf });
    expect((await p.call('DELETE', '/api/v1/session', { session })).status).toBe(204);
    expect((await p.call('GET', '/api/v1/me', { session })).status).toBe(401);
    expect((await p.call('GET', '/api/v1/session', { session })).status).toBe(401);
  });

  it('answers a wrong password and an unknown address alike', async () => {
    const wrong = await p.call('POST', '/api/v1/session', { body: { email: p.emails.communeB, password: 'pas le bon mot de passe' } });
    const unknown = await p.call('POST', '/api/v1/session', { body: { email: fresh('personne'), password: 'pas le bon mot de passe' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toBe(wrong.body.message);
  });

  it('ends a session idle too long, or past its absolute expiry', async () => {
    const idle = await p.login(p.emails.communeA);
    const old = await p.login(p.emails.communeA);
    const live = await p.login(p.emails.communeA);
    expect((await p.call('GET', '/api/v1/me', { session: idle })).status).toBe(200);
    const digest = (s: Session) => createHash('sha256').update(s.cookie).digest('hex');
    await p.db.query(`UPDATE user_sessions SET last_seen_at = now() - interval '121 minutes' WHERE digest = $1`, [digest(idle)]);
    await p.db.query(`UPDATE user_sessions SET expires_at = now() - interval '1 second' WHERE digest = $1`, [digest(old)]);
    expect((await p.call('GET', '/api/v1/me', { session: idle })).status).toBe(401);
    expect((await p.call('GET', '/api/v1/me', { session: old })).status).toBe(401);
    expect((await p.call('GET', '/api/v1/me', { session: live })).status).toBe(200);
  });
});

describe('who administers whom', () => {
  it('an EPCI creates accounts of itself and its communes only; a commune creates none', async () => {
    const epci = p.sessions.epciA;
    const ok = await p.call('POST', '/api/v1/users', { session: epci, body: { email: fresh('tech'), name: 'Technicien', role: 'commune', tenant: p.tenants.A2.tenant } });
    expect(ok.status).toBe(201);
    const refusals = [
      { email: fresh('x'), name: 'X', role: 'operator' },
      { email: fresh('x'), name: 'X', role: 'cdn' },
      { email: fresh('x'), name: 'X', role: 'commune', tenant: p.tenants.B.tenant },
    ];
    for (const body of refusals) {
      const res = await p.call('POST', '/api/v1/users', { session: epci, body });
      expect(res.status, JSON.stringify(body)).toBe(403);
    }
    expect((await p.call('POST', '/api/v1/users', { session: p.sessions.communeA, body: { email: fresh('x'), name: 'X', role: 'commune', tenant: p.tenants.A.tenant } })).status).toBe(403);
    // Nothing of the refused was created.
    const { rows } = await p.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE name = 'X'`);
    expect(rows[0]!.n).toBe(0);
    // The EPCI sees its communes' accounts, not B's nor the operators'.
    const listed = await p.call('GET', '/api/v1/users', { session: epci });
    const tenants = new Set(listed.body.users.map((u: { tenant: string | null }) => u.tenant));
    expect(tenants.has(p.tenants.A2.tenant)).toBe(true);
    expect(tenants.has(p.tenants.B.tenant)).toBe(false);
    expect(tenants.has(null)).toBe(false);
  });

  it('names the bad field of a bad account, and refuses an address already in use', async () => {
    const bad = await p.call('POST', '/api/v1/users', { session: p.sessions.operator, body: { email: 'pas une adresse', name: '', role: 'maire' } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['body.email', 'body.name', 'body.role']);
    const noTenant = await p.call('POST', '/api/v1/users', { session: p.sessions.operator, body: { email: fresh('y'), name: 'Y', role: 'commune' } });
    expect(noTenant.body.issues?.[0]?.field).toBe('body.tenant');
    const dup = await p.call('POST', '/api/v1/users', { session: p.sessions.operator, body: { email: p.emails.communeB.toUpperCase(), name: 'Z', role: 'public' } });
    expect(dup.status).toBe(409);
    expect(dup.body.issues[0].field).toBe('body.email');
  });

  it('a disabled account is signed out at once and cannot sign in; enabled, it can again', async () => {
    const email = fresh('agent');
    const created = await p.call('POST', '/api/v1/users', { key: p.keys.operator, body: { email, name: 'Agent', role: 'commune', tenant: p.tenants.B.tenant } });
    const { token } = await linkIn(email);
    expect((await p.call('POST', '/api/v1/invitations/accept', { body: { token, password: PASSWORD } })).status).toBe(204);
    const session = await p.login(email);
    expect((await p.call('POST', `/api/v1/users/${created.body.id}/disable`, { session: p.sessions.operator })).body.state).toBe('disabled');
    expect((await p.call('GET', '/api/v1/me', { session })).status).toBe(401);
    expect((await p.call('POST', '/api/v1/session', { body: { email, password: PASSWORD } })).status).toBe(401);
    expect((await p.call('POST', `/api/v1/users/${created.body.id}/enable`, { session: p.sessions.operator })).body.state).toBe('active');
    expect((await p.call('GET', '/api/v1/me', { session: await p.login(email) })).status).toBe(200);
  });
});

describe('password reset', () => {
  it('e-mails a link to a known address only, answers alike, and the new password ends every other session', async () => {
    const email = fresh('reset');
    await p.call('POST', '/api/v1/users', { key: p.keys.operator, body: { email, name: 'Paul', role: 'commune', tenant: p.tenants.A.tenant } });
    expect((await p.call('POST', '/api/v1/invitations/accept', { body: { token: (await linkIn(email)).token, password: PASSWORD } })).status).toBe(204);
    const before = await p.login(email);

    const unknown = fresh('inconnu');
    const answers = [await p.call('POST', '/api/v1/password-reset', { body: { email } }), await p.call('POST', '/api/v1/password-reset', { body: { email: unknown } })];
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    expect(answers[0]!.body).toEqual(answers[1]!.body);
    const { token, subject } = await linkIn(email, 1);
    expect(subject).toMatch(/r=C3=A9initialisation|réinitialisation/i);

    const newPassword = 'un tout nouveau mot de passe';
    expect((await p.call('POST', '/api/v1/password-reset/confirm', { body: { token, password: newPassword } })).status).toBe(204);
    expect((await p.call('GET', '/api/v1/me', { session: before })).status).toBe(401);
    expect((await p.call('POST', '/api/v1/session', { body: { email, password: PASSWORD } })).status).toBe(401);
    expect((await p.login(email, newPassword)).csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await p.call('POST', '/api/v1/password-reset/confirm', { body: { token, password: 'encore un autre mot de passe' } })).status).toBe(400);
    // A link serves its own purpose only: an invitation's does not reset, a reset's does not invite.
    const other = fresh('croise');
    const created = await p.call('POST', '/api/v1/users', { key: p.keys.operator, body: { email: other, name: 'Croisé', role: 'public' } });
    const invitation = (await linkIn(other)).token;
    expect((await p.call('POST', '/api/v1/password-reset/confirm', { body: { token: invitation, password: newPassword } })).body.issues?.[0]?.field).toBe('body.token');
    const reset = (await new UserRepository(p.db).issueToken(created.body.id, 'reset', 60_000)).token;
    expect((await p.call('POST', '/api/v1/invitations/accept', { body: { token: reset, password: newPassword } })).body.issues?.[0]?.field).toBe('body.token');
    // The unknown address got nothing (its request was answered before the known one's mail arrived).
    expect(smtp.mails.filter((m) => m.to.includes(unknown))).toEqual([]);
  });
});

describe('CSRF and cross-site requests, on every state-changing route', () => {
  let unsafe: Array<{ method: string; path: string; anonymous: boolean }>;

  beforeAll(async () => {
    const doc = await p.call('GET', '/api/v1/openapi.json');
    unsafe = Object.entries(doc.body.paths as Record<string, Record<string, { 'x-hv-access': string }>>).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => method !== 'get')
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          // Path parameters filled with A's values or plausible ids: the guard answers before any lookup.
          path: path.replace('{tenant}', p.tenants.A.tenant).replace('{device}', p.tenants.A.device).replace(/\{[a-z]+\}/g, 'aaaaaaaaaaaaaaaa'),
          anonymous: op['x-hv-access'] === 'anonymous',
        })),
    );
  });

  it('refuses, on every route, a session request without its CSRF token or with another session\'s, and changes nothing', async () => {
    expect(unsafe.filter((o) => !o.anonymous).length).toBeGreaterThan(20);
    const keysBefore = await p.db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys');
    const other = await p.login(p.emails.epciA);
    const wrong: string[] = [];
    for (const op of unsafe.filter((o) => !o.anonymous)) {
      for (const attempt of [{ csrf: false }, { session: { ...p.sessions.operator, csrf: other.csrf } }]) {
        const res = await p.call(op.method, op.path, { session: p.sessions.operator, body: { name: 'csrf', role: 'public' }, ...attempt });
        if (res.status !== 403 || !/CSRF/.test(res.body.message)) wrong.push(`${op.method} ${op.path}: ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect((await p.db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys')).rows[0]!.n).toBe(keysBefore.rows[0]!.n);
    // The same request with the token goes through.
    expect((await p.call('POST', '/api/v1/keys', { session: p.sessions.operator, body: { name: 'csrf', role: 'public' } })).status).toBe(201);
  });

  it('refuses, on every route, anonymous ones included, a state-changing request a browser says comes from another site', async () => {
    const wrong: string[] = [];
    for (const op of unsafe) {
      for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }] as Array<Record<string, string>>) {
        const res = await p.call(op.method, op.path, { session: p.sessions.operator, headers, body: { email: p.emails.operator, password: PASSWORD } });
        if (res.status !== 403 || !/another site/.test(res.body.message)) wrong.push(`${op.method} ${op.path} ${JSON.stringify(headers)}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
    // The console's own origin passes.
    const own = await p.call('POST', '/api/v1/session', { headers: { origin: p.url, 'sec-fetch-site': 'same-origin' }, body: { email: p.emails.operator, password: PASSWORD } });
    expect(own.status).toBe(200);
  });
});

describe('login throttling', () => {
  it('five wrong passwords lock the account for a while, even for the right one; other accounts stay open', async () => {
    const email = p.emails.cdn;
    for (let i = 0; i < 4; i++) expect((await p.call('POST', '/api/v1/session', { body: { email, password: `mauvais ${i}` } })).status).toBe(401);
    const fifth = await p.call('POST', '/api/v1/session', { body: { email, password: 'mauvais 5' } });
    expect(fifth.status).toBe(429);
    const right = await p.call('POST', '/api/v1/session', { body: { email: email.toUpperCase(), password: PASSWORD } });
    expect(right.status).toBe(429);
    const retryAfter = Number(right.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(right.body.message).toMatch(/try again in 15 min/);
    expect((await p.call('POST', '/api/v1/session', { body: { email: p.emails.public, password: PASSWORD } })).status).toBe(200);
    // When the lock is over (moved into the past here), the right password works and clears the count.
    await p.db.query(`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE subject = $1`, [`account:${email}`]);
    expect((await p.call('POST', '/api/v1/session', { body: { email, password: PASSWORD } })).status).toBe(200);
    expect((await p.db.query('SELECT 1 FROM login_throttle WHERE subject = $1', [`account:${email}`])).rowCount).toBe(0);
  });

  it('an address that fails on many accounts is locked for every account, and only that address', async () => {
    const from = (address: string) => ({ 'x-forwarded-for': address });
    let status = 0;
    let tries = 0;
    while (status !== 429 && tries < 25) {
      status = (await p.call('POST', '/api/v1/session', { headers: from('203.0.113.7'), body: { email: fresh('spray'), password: 'azerty123456' } })).status;
      tries++;
    }
    expect(status).toBe(429);
    expect(tries).toBe(20);
    expect((await p.db.query('SELECT 1 FROM login_throttle WHERE subject = $1 AND locked_until > now()', ['address:203.0.113.7'])).rowCount).toBe(1);
    expect((await p.call('POST', '/api/v1/session', { headers: from('203.0.113.7'), body: { email: p.emails.public, password: PASSWORD } })).status).toBe(429);
    // Another client behind the same proxy is not locked out with it.
    expect((await p.call('POST', '/api/v1/session', { headers: from('198.51.100.20'), body: { email: p.emails.public, password: PASSWORD } })).status).toBe(200);
  });
});
