import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { TIERS } from '../core/hotline.js';
import { CONFIG_FILE, loadConfig, publicUrlOf } from '../server/config.js';
import { findPeer } from '../server/federation/peers.js';
import { loadNodeKeys } from '../server/identity/keys.js';
import { createLogger } from '../server/log.js';
import { createNode, type Node } from '../server/node.js';
import { generateOneTimePassword } from '../server/features/accounts/public.js';
import { initializeNode } from '../server/setup.js';
import { cliActor, osUserName } from './common.js';

/** The two nodes of the local sandbox (`npm start`). */
export const SANDBOX_NODES = [
  {
    nodeId: 'us-doj',
    name: 'United States — Department of Justice',
    country: 'US',
    timeZone: 'America/New_York',
    offset: 0,
  },
  {
    nodeId: 'cn-mps',
    name: 'China — Ministry of Public Security',
    country: 'CN',
    timeZone: 'Asia/Shanghai',
    offset: 1,
  },
] as const;

const CREDENTIALS_FILE = 'sandbox-credentials.json';

interface SandboxNode {
  nodeId: string;
  name: string;
  dataDir: string;
  url: string;
  username: string;
  password: string;
  created: boolean;
}

async function prepare(root: string, basePort: number): Promise<SandboxNode[]> {
  const nodes: SandboxNode[] = [];
  for (const def of SANDBOX_NODES) {
    const dataDir = path.join(root, def.nodeId);
    const credentialsFile = path.join(dataDir, CREDENTIALS_FILE);
    let created = false;
    if (!existsSync(path.join(dataDir, CONFIG_FILE))) {
      // A sandbox is for trying Liaison on one machine: its admin password is kept in a
      // 0600 file beside the node so every `npm start` can print it. Never do this for a real node.
      const password = generateOneTimePassword();
      await initializeNode({
        dataDir,
        nodeId: def.nodeId,
        name: def.name,
        country: def.country,
        timeZone: def.timeZone,
        port: basePort + def.offset,
        // The sandbox's nodes peer with each other on this machine, and with nothing else.
        outboundAllow: SANDBOX_NODES.filter((other) => other !== def).map(
          (other) => `127.0.0.1:${basePort + other.offset}`,
        ),
        adminUsername: 'admin',
        adminPassword: password,
        osUser: osUserName(),
      });
      writeFileSync(
        credentialsFile,
        `${JSON.stringify({ username: 'admin', password }, null, 2)}\n`,
        {
          mode: 0o600,
        },
      );
      created = true;
    }
    const config = loadConfig(dataDir);
    const credentials = existsSync(credentialsFile)
      ? (JSON.parse(readFileSync(credentialsFile, 'utf8')) as {
          username: string;
          password: string;
        })
      : { username: 'admin', password: '(not stored: see liaison user reset-password)' };
    nodes.push({
      nodeId: def.nodeId,
      name: def.name,
      dataDir,
      url: publicUrlOf(config),
      username: credentials.username,
      password: credentials.password,
      created,
    });
  }
  return nodes;
}

/** Peers every sandbox node with every other one (first run, or after a peer was removed). */
async function peerSandbox(nodes: SandboxNode[]): Promise<string[]> {
  const done: string[] = [];
  for (const node of nodes) {
    const config = loadConfig(node.dataDir);
    const local = await createNode({
      config,
      log: createLogger({ level: 'warn' }),
      dispatch: false,
    });
    try {
      await seedDutyDesk(local);
      for (const other of nodes) {
        if (other === node) continue;
        const existing = await findPeer(local.store.db, other.nodeId);
        if (existing && existing.status !== 'removed') continue;
        const { fingerprint } = await loadNodeKeys(other.dataDir);
        await local.federation.peers.add(cliActor(), { url: other.url, fingerprint });
        done.push(`${node.nodeId} → ${other.nodeId}`);
      }
    } finally {
      await local.close();
    }
  }
  return done;
}

/**
 * A fresh sandbox node gets one published contact, its 24/7 duty desk, so the peer's
 * directory and ping tests have something to show (it travels when the nodes are peered),
 * and puts it on the hotline roster around the clock, so calls ring it.
 */
