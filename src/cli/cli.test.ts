import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/harness/cli.js';

describe('liaison CLI', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'liaison-cli-'));
  const dataDir = path.join(root, 'us-doj');

  it('init creates the node: config, 0600 keys, an admin with a one-time password shown once', async () => {
    const r = await runCli([
      'init',
      '--node-id',
      'us-doj',
      '--name',
      'United States — Department of Justice',
      '--country',
      'US',
      '--time-zone',
      'America/New_York',
      '--data',
      dataDir,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Node us-doj created/);
    const password = /One-time password:\s+(\S+)/.exec(r.stdout)?.[1];
    expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
    expect(r.stdout).toMatch(/(\d{5} ){3}\d{5}\n/);
    for (const key of ['signing.jwk.json', 'encryption.jwk.json']) {
      const file = path.join(dataDir, 'keys', key);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const jwk = JSON.parse(readFileSync(file, 'utf8')) as {
        kty: string;
        crv: string;
        d?: string;
      };
      expect(jwk.kty).toBe('OKP');
      expect(jwk.d).toBeTruthy();
    }
    expect(statSync(path.join(dataDir, 'liaison.db')).mode & 0o077).toBe(0);
    const again = await runCli([
      'init',
      '--node-id',
      'us-doj',
      '--name',
      'x',
      '--country',
      'US',
      '--data',
      dataDir,
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a node/);
    // The password is printed once and stored nowhere in clear.
    const list = await runCli(['user', 'list', '--json', '--data', dataDir]);
    expect(list.stdout).not.toContain(password);
    expect(JSON.parse(list.stdout)).toMatchObject({
      users: [{ username: 'admin', mustChangePassword: true }],
    });
  });

  it('prints the fingerprint in groups of digits, and as JSON', async () => {
    const text = await runCli(['fingerprint', '--data', dataDir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^\s+\d{5} \d{5} \d{5} \d{5}$/m);
    const json = await runCli(['fingerprint', '--json', '--data', dataDir]);
    const parsed = JSON.parse(json.stdout) as {
      fingerprint: string;
      signingKey: { crv: string; d?: string };
    };
    expect(parsed.fingerprint.split(' ')).toHaveLength(12);
    expect(text.stdout.replace(/\s+/g, ' ')).toContain(parsed.fingerprint);
    expect(parsed.signingKey.crv).toBe('Ed25519');
    expect(parsed.signingKey.d).toBeUndefined();
  });

  it('adds, lists, disables and resets users', async () => {
    const add = await runCli([
      'user',
      'add',
      'li.na',
      '--name',
      'Li Na',
      '--roles',
      'officer,analyst',
      '--json',
      '--data',
      dataDir,
    ]);
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({
      user: { username: 'li.na', roles: ['officer', 'analyst'] },
    });
    const bad = await runCli([
      'user',
      'add',
      'x',
      '--name',
      'X',
      '--roles',
      'emperor',
      '--data',
      dataDir,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/roles/);
    const disable = await runCli(['user', 'disable', 'li.na', '--data', dataDir]);
    expect(disable.stdout).toMatch(/li\.na disabled/);
    const list = await runCli(['user', 'list', '--data', dataDir]);
    expect(list.stdout).toMatch(/li\.na\s+Li Na\s+officer,analyst\s+disabled/);
    const reset = await runCli(['user', 'reset-password', 'li.na', '--data', dataDir]);
    expect(reset.stdout).toMatch(/One-time password for li\.na: \S+/);
    const missing = await runCli(['user', 'disable', 'nobody', '--data', dataDir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No user is named nobody/);
  });

  it('exits 2 naming the key when the config has a wrong type', async () => {
    const file = path.join(dataDir, 'config.yaml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace(/port: \d+/, 'port: "eighty"'));
    const r = await runCli(['serve', '--data', dataDir]);
    writeFileSync(file, original);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/http\.port/);
    expect(r.stderr).toMatch(/expected number/);
    const env = await runCli(['user', 'list', '--data', dataDir], { LIAISON_LOG_LEVEL: 'loud' });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/log\.level/);
  });

  it('exits 2 on bad usage and 0 on --help', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const help = await runCli(['user', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/reset-password/);
  });
});
