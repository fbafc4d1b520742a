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

// ---- the example dialogue ----------------------------------------------------------------------

/** The sandbox's example dialogue: how the issue's mechanism was itself agreed (issue 18). */
const DIALOGUE_TITLE = {
  en: 'U.S.–China High-Level Joint Dialogue on Cybercrime and Related Issues',
  zh: '中美打击网络犯罪及相关事项高级别联合对话',
};

const FIRST_MEETING = {
  number: 1,
  when: '1–2 December 2015',
  startDate: '2015-12-01',
  endDate: '2015-12-02',
  place: 'Washington',
  timeZone: 'America/New_York',
  delegations: [
    {
      side: 'us-doj',
      delegates: [
        { name: 'Loretta E. Lynch', title: 'Attorney General', role: 'head' as const },
        { name: 'Jeh C. Johnson', title: 'Secretary of Homeland Security', role: 'head' as const },
      ],
    },
    {
      side: 'cn-mps',
      delegates: [
        {
          name: 'Guo Shengkun 郭声琨',
          title: 'State Councilor, Minister of Public Security',
          role: 'head' as const,
        },
      ],
    },
  ],
  agenda: [
    { item: 1, title: { en: 'Requests for assistance', zh: '协助请求' } },
    { item: 2, title: { en: 'Hotline', zh: '热线' } },
    { item: 3, title: { en: 'Tabletop exercise', zh: '桌面推演' } },
    {
      item: 4,
      title: { en: 'Network protection and information sharing', zh: '网络保护与信息共享' },
    },
  ],
};

const NEXT_MEETING = {
  number: 2,
  when: 'June 2016',
  startDate: null,
  endDate: null,
  place: 'Beijing',
  timeZone: 'Asia/Shanghai',
  delegations: [],
  agenda: [],
};

const BOTH = ['cn-mps', 'us-doj'];

/** The record of the first meeting, as us-doj proposes it and cn-mps accepts it. */
const FIRST_RECORD = {
  outcomes: [
    {
      paragraph: 1,
      kind: 'agreement' as const,
      text: {
        en: 'The two sides agreed on guidelines for requesting assistance on cybercrime or other malicious cyber activities and related requests.',
        zh: '双方就请求协助打击网络犯罪或其他恶意网络活动及相关请求的指导原则达成一致。',
      },
    },
    {
      paragraph: 2,
      kind: 'agreement' as const,
      text: {
        en: 'The two sides agreed to establish a hotline for escalating matters that arise in responding to such requests.',
        zh: '双方同意建立热线联系机制，用于处理在答复上述请求过程中出现的需升级事项。',
      },
    },
    {
      paragraph: 3,
      kind: 'agreement' as const,
      text: {
        en: 'The two sides agreed to hold a tabletop exercise in the spring of 2016.',
        zh: '双方同意于2016年春季举行桌面推演。',
      },
    },
    {
      paragraph: 4,
      kind: 'agreement' as const,
      text: {
        en: 'The two sides agreed to share information on cyber threats, including indicators, and to give feedback on what is shared.',
        zh: '双方同意分享网络威胁信息（包括威胁指标），并对所分享的信息予以反馈。',
      },
    },
    {
      paragraph: 5,
      kind: 'agreement' as const,
      text: {
        en: 'The two sides agreed to hold the next dialogue in Beijing in June 2016.',
        zh: '双方同意于2016年6月在北京举行下一次对话。',
      },
    },
  ],
  commitments: [
    {
      what: {
        en: 'Use the guidelines for every request for assistance between the two sides',
        zh: '双方之间的所有协助请求均按指导原则办理',
      },
      ownerSides: BOTH,
      owner: 'Central authorities (DOJ Office of International Affairs; MPS)',
      dueDate: '2016-06-01',
      paragraph: 1,
      measure: { key: 'requests.on_time_share', comparator: 'gte' as const, threshold: 0.8 },
    },
    {
      what: { en: 'Establish the hotline and test it regularly', zh: '建立热线并定期测试' },
      ownerSides: BOTH,
      owner: 'Duty desks',
      dueDate: '2016-03-31',
      paragraph: 2,
      measure: { key: 'pings.answered_share', comparator: 'gte' as const, threshold: 0.9 },
    },
    {
      what: {
        en: 'Hold the tabletop exercise and share its after-action report',
        zh: '举行桌面推演并交换演练后报告',
      },
      ownerSides: BOTH,
      owner: 'Exercise planners',
      dueDate: '2016-05-31',
      paragraph: 3,
      measure: { key: 'exercises.finished_with_aar', comparator: 'gte' as const, threshold: 1 },
    },
    {
      what: {
        en: 'Share cyber threat indicators every month and give feedback on those received',
        zh: '每月分享网络威胁指标，并对收到的指标予以反馈',
      },
      ownerSides: BOTH,
      owner: 'Network security teams',
      dueDate: '2016-06-13',
      paragraph: 4,
      measure: { key: 'sharing.objects_per_month', comparator: 'gte' as const, threshold: 1 },
    },
    {
      what: { en: 'Host the second dialogue in Beijing', zh: '在北京主办第二次对话' },
      ownerSides: ['cn-mps'],
      owner: 'Ministry of Public Security',
      dueDate: '2016-06-30',
      paragraph: 5,
    },
  ],
};