async function seedDutyDesk(local: Node): Promise<void> {
  const own = await local.contacts.list(cliActor(), local.info.nodeId);
  if (own.length > 0) return;
  const desk = await local.contacts.create(cliActor(), {
    name: `${local.info.name} — 24/7 duty desk`,
    kind: 'desk',
    roles: ['duty_24_7'],
    channels: [{ type: 'liaison_account', value: 'admin' }],
    languages: local.info.country === 'CN' ? ['zh', 'en'] : ['en'],
    workingHours: {
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      start: '00:00',
      end: '23:59',
      always: true,
    },
    timeZone: local.info.timeZone,
    published: true,
  });
  // The desk is on the roster around the clock for every tier, so hotline calls ring it.
  for (const tier of TIERS) {
    await local.roster.saveShift(cliActor(), undefined, {
      tier,
      contactId: desk.id,
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      start: '00:00',
      end: '00:00',
      from: null,
      until: null,
      rotation: null,
    });
  }
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not ready after ${timeoutMs / 1000} s`);
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description(
      'run the local sandbox: two nodes (us-doj, cn-mps), created on first run, re-used after',
    )
    .option('--dir <dir>', 'sandbox directory', 'sandbox')
    .option(
      '--base-port <port>',
      'port of the first node (the second gets the next one)',
      (v) => Number.parseInt(v, 10),
      8080,
    )
    .action(async (opts: { dir: string; basePort: number }) => {
      const root = path.resolve(opts.dir);
      const nodes = await prepare(root, opts.basePort);
      const script = process.argv[1] as string;
      const children: ChildProcess[] = [];
      let stopping = false;
      const stopAll = (signal: NodeJS.Signals) => {
        stopping = true;
        for (const child of children) if (child.exitCode === null) child.kill(signal);
      };
      process.on('SIGINT', () => stopAll('SIGINT'));
      process.on('SIGTERM', () => stopAll('SIGTERM'));

      for (const node of nodes) {
        const logFile = path.join(node.dataDir, 'node.log');
        const log = createWriteStream(logFile, { flags: 'a' });
        const child = spawn(
          process.execPath,
          [...process.execArgv, script, 'serve', '--data', node.dataDir],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: process.env,
          },
        );
        child.stdout?.pipe(log);
        child.stderr?.on('data', (chunk: Buffer) => {
          log.write(chunk);
          process.stderr.write(`[${node.nodeId}] ${chunk.toString()}`);
        });
        child.on('exit', (code, signal) => {
          if (!stopping) {
            process.stderr.write(
              `[${node.nodeId}] stopped (${signal ?? `exit code ${code}`}); see ${logFile}\n`,
            );
            stopAll('SIGTERM');
            process.exitCode = 1;
          }
        });
        children.push(child);
      }

      try {
        await Promise.all(
          nodes.map((node, i) => waitReady(node.url, children[i] as ChildProcess, 60_000)),
        );
      } catch (error) {
        process.stderr.write(
          `The sandbox did not start: ${(error as Error).message}. Logs are in ${root}/*/node.log\n`,
        );
        stopAll('SIGTERM');
        process.exitCode = 1;
        return;
      }

      let peered: string[];
      try {
        peered = await peerSandbox(nodes);
      } catch (error) {
        process.stderr.write(
          `The sandbox nodes could not be peered: ${(error as Error).message}\n`,
        );
        stopAll('SIGTERM');
        process.exitCode = 1;
        return;
      }

      const out = process.stdout;
      out.write('\nLiaison sandbox is running (Ctrl-C stops it).\n');
      out.write(
        peered.length > 0
          ? `Peered now: ${peered.join(', ')} (fingerprints compared from the nodes' own keys).\n\n`
          : 'The nodes are peered with each other.\n\n',
      );
      for (const node of nodes) {
        out.write(`  ${node.name} (${node.nodeId})${node.created ? ' — created now' : ''}\n`);
        out.write(`    URL:      ${node.url}\n`);
        out.write(`    Login:    ${node.username} / ${node.password}\n`);
        out.write(`    Data:     ${node.dataDir} (log: node.log)\n\n`);
      }
    });
}
