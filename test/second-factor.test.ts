import type { FastifyInstance } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/server/config.js';
import { auditCount } from './harness/audit.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import {
  ADMIN_PASSWORD,
  call,
  login,
  makeNode,
  type NodeHandle,
  type Session,
} from './harness/node.js';

// Issue 16, "Second factor": TOTP (RFC 6238) with recovery codes, checked with a real TOTP
// library (otpauth, as an authenticator app computes codes), and a node that requires one
// of its admins (auth.requireSecondFactor).

const CLI = { kind: 'cli', osUser: 'test' } as const;

/** The code an authenticator app shows for `secret`, `stepsAhead` steps from now. */
function codeOf(secret: string, stepsAhead = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + stepsAhead * 30_000 });
}

/** A 6-digit code that is not the current one (nor the one either side). */
function wrongCode(secret: string): string {
  const near = new Set([codeOf(secret, -1), codeOf(secret), codeOf(secret, 1)]);
  for (let n = 123_456; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}

function loginAttempt(app: FastifyInstance, body: Record<string, string>) {
  return app.inject({ method: 'POST', url: '/api/session', payload: body });
}

function cookieOf(response: { headers: Record<string, unknown>; json: () => unknown }): Session {
  const setCookie = response.headers['set-cookie'];
  const line = Array.isArray(setCookie) ? String(setCookie[0]) : String(setCookie);
  return {
    cookie: line.split(';')[0] ?? '',
    csrf: (response.json() as { csrfToken: string }).csrfToken,
  };
}

/**
 * Begins (with the account's `password`) and confirms an enrolment for `session`: the secret
 * and the recovery codes.
 */
async function enrol(
  app: FastifyInstance,
  session: Session,
  password: string,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const begun = await call(app, session, 'POST', '/api/me/second-factor', { password });
  expect(begun.statusCode, begun.body).toBe(200);
  const { secret } = begun.json<{ secret: string }>();
  const confirmed = await call(app, session, 'POST', '/api/me/second-factor/confirm', {
    code: codeOf(secret),
  });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { secret, recoveryCodes: confirmed.json<{ recoveryCodes: string[] }>().recoveryCodes };
}

it('reads auth.requireSecondFactor from LIAISON_REQUIRE_SECOND_FACTOR', () => {
  const node = { id: 'us-doj', name: 'Test node', country: 'US', timeZone: 'America/New_York' };
  const config = parseConfig({ node }, '/nonexistent', { LIAISON_REQUIRE_SECOND_FACTOR: 'all' });
  expect(config.auth.requireSecondFactor).toBe('all');
});

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`second factor on ${dialect}`, () => {
    const handles: NodeHandle[] = [];
    afterAll(async () => {
      for (const h of handles) await h.destroy();
    });

    it('is enrolled with a code, then asked at login; a recovery code works once; replayed and wrong codes are refused', async () => {
      const node = await makeNode({ dialect });
      handles.push(node);
      const { app } = node;
      const ana = await node.createUser('ana', ['analyst']);
      const session = await login(app, ana.username, ana.password);

      let status = await call(app, session, 'GET', '/api/me/second-factor');
      expect(status.json()).toEqual({
        enabled: false,
        enabledAt: null,
        required: false,
        recoveryCodesLeft: 0,
      });

      // Begin (with the password): a secret, the URI an app scans (issuer names the node) and
      // its QR code.
      const begun = await call(app, session, 'POST', '/api/me/second-factor', {
        password: ana.password,
      });
      expect(begun.statusCode, begun.body).toBe(200);
      const enrollment = begun.json<{ secret: string; uri: string; qrSvg: string }>();
      expect(enrollment.secret).toMatch(/^[A-Z2-7]{32}$/);
      const uri = new URL(enrollment.uri);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.searchParams.get('issuer')).toBe('Liaison (us-doj)');
      expect(uri.searchParams.get('secret')).toBe(enrollment.secret);
      expect(decodeURIComponent(uri.pathname)).toContain('ana');
      expect(enrollment.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
      // Not active until confirmed: logging in still needs no code.
      expect(
        (await loginAttempt(app, { username: 'ana', password: ana.password })).statusCode,
      ).toBe(200);

      const wrong = await call(app, session, 'POST', '/api/me/second-factor/confirm', {
        code: wrongCode(enrollment.secret),
      });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error.code).toBe('second_factor_invalid');

      const confirmed = await call(app, session, 'POST', '/api/me/second-factor/confirm', {
        code: codeOf(enrollment.secret),
      });
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      const { recoveryCodes } = confirmed.json<{ recoveryCodes: string[] }>();
      expect(recoveryCodes).toHaveLength(10);
      expect(new Set(recoveryCodes).size).toBe(10);
      expect(await auditCount(node, 'second_factor.enroll', ana.id)).toBe(1);
      status = await call(app, session, 'GET', '/api/me/second-factor');
      expect(status.json()).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
      expect((await call(app, session, 'GET', '/api/me')).json()).toMatchObject({
        secondFactor: true,
        mustEnrollSecondFactor: false,
      });
      // Only hashes are kept.
      const stored = await node.node.store.db.selectFrom('recovery_codes').selectAll().execute();
      expect(stored).toHaveLength(10);
      for (const code of recoveryCodes) expect(JSON.stringify(stored)).not.toContain(code);
      // A second enrolment while one is active is refused.
      const again = await call(app, session, 'POST', '/api/me/second-factor', {
        password: ana.password,
      });
      expect(again.json().error.code).toBe('second_factor_enabled');

      // The password alone: 401 second_factor_required, no session, nothing about the user.
      const missing = await loginAttempt(app, { username: 'ana', password: ana.password });
      expect(missing.statusCode).toBe(401);
      expect(missing.json().error.code).toBe('second_factor_required');
      expect(missing.headers['set-cookie']).toBeUndefined();
      expect(missing.body).not.toContain(ana.id);
      // A wrong password with a right code is still a wrong password.
      const badPassword = await loginAttempt(app, {
        username: 'ana',
        password: 'not the password',
        code: codeOf(enrollment.secret, 1),
      });
      expect(badPassword.json().error.code).toBe('invalid_credentials');
      const badCode = await loginAttempt(app, {
        username: 'ana',
        password: ana.password,
        code: wrongCode(enrollment.secret),
      });
      expect(badCode.statusCode).toBe(401);
      expect(badCode.json().error.code).toBe('second_factor_invalid');
      expect(badCode.headers['set-cookie']).toBeUndefined();
      const malformed = await loginAttempt(app, {
        username: 'ana',
        password: ana.password,
        code: 'abc',
      });
      expect(malformed.json().error.code).toBe('second_factor_invalid');

      // The next step's code (the confirmation took this one) logs in, once.
      const next = codeOf(enrollment.secret, 1);
      const withCode = await loginAttempt(app, {
        username: 'ana',
        password: ana.password,
        code: next,
      });
      expect(withCode.statusCode, withCode.body).toBe(200);
      const viaCode = cookieOf(withCode);
      expect((await call(app, viaCode, 'GET', '/api/me/sessions')).statusCode).toBe(200);
      const replayed = await loginAttempt(app, {
        username: 'ana',
        password: ana.password,
        code: next,
      });
      expect(replayed.statusCode).toBe(401);
      expect(replayed.json().error.code).toBe('second_factor_invalid');

      // A recovery code works once, in any case and with or without its dash.
      const recovery = recoveryCodes[0] as string;
      const withRecovery = await loginAttempt(app, {
        username: 'ana',
        password: ana.password,
        recoveryCode: recovery.toUpperCase().replace('-', ''),
      });
      expect(withRecovery.statusCode, withRecovery.body).toBe(200);
      expect(await auditCount(node, 'second_factor.recovery_code_used', ana.id)).toBe(1);
      const reused = await loginAttempt(app, {
        username: 'ana',
        password: ana.password,
        recoveryCode: recovery,
      });
      expect(reused.json().error.code).toBe('second_factor_invalid');
      status = await call(app, session, 'GET', '/api/me/second-factor');
      expect(status.json()).toMatchObject({ recoveryCodesLeft: 9 });

      // TAXII's HTTP Basic takes a password only: refused for an account with a factor.
      const basic = await app.inject({
        method: 'GET',
        url: '/taxii2/',
        headers: {
          authorization: `Basic ${Buffer.from(`ana:${ana.password}`).toString('base64')}`,
          accept: 'application/taxii+json;version=2.1',
        },
      });
      expect(basic.statusCode).toBe(401);
      expect(basic.body).toContain('second_factor_required');

      // New recovery codes (proved by the password): the old ones stop working.
      const regenerated = await call(app, session, 'POST', '/api/me/second-factor/recovery-codes', {
        password: ana.password,
      });
      expect(regenerated.statusCode, regenerated.body).toBe(200);
      const fresh = regenerated.json<{ recoveryCodes: string[] }>().recoveryCodes;
      expect(fresh).toHaveLength(10);
      expect(await auditCount(node, 'second_factor.recovery_codes_regenerated', ana.id)).toBe(1);
      const old = await loginAttempt(app, {
        username: 'ana',
        password: ana.password,
        recoveryCode: recoveryCodes[1] as string,
      });
      expect(old.json().error.code).toBe('second_factor_invalid');
      const proof = await call(app, session, 'POST', '/api/me/second-factor/recovery-codes', {});
      expect(proof.statusCode).toBe(400);

      // Disable: a wrong password is refused; the right one turns it off, audited.
      const refused = await call(app, session, 'POST', '/api/me/second-factor/disable', {
        password: 'not the password',
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('wrong_password');
      const disabled = await call(app, session, 'POST', '/api/me/second-factor/disable', {
        password: ana.password,
      });
      expect(disabled.statusCode, disabled.body).toBe(204);
      expect(await auditCount(node, 'second_factor.disable', ana.id)).toBe(1);
      expect(
        (await loginAttempt(app, { username: 'ana', password: ana.password })).statusCode,
      ).toBe(200);
      expect(await node.node.store.db.selectFrom('recovery_codes').selectAll().execute()).toEqual(
        [],
      );
      // The secret never reached the audit log.
      const audit = await node.node.store.db.selectFrom('audit_log').selectAll().execute();
      expect(JSON.stringify(audit)).not.toContain(enrollment.secret);
    });

    it('counts wrong codes in the login throttle of the account', async () => {
      const node = await makeNode({ dialect });
      handles.push(node);
      const { app } = node;
      const bo = await node.createUser('bo', ['analyst']);
      const { secret } = await enrol(app, await login(app, bo.username, bo.password), bo.password);
      const wrong = wrongCode(secret);
      for (let i = 0; i < 5; i++) {
        const r = await loginAttempt(app, { username: 'bo', password: bo.password, code: wrong });
        expect(r.json().error.code).toBe('second_factor_invalid');
      }
      const locked = await loginAttempt(app, {
        username: 'bo',
        password: bo.password,
        code: codeOf(secret, 1),
      });
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('too_many_attempts');
      // Another account from the same address still logs in.
      expect(
        (await loginAttempt(app, { username: 'admin', password: ADMIN_PASSWORD })).statusCode,
      ).toBe(200);
    });

    it('is not enrolled from a session alone (a stolen cookie): the password is asked, and a wrong one counts in the throttle', async () => {
      const node = await makeNode({ dialect });
      handles.push(node);
      const { app } = node;
      const cy = await node.createUser('cy', ['officer']);
      const owner = await login(app, cy.username, cy.password);
      // The thief holds a session of cy's (its cookie), not the password.
      const thief = await login(app, cy.username, cy.password);
      const pendingSecret = async () =>
        (
          await node.node.store.db
            .selectFrom('users')
            .select('totp_secret')
            .where('id', '=', cy.id)
            .executeTakeFirstOrThrow()
        ).totp_secret;

      // No password: the request is malformed; a wrong one is refused like /api/me/password's.
      const none = await call(app, thief, 'POST', '/api/me/second-factor', {});
      expect(none.statusCode).toBe(400);
      expect(none.json().error.code).toBe('invalid_request');
      const guessed = await call(app, thief, 'POST', '/api/me/second-factor', {
        password: 'not the password',
      });
      expect(guessed.statusCode).toBe(403);
      expect(guessed.json().error.code).toBe('wrong_password');
      expect(await pendingSecret()).toBeNull();
      // Nothing pending, so nothing to confirm whatever the code.
      const confirmed = await call(app, thief, 'POST', '/api/me/second-factor/confirm', {
        code: '123456',
      });
      expect(confirmed.statusCode).toBe(409);
      expect(confirmed.json().error.code).toBe('second_factor_not_pending');
      expect(await auditCount(node, 'second_factor.enroll', cy.id)).toBe(0);
      expect((await loginAttempt(app, { username: 'cy', password: cy.password })).statusCode).toBe(
        200,
      );

      // The owner begins with the password; the thief cannot replace that pending secret.
      const begun = await call(app, owner, 'POST', '/api/me/second-factor', {
        password: cy.password,
      });
      expect(begun.statusCode, begun.body).toBe(200);
      const { secret } = begun.json<{ secret: string }>();
      const again = await call(app, thief, 'POST', '/api/me/second-factor', {
        password: 'still not the password',
      });
      expect(again.json().error.code).toBe('wrong_password');
      expect(await pendingSecret()).toBe(secret);
      const done = await call(app, owner, 'POST', '/api/me/second-factor/confirm', {
        code: codeOf(secret),
      });
      expect(done.statusCode, done.body).toBe(200);
      expect(await auditCount(node, 'second_factor.enroll', cy.id)).toBe(1);

      // Wrong passwords count in the login throttle of the account, as wrong codes do: five
      // lock it, for enrolment and login alike.
      const dee = await node.createUser('dee', ['analyst']);
      const deeSession = await login(app, dee.username, dee.password);
      for (let i = 0; i < 5; i++) {
        const r = await call(app, deeSession, 'POST', '/api/me/second-factor', {
          password: `wrong ${i}`,
        });
        expect(r.json().error.code).toBe('wrong_password');
      }
      const locked = await call(app, deeSession, 'POST', '/api/me/second-factor', {
        password: dee.password,
      });
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('too_many_attempts');
      expect(locked.headers['retry-after']).toBeDefined();
      const loginLocked = await loginAttempt(app, { username: 'dee', password: dee.password });
      expect(loginLocked.statusCode).toBe(429);
    });

    it('is required of admins when the config says so: nothing but enrolment until then; an admin resets it', async () => {
      const node = await makeNode({ dialect, auth: { requireSecondFactor: 'admins' } });
      handles.push(node);
      const { app } = node;
      const admin = await login(app, 'admin', node.admin.password);
      const me = await call(app, admin, 'GET', '/api/me');
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ secondFactor: false, mustEnrollSecondFactor: true });
      const adminId = me.json<{ id: string }>().id;

      // Restricted: every other route answers 403 second_factor_enrollment_required.
      for (const [method, url] of [
        ['GET', '/api/users'],
        ['GET', '/api/me/sessions'],
        ['GET', '/api/cases'],
        ['GET', '/api/node'],
        ['POST', '/api/tokens'],
      ] as const) {
        const r = await call(app, admin, method, url, method === 'POST' ? {} : undefined);
        expect(r.statusCode, `${method} ${url}`).toBe(403);
        expect(r.json().error.code, `${method} ${url}`).toBe('second_factor_enrollment_required');
      }
      expect((await call(app, admin, 'GET', '/api/session')).statusCode).toBe(200);
      const status = await call(app, admin, 'GET', '/api/me/second-factor');
      expect(status.json()).toMatchObject({ enabled: false, required: true });
      // An API token of the admin is refused too: no way around the policy.
      const { secret: token } = await node.node.accounts.createToken(
        CLI,
        { name: 'robot', roles: ['admin'] },
        adminId,
      );
      const byToken = await call(app, { token }, 'GET', '/api/me');
      expect(byToken.statusCode).toBe(403);
      expect(byToken.json().error.code).toBe('second_factor_enrollment_required');

      // An analyst is not concerned.
      const ana = await node.createUser('ana', ['analyst']);
      const analyst = await login(app, ana.username, ana.password);
      expect((await call(app, analyst, 'GET', '/api/me/sessions')).statusCode).toBe(200);

      // Enrolled: the same session (and the token) reach everything.
      // Its session alone does not enrol: the password is asked here too.
      const bare = await call(app, admin, 'POST', '/api/me/second-factor', {
        password: 'not the password',
      });
      expect(bare.statusCode).toBe(403);
      expect(bare.json().error.code).toBe('wrong_password');
      await enrol(app, admin, node.admin.password);
      expect((await call(app, admin, 'GET', '/api/users')).statusCode).toBe(200);
      expect((await call(app, { token }, 'GET', '/api/me')).statusCode).toBe(200);
      expect((await call(app, admin, 'GET', '/api/me')).json()).toMatchObject({
        secondFactor: true,
        mustEnrollSecondFactor: false,
      });

      // A second admin enrols, loses the phone; the first resets it (users.manage), audited.
      const root = await node.createUser('root', ['admin']);
      const rootSession = await login(app, root.username, root.password);
      await enrol(app, rootSession, root.password);
      expect((await call(app, rootSession, 'GET', '/api/users')).statusCode).toBe(200);
      const byAnalyst = await call(app, analyst, 'DELETE', `/api/users/${root.id}/second-factor`);
      expect(byAnalyst.statusCode).toBe(403);
      // root's live stream, open before the reset, ends with it.
      const url = await node.node.listen();
      const stream = await fetch(`${url}/api/events`, {
        headers: { cookie: rootSession.cookie, accept: 'text/event-stream' },
      });
      expect(stream.status).toBe(200);
      const ended = (async () => {
        const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
        while (!(await reader.read()).done);
        return true;
      })();
      const reset = await call(app, admin, 'DELETE', `/api/users/${root.id}/second-factor`);
      expect(reset.statusCode, reset.body).toBe(204);
      const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000));
      expect(await Promise.race([ended, timeout])).toBe(true);
      expect(await auditCount(node, 'second_factor.reset', root.id)).toBe(1);
      const held = await call(app, rootSession, 'GET', '/api/users');
      expect(held.json().error.code).toBe('second_factor_enrollment_required');
      // Logs in with the password alone again, into a session that may only enrol.
      const again = await loginAttempt(app, { username: 'root', password: root.password });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ user: { mustEnrollSecondFactor: true } });
      const unknown = await call(
        app,
        admin,
        'DELETE',
        '/api/users/00000000-0000-4000-8000-000000000000/second-factor',
      );
      expect(unknown.statusCode).toBe(404);
    });
  });
}
