import { Writable } from 'node:stream';
import argon2 from 'argon2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable } from '../../../../test/harness/databases.js';
import { call, login, makeNode, type NodeHandle } from '../../../../test/harness/node.js';
import { ManualClock } from '../../clock.js';
import { ADDRESS_MAX_FAILURES } from './credentials.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`accounts on ${dialect}`, () => {
    let h: NodeHandle;
    let clock: ManualClock;
    let logs: string;

    beforeEach(async () => {
      clock = new ManualClock(Date.parse('2026-11-24T09:00:00Z'));
      logs = '';
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          logs += chunk.toString();
          done();
        },
      });
      h = await makeNode({ dialect, clock, log: sink, logLevel: 'debug' });
    });
    afterEach(async () => {
      await h.destroy();
    });

    it('logs in with a cookie session, reads the session, logs out', async () => {
      const response = await h.app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { username: 'admin', password: h.admin.password },
      });
      expect(response.statusCode).toBe(200);
      const cookie = String(response.headers['set-cookie']);
      expect(cookie).toMatch(/liaison_session=/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).not.toMatch(/Secure/); // plain HTTP on loopback
      const session = await login(h.app, 'admin', h.admin.password);
      const me = await call(h.app, session, 'GET', '/api/session');
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({
        user: { username: 'admin', roles: ['admin'] },
        csrfToken: session.csrf,
      });
      expect((await call(h.app, session, 'DELETE', '/api/session')).statusCode).toBe(204);
      expect((await call(h.app, session, 'GET', '/api/me')).statusCode).toBe(401);
    });

    it('hashes a password made with older settings again at its next login', async () => {
      const db = h.node.store.db;
      const older = await argon2.hash(h.admin.password, {
        type: argon2.argon2id,
        memoryCost: 19_456,
        timeCost: 2,
        parallelism: 1,
      });
      await db
        .updateTable('users')
        .set({ password_hash: older })
        .where('username', '=', 'admin')
        .execute();
      const hashOf = async () =>
        (
          await db
            .selectFrom('users')
            .select('password_hash')
            .where('username', '=', 'admin')
            .executeTakeFirstOrThrow()
        ).password_hash;
      // A wrong password changes nothing.
      await h.app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { username: 'admin', password: 'not-the-password' },
      });
      expect(await hashOf()).toBe(older);
      await login(h.app, 'admin', h.admin.password);
      const now = await hashOf();
      expect(now).toMatch(/^\$argon2id\$v=19\$m=47104,t=1,p=1\$/);
      expect(await argon2.verify(now, h.admin.password)).toBe(true);
      // The next login checks the new hash and leaves it alone.
      await login(h.app, 'admin', h.admin.password);
      expect(await hashOf()).toBe(now);
    });

    it('answers 401 for a wrong password and 429 with Retry-After at the 6th failure in a minute', async () => {
      for (let i = 1; i <= 5; i++) {
        const r = await h.app.inject({
          method: 'POST',
          url: '/api/session',
          payload: { username: 'admin', password: `wrong ${i}` },
        });
        expect(r.statusCode).toBe(401);
        expect(r.json()).toMatchObject({ error: { code: 'invalid_credentials' } });
      }
      const sixth = await h.app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { username: 'admin', password: h.admin.password },
      });
      expect(sixth.statusCode).toBe(429);
      expect(sixth.json()).toMatchObject({ error: { code: 'too_many_attempts' } });
      expect(Number(sixth.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(sixth.headers['retry-after'])).toBeLessThanOrEqual(60);
      clock.advance(61_000);
      expect((await login(h.app, 'admin', h.admin.password)).cookie).toMatch(/liaison_session=/);
    });

    it('counts an account and an address apart: another account still logs in from the address (issue 16, row 6)', async () => {
      const carol = await h.createUser('carol', ['officer']);
      for (let i = 1; i <= 5; i++) {
        const r = await h.app.inject({
          method: 'POST',
          url: '/api/session',
          remoteAddress: '198.51.100.20',
          payload: { username: 'admin', password: `typo ${i}` },
        });
        expect(r.statusCode).toBe(401);
      }
      const locked = await h.app.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: '198.51.100.20',
        payload: { username: 'admin', password: h.admin.password },
      });
      expect(locked.statusCode).toBe(429);
      // The same office, another person: not locked out by a colleague's typos.
      expect((await login(h.app, 'carol', carol.password, '198.51.100.20')).csrf).toBeTruthy();
      clock.advance(61_000);
    });

    it('throttles an address that tries many accounts', async () => {
      for (let i = 1; i <= ADDRESS_MAX_FAILURES; i++) {
        const r = await h.app.inject({
          method: 'POST',
          url: '/api/session',
          remoteAddress: '198.51.100.7',
          payload: { username: `nobody${i}`, password: 'guess' },
        });
        expect(r.statusCode).toBe(401);
      }
      const r = await h.app.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: '198.51.100.7',
        payload: { username: 'nobody6', password: 'guess' },
      });
      expect(r.statusCode).toBe(429);
      // Another address is not affected.
      expect((await login(h.app, 'admin', h.admin.password, '198.51.100.8')).csrf).toBeTruthy();
    });

    it('lists my sessions and ends one of them (issue 16, sessions)', async () => {
      const dave = await h.createUser('dave', ['analyst']);
      const here = await login(h.app, 'dave', dave.password);
      const elsewhere = await login(h.app, 'dave', dave.password, '198.51.100.30');
      const listed = await call(h.app, here, 'GET', '/api/me/sessions');
      expect(listed.statusCode, listed.body).toBe(200);
      const sessions = listed.json<{ sessions: { id: string; current: boolean }[] }>().sessions;
      expect(sessions).toHaveLength(2);
      expect(sessions.filter((s) => s.current)).toHaveLength(1);
      const other = sessions.find((s) => !s.current);
      const ended = await call(h.app, here, 'DELETE', `/api/me/sessions/${other?.id}`);
      expect(ended.statusCode, ended.body).toBe(204);
      expect((await call(h.app, elsewhere, 'GET', '/api/me')).statusCode).toBe(401);
      expect((await call(h.app, here, 'GET', '/api/me')).statusCode).toBe(200);
      const unknown = await call(h.app, here, 'DELETE', '/api/me/sessions/0123456789abcdef');
      expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'session_not_found']);
    });

    it('refuses a disabled user and ends the sessions of a user being disabled', async () => {
      const bob = await h.createUser('bob', ['officer']);
      const bobSession = await login(h.app, 'bob', bob.password);
      const admin = await login(h.app, 'admin', h.admin.password);
      const disabled = await call(h.app, admin, 'PATCH', `/api/users/${bob.id}`, {
        disabled: true,
      });
      expect(disabled.statusCode).toBe(200);
      expect(disabled.json()).toMatchObject({ disabled: true });
      expect((await call(h.app, bobSession, 'GET', '/api/me')).statusCode).toBe(401);
      const again = await h.app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { username: 'bob', password: bob.password },
      });
      expect(again.statusCode).toBe(403);
      expect(again.json()).toMatchObject({ error: { code: 'account_disabled' } });
    });

    it('lets only admins manage users: an observer gets 403', async () => {
      const olga = await h.createUser('olga', ['observer']);
      const session = await login(h.app, 'olga', olga.password);
      const created = await call(h.app, session, 'POST', '/api/users', {
        username: 'mallory',
        displayName: 'Mallory',
        roles: ['admin'],
      });
      expect(created.statusCode).toBe(403);
      expect(created.json()).toMatchObject({ error: { code: 'forbidden' } });
      expect((await call(h.app, session, 'GET', '/api/users')).statusCode).toBe(403);
      const users = await h.node.accounts.listUsers({ kind: 'cli', osUser: 'test' });
      expect(users.map((u) => u.username)).not.toContain('mallory');
    });

    it('creates a user with a one-time password that must be changed first', async () => {
      const admin = await login(h.app, 'admin', h.admin.password);
      const created = await call(h.app, admin, 'POST', '/api/users', {
        username: 'wang.wei',
        displayName: '王伟',
        roles: ['officer', 'analyst'],
      });
      expect(created.statusCode).toBe(201);
      const { user, password } = created.json<{
        user: { id: string; mustChangePassword: boolean };
        password: string;
      }>();
      expect(user.mustChangePassword).toBe(true);
      expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
      const duplicate = await call(h.app, admin, 'POST', '/api/users', {
        username: 'wang.wei',
        displayName: 'Again',
        roles: ['officer'],
      });
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json()).toMatchObject({ error: { code: 'username_taken' } });

      const wang = await login(h.app, 'wang.wei', password);
      const blocked = await call(h.app, wang, 'PATCH', '/api/me', { timeZone: 'Asia/Shanghai' });
      expect(blocked.statusCode).toBe(403);
      expect(blocked.json()).toMatchObject({ error: { code: 'password_change_required' } });
      const weak = await call(h.app, wang, 'POST', '/api/me/password', {
        currentPassword: password,
        newPassword: 'short',
      });
      expect(weak.statusCode).toBe(400);
      const changed = await call(h.app, wang, 'POST', '/api/me/password', {
        currentPassword: password,
        newPassword: 'a much longer passphrase',
      });
      expect(changed.statusCode).toBe(204);
      const updated = await call(h.app, wang, 'PATCH', '/api/me', {
        timeZone: 'Asia/Shanghai',
        language: 'zh-CN',
      });
      expect(updated.statusCode).toBe(200);
      expect(updated.json()).toMatchObject({
        timeZone: 'Asia/Shanghai',
        language: 'zh-CN',
        mustChangePassword: false,
      });
      const badZone = await call(h.app, wang, 'PATCH', '/api/me', { timeZone: 'Mars/Olympus' });
      expect(badZone.statusCode).toBe(400);
      expect(badZone.json()).toMatchObject({ error: { code: 'invalid_request' } });
      expect(badZone.json<{ error: { message: string } }>().error.message).toMatch(/timeZone/);
    });

    it('requires the CSRF token and the own origin for cookie-authenticated writes', async () => {
      const admin = await login(h.app, 'admin', h.admin.password);
      const noToken = await h.app.inject({
        method: 'PATCH',
        url: '/api/me',
        headers: { cookie: admin.cookie },
        payload: { displayName: 'X' },
      });
      expect(noToken.statusCode).toBe(403);
      expect(noToken.json()).toMatchObject({ error: { code: 'csrf_token_invalid' } });
      const foreign = await h.app.inject({
        method: 'PATCH',
        url: '/api/me',
        headers: {
          cookie: admin.cookie,
          'x-csrf-token': admin.csrf,
          origin: 'https://evil.example',
        },
        payload: { displayName: 'X' },
      });
      expect(foreign.statusCode).toBe(403);
      expect(foreign.json()).toMatchObject({ error: { code: 'cross_origin' } });
      const me = await call(h.app, admin, 'GET', '/api/me');
      expect(me.json()).toMatchObject({ displayName: 'Ada Admin' });
    });

    it('issues API tokens scoped to roles, usable without cookies, revocable', async () => {
      const ana = await h.createUser('ana', ['analyst', 'officer']);
      const session = await login(h.app, 'ana', ana.password);
      const tooMuch = await call(h.app, session, 'POST', '/api/tokens', {
        name: 'x',
        roles: ['admin'],
      });
      expect(tooMuch.statusCode).toBe(403);
      const created = await call(h.app, session, 'POST', '/api/tokens', {
        name: 'SOC importer',
        roles: ['analyst'],
      });
      expect(created.statusCode).toBe(201);
      const { token, secret } = created.json<{
        token: { id: string; roles: string[] };
        secret: string;
      }>();
      expect(token.roles).toEqual(['analyst']);
      const me = await call(h.app, { token: secret }, 'PATCH', '/api/me', {
        displayName: 'Ana (token)',
      });
      expect(me.statusCode).toBe(200);
      const list = await call(h.app, session, 'GET', '/api/tokens');
      expect(list.json<{ tokens: { id: string }[] }>().tokens.map((t) => t.id)).toEqual([token.id]);
      expect((await call(h.app, { token: 'lsn_nonsense' }, 'GET', '/api/me')).statusCode).toBe(401);
      expect((await call(h.app, session, 'DELETE', `/api/tokens/${token.id}`)).statusCode).toBe(
        204,
      );
      const revoked = await call(h.app, { token: secret }, 'GET', '/api/me');
      expect(revoked.statusCode).toBe(401);
      expect(revoked.json()).toMatchObject({ error: { code: 'invalid_token' } });
      // No password, token secret or session cookie ever reaches the logs.
      expect(logs).toContain('login');
      for (const secretText of [
        ana.password,
        secret,
        secret.split('.')[1] ?? '',
        session.cookie.split('=')[1] ?? '',
        h.admin.password,
      ]) {
        expect(logs).not.toContain(secretText);
      }
    });

    it('keeps at least one active administrator', async () => {
      const admin = await login(h.app, 'admin', h.admin.password);
      const users = await call(h.app, admin, 'GET', '/api/users');
      const adminId = users
        .json<{ users: { id: string; username: string }[] }>()
        .users.find((u) => u.username === 'admin')?.id;
      const r = await call(h.app, admin, 'PATCH', `/api/users/${adminId}`, { roles: ['observer'] });
      expect(r.statusCode).toBe(409);
      expect(r.json()).toMatchObject({ error: { code: 'last_admin' } });
    });

    it('resets a password: old sessions end, the one-time password must be changed', async () => {
      const bob = await h.createUser('bob', ['officer']);
      const bobSession = await login(h.app, 'bob', bob.password);
      const admin = await login(h.app, 'admin', h.admin.password);
      const reset = await call(h.app, admin, 'POST', `/api/users/${bob.id}/password-reset`);
      expect(reset.statusCode).toBe(200);
      const { password } = reset.json<{ password: string }>();
      expect((await call(h.app, bobSession, 'GET', '/api/me')).statusCode).toBe(401);
      const again = await login(h.app, 'bob', password);
      expect((await call(h.app, again, 'GET', '/api/me')).json()).toMatchObject({
        mustChangePassword: true,
      });
      expect((await call(h.app, admin, 'POST', '/api/users/nope/password-reset')).statusCode).toBe(
        404,
      );
    });

    it('expires idle sessions', async () => {
      const admin = await login(h.app, 'admin', h.admin.password);
      clock.advance(13 * 3600_000);
      expect((await call(h.app, admin, 'GET', '/api/me')).statusCode).toBe(401);
    });
  });
}
