import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_MAIN, ROOT } from './harness/cli.js';
import { until } from './harness/wait.js';

/**
 * Issue 18's sandbox: `liaison up` (npm start) loads the example dialogue: the first
 * meeting (Washington, 1–2 December 2015) with the record of its agreements, signed by both
 * nodes, and the next meeting (June, Beijing); a second start adds nothing.
 */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function basePort(): Promise<number> {
  for (;;) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    if ((await portFree(base)) && (await portFree(base + 1))) return base;
  }
}

async function up(dir: string, port: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI_MAIN, 'up', '--dir', dir, '--base-port', String(port)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await until(
    () => /Data:[\s\S]*Data:[\s\S]*example dialogue/.test(stdout) || child.exitCode !== null,
    'the sandbox banner and the example dialogue',
    120_000,
    100,
  );
  const logins = [...stdout.matchAll(/URL:\s+(\S+)\n\s+Login:\s+(\S+) \/ (\S+)/g)].map((m) => ({
    url: m[1] as string,
    username: m[2] as string,
    password: m[3] as string,
  }));
  return {
    stdout,
    logins,
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

async function reader(login: { url: string; username: string; password: string }) {
  const r = await fetch(`${login.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: login.username, password: login.password }),
  });
  expect(r.status).toBe(200);
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return async (url: string): Promise<any> => {
    const response = await fetch(`${login.url}${url}`, { headers: { cookie } });
    expect(response.status, url).toBe(200);
    return response.json();
  };
}

describe('the sandbox example dialogue', () => {
  it('is agreed and signed on both nodes, once however often the sandbox starts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'liaison-dialogue-sandbox-'));
    const port = await basePort();
    const first = await up(dir, port);
    expect(first.stdout).toContain(
      'The example dialogue (Washington, 1–2 December 2015) is agreed',
    );
    const [usLogin, cnLogin] = first.logins;
    const us = await reader(usLogin!);
    const cn = await reader(cnLogin!);

    const check = async (get: (url: string) => Promise<any>, peer: string) => {
      const { dialogues } = await get('/api/dialogues');
      expect(dialogues).toHaveLength(1);
      const dialogue = dialogues[0];
      expect(dialogue.peer).toBe(peer);
      expect(dialogue.title.en).toContain('High-Level Joint Dialogue on Cybercrime');
      const { meetings } = await get(`/api/dialogues/${dialogue.id}/meetings`);
      expect(
        meetings.map((m: any) => [m.number, m.place, m.timeZone, m.when] as unknown[]),
      ).toEqual([
        [1, 'Washington', 'America/New_York', '1–2 December 2015'],
        [2, 'Beijing', 'Asia/Shanghai', 'June 2016'],
      ]);
      const record = await until(
        async (): Promise<any> => {
          const m = await get(`/api/dialogues/${dialogue.id}/meetings/${meetings[0].id}`);
          return m.record.agreed?.signatures.length === 2 ? m.record.agreed : null;
        },
        `both signatures at ${peer === 'cn-mps' ? 'us-doj' : 'cn-mps'}`,
      );
      expect(record.signatures.every((s: any) => s.verified === true)).toBe(true);
      expect(record.content.outcomes).toHaveLength(5);
      const { commitments } = await get(`/api/dialogues/${dialogue.id}/commitments`);
      expect(commitments).toHaveLength(5);
      expect(commitments[1].measure.key).toBe('pings.answered_share');
      const { versions } = await get(
        `/api/dialogues/${dialogue.id}/meetings/${meetings[0].id}/versions`,
      );
      expect(versions).toHaveLength(1);
      return record.hash as string;
    };
    const hash = await check(us, 'cn-mps');
    expect(await check(cn, 'us-doj')).toBe(hash);
    expect(await first.stop()).toBe(0);

    const second = await up(dir, port);
    expect(second.stdout).toContain('is agreed by both nodes');
    const [usAgain, cnAgain] = second.logins;
    expect(await check(await reader(usAgain!), 'cn-mps')).toBe(hash);
    expect(await check(await reader(cnAgain!), 'us-doj')).toBe(hash);
    await second.stop();
  }, 300_000);
});
