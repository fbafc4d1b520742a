import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_MAIN, ROOT } from './harness/cli.js';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function twoFreePorts(): Promise<number> {
  for (;;) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    if ((await portFree(base)) && (await portFree(base + 1))) return base;
  }
}

/** Runs `liaison up` until it prints its banner; returns the banner and a stop function. */
async function up(dir: string, basePort: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI_MAIN, 'up', '--dir', dir, '--base-port', String(basePort)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 90_000;
  while (!/Login:[\s\S]*Login:[^\n]*\n[\s\S]*Data:[^\n]*\n\n/.test(stdout)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`liaison up did not start:\n${stdout}\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    stdout,
    async stop() {
      child.kill('SIGINT');
      return exited;
    },
  };
}

function nodesOf(banner: string) {
  const nodes: { url: string; username: string; password: string; created: boolean }[] = [];
  const re = /\((us-doj|cn-mps)\)( — created now)?\n\s+URL:\s+(\S+)\n\s+Login:\s+(\S+) \/ (\S+)/g;
  for (const m of banner.matchAll(re)) {
    nodes.push({
      url: m[3] as string,
      username: m[4] as string,
      password: m[5] as string,
      created: Boolean(m[2]),
    });
  }
  return nodes;
}

describe('npm start sandbox (liaison up)', () => {
  it('brings up us-doj and cn-mps with their own data, and re-uses it on the next start', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'liaison-sandbox-'));
    const basePort = await twoFreePorts();
    const first = await up(dir, basePort);
    const nodes = nodesOf(first.stdout);
    expect(nodes.map((n) => n.url)).toEqual([
      `http://127.0.0.1:${basePort}`,
      `http://127.0.0.1:${basePort + 1}`,
    ]);
    expect(nodes.every((n) => n.created)).toBe(true);
    expect(first.stdout).toMatch(/Peered now: us-doj → cn-mps, cn-mps → us-doj/);
    const identities = [];
    const sessions: { cookie: string; csrf: string }[] = [];
    for (const node of nodes) {
      const login = await fetch(`${node.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: node.username, password: node.password }),
      });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      sessions.push({ cookie, csrf: ((await login.json()) as { csrfToken: string }).csrfToken });
      const info = await fetch(`${node.url}/api/node`, { headers: { cookie } });
      identities.push(await info.json());
    }
    // The sandbox nodes are peered: a note from us-doj reaches cn-mps.
    const [us, cn] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const sent = await fetch(`${us.url}/api/notes`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: sessions[0]!.cookie,
        'x-csrf-token': sessions[0]!.csrf,
      },
      body: JSON.stringify({ peer: 'cn-mps', text: 'hello from the sandbox' }),
    });
    expect(sent.status).toBe(201);
    let received: { text: string }[] = [];
    for (let i = 0; i < 50 && received.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const list = await fetch(`${cn.url}/api/notes`, { headers: { cookie: sessions[1]!.cookie } });
      received = (
        (await list.json()) as { notes: { text: string; direction: string }[] }
      ).notes.filter((n) => n.direction === 'in');
    }
    expect(received.map((n) => n.text)).toEqual(['hello from the sandbox']);
    // Each node published its 24/7 duty desk; the peer holds it.
    let desks: { node: string; roles: string[] }[] = [];
    for (let i = 0; i < 50 && desks.length === 0; i++) {
      const list = await fetch(`${us.url}/api/contacts?node=cn-mps`, {
        headers: { cookie: sessions[0]!.cookie },
      });
      desks = ((await list.json()) as { contacts: typeof desks }).contacts;
      if (desks.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(desks).toMatchObject([{ node: 'cn-mps', roles: ['duty_24_7'] }]);
    expect(identities).toMatchObject([
      { nodeId: 'us-doj', timeZone: 'America/New_York', country: 'US' },
      { nodeId: 'cn-mps', timeZone: 'Asia/Shanghai', country: 'CN' },
    ]);
    expect(await first.stop()).toBe(0);

    const second = await up(dir, basePort);
    const again = nodesOf(second.stdout);
    expect(again.some((n) => n.created)).toBe(false);
    expect(second.stdout).toMatch(/The nodes are peered with each other/);
    expect(again.map((n) => n.password)).toEqual(nodes.map((n) => n.password));
    const info = await fetch(`${again[0]?.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: again[0]?.username, password: again[0]?.password }),
    });
    expect(info.status).toBe(200);
    await second.stop();
  });
});