async function withLocal<T>(node: SandboxNode, use: (local: Node) => Promise<T>): Promise<T> {
  const local = await createNode({
    config: loadConfig(node.dataDir),
    log: createLogger({ level: 'warn' }),
    dispatch: false,
  });
  try {
    return await use(local);
  } finally {
    await local.close();
  }
}

/** The example dialogue on us-doj, its two meetings, and the first meeting's record proposed. */
async function proposeExample(local: Node): Promise<{ id: string; meetingId: string }> {
  const actor = cliActor();
  const dialogues = (await local.dialogues.list(actor, { limit: 200 })).dialogues;
  const dialogue =
    dialogues.find((d) => d.peer === 'cn-mps' && d.title.en === DIALOGUE_TITLE.en) ??
    (await local.dialogues.create(actor, { peer: 'cn-mps', title: DIALOGUE_TITLE }));
  let meetings = (await local.dialogues.meetings(actor, dialogue.id, { limit: 200 })).meetings;
  for (const meeting of [FIRST_MEETING, NEXT_MEETING]) {
    if (!meetings.some((m) => m.number === meeting.number)) {
      await local.dialogues.addMeeting(actor, dialogue.id, meeting);
    }
  }
  meetings = (await local.dialogues.meetings(actor, dialogue.id, { limit: 200 })).meetings;
  const first = meetings.find((m) => m.number === 1);
  if (!first) throw new Error('the first meeting of the example dialogue is missing');
  if (first.record.status === 'draft' || first.record.status === 'declined') {
    await local.dialogueRecords.propose(actor, dialogue.id, first.id, {
      outcomes: FIRST_RECORD.outcomes,
      commitments: FIRST_RECORD.commitments.map((c) => ({
        ...c,
        evidence: [],
        measure: c.measure ?? null,
        source: null,
      })),
    });
  }
  return { id: dialogue.id, meetingId: first.id };
}

/**
 * The sandbox's example dialogue (issue 18), on the running nodes: us-doj proposes the
 * record of the first meeting and cn-mps accepts it, so both sign it. Each step is skipped
 * when it was done on an earlier run; the messages travel through the running servers.
 */
async function seedExampleDialogue(nodes: SandboxNode[], stopped: () => boolean): Promise<string> {
  const [us, cn] = nodes;
  if (!us || !cn) return 'no example dialogue (the sandbox has fewer than two nodes)';
  const { id, meetingId } = await withLocal(us, proposeExample);
  // One local node of cn-mps, asked four times a second until the proposal has arrived.
  return withLocal(cn, async (local) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const meeting = await local.dialogues.meeting(cliActor(), id, meetingId).catch(() => null);
      if (meeting?.record.status === 'agreed') break;
      const open = meeting?.record.latest;
      if (meeting?.record.awaiting === 'cn-mps' && open) {
        await local.dialogueRecords.answer(cliActor(), id, meetingId, open.version, 'accepted');
        break;
      }
      if (Date.now() > deadline || stopped()) {
        return 'The example dialogue is proposed; cn-mps has not received it yet (accept it there).';
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return 'The example dialogue (Washington, 1–2 December 2015) is agreed by both nodes.';
  });
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
      // The example dialogue travels between the running nodes: told when it is there.
      try {
        out.write(`${await seedExampleDialogue(nodes, () => stopping)}\n`);
      } catch (error) {
        if (!stopping) {
          out.write(`The example dialogue could not be loaded: ${(error as Error).message}\n`);
        }
      }
    });
}
