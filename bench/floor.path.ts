import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../test/harness/cli.js';
import { freePort } from '../test/harness/cluster.js';
import { percentile, readEvents } from './report.js';

/**
 * The floor of a message's whole path through two nodes, measured in the same run: two bare
 * processes, A and B, that do what no implementation of the protocol can skip on that path,
 * and nothing else (no session, no validation, no audit, no search, no framework):
 *
 * - the client's request to A over HTTP (a kept-alive connection, as the bench's own);
 * - on A: the message sealed as the protocol seals it (an Ed25519 signature; an ephemeral
 *   X25519 key, its agreement with B's key and AES-256-GCM), then the note and the sealed
 *   message committed in one durable SQLite transaction (WAL, synchronous = FULL) on the
 *   disk of the nodes' data directories; the message posted to B, A's answer to the client;
 * - on B: the message opened (the X25519 agreement, AES-256-GCM, the Ed25519 verification),
 *   the note and the stream's watermark committed in one durable transaction, the event
 *   written to the live stream (Server-Sent Events) the client holds open on B, B's answer.
 *
 * The bench's `floor` (bench/floor.ts: one round trip and two fsyncs) leaves out that this
 * path has three hops (client → A → B → client's stream), not one, and that a message is
 * sealed and opened. This measures the path as it must be: what a node's latency is, over
 * it, is the node's own cost. Two figures per message: from before the client's request
 * (bench/federation's note latency) and from A's taking the message, before its
 * transaction (bench/hotline's "call commit on A", whose clock starts at the call's
 * createdAt, written inside A's transaction).
 */
const SCRIPT = `
  import http from 'node:http';
  import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman,
    generateKeyPairSync, randomBytes, randomUUID, sign, verify, hkdfSync } from 'node:crypto';
  import Database from 'better-sqlite3';
  const cfg = JSON.parse(process.env.FLOOR_PATH);
  const key = (der, type) => type === 'private'
    ? createPrivateKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'pkcs8' })
    : createPublicKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'spki' });
  // The node's own keys are parsed once; a message's ephemeral key is parsed each time.
  const own = {
    signing: cfg.signing && key(cfg.signing, 'private'),
    agreement: cfg.agreement && key(cfg.agreement, 'private'),
    peerSigning: cfg.peerSigning && key(cfg.peerSigning, 'public'),
    peerAgreement: cfg.peerAgreement && key(cfg.peerAgreement, 'public'),
  };
  const db = new Database(cfg.file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('create table if not exists notes (id text primary key, text text, at integer)');
  db.exec('create table if not exists outbox (seq integer primary key, envelope text)');
  db.exec('create table if not exists stream_in (peer text primary key, applied integer)');
  db.prepare("insert or ignore into stream_in values ('a', 0)").run();
  const insertNote = db.prepare('insert into notes values (?, ?, ?)');
  const insertOut = db.prepare('insert into outbox (envelope) values (?)');
  const applied = db.prepare("update stream_in set applied = applied + 1 where peer = 'a'");
  const now = () => performance.timeOrigin + performance.now();
  const body = (request) => new Promise((resolve) => {
    const chunks = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
  const agent = new http.Agent({ keepAlive: true, noDelay: true });
  const streams = new Set();
  const server = http.createServer({ noDelay: true }, async (request, response) => {
    if (request.url === '/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      response.write(': open\\n\\n');
      streams.add(response);
      request.on('close', () => streams.delete(response));
      return;
    }
    const text = await body(request);
    if (cfg.role === 'a') {
      const takenAt = now();
      const note = JSON.parse(text);
      const payload = Buffer.from(JSON.stringify({ id: randomUUID(), note: note.text, takenAt }));
      const signature = sign(null, payload, own.signing);
      const ephemeral = generateKeyPairSync('x25519');
      const secret = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: own.peerAgreement });
      const cek = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'ECDH-ES', 32));
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', cek, iv);
      const sealed = Buffer.concat([cipher.update(payload), cipher.final()]);
      const envelope = JSON.stringify({
        epk: ephemeral.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
        iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'),
        ciphertext: sealed.toString('base64'), signature: signature.toString('base64'),
      });
      db.transaction(() => { insertNote.run(randomUUID(), note.text, Date.now()); insertOut.run(envelope); })();
      const out = http.request(cfg.peerUrl + '/batch', { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (answer) => answer.resume());
      out.end(envelope);
      response.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
    } else {
      const envelope = JSON.parse(text);
      const secret = diffieHellman({ privateKey: own.agreement,
        publicKey: key(envelope.epk, 'public') });
      const cek = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'ECDH-ES', 32));
      const decipher = createDecipheriv('aes-256-gcm', cek, Buffer.from(envelope.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
      const payload = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]);
      if (!verify(null, payload, own.peerSigning, Buffer.from(envelope.signature, 'base64'))) {
        response.writeHead(422).end();
        return;
      }
      const message = JSON.parse(payload.toString());
      db.transaction(() => { insertNote.run(message.id, message.note, Date.now()); applied.run(); })();
      const event = 'event: note\\ndata: ' + JSON.stringify({ text: message.note, takenAt: message.takenAt }) + '\\n\\n';
      for (const stream of streams) stream.write(event);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"applied":1}');
    }
  });
  server.listen(cfg.port, '127.0.0.1', () => process.stdout.write('ready\\n'));
`;

export interface PathFloor {
  /** From before the client's request to A until B's stream shows the message. */
  path_floor_p50_ms: number;
  path_floor_p99_ms: number;
  /** From A's taking the message (before its transaction) until B's stream shows it. */
  path_floor_from_a_p50_ms: number;
  path_floor_from_a_p99_ms: number;
}

const der = (key: KeyObject, type: 'pkcs8' | 'spki') =>
  key.export({ format: 'der', type }).toString('base64');

async function startBare(role: 'a' | 'b', config: Record<string, unknown>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    cwd: ROOT,
    env: { ...process.env, FLOOR_PATH: JSON.stringify({ role, ...config }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`bare ${role} exited (${code})`)));
  });
  return child;
}

/** Measures the path's floor with `samples` messages (after 20 that warm up), in `dir`. */
export async function pathFloor(dir: string, samples = 500): Promise<PathFloor> {
  mkdirSync(dir, { recursive: true });
  const signingA = generateKeyPairSync('ed25519');
  const agreementB = generateKeyPairSync('x25519');
  const [portA, portB] = [await freePort(), await freePort()];
  const b = await startBare('b', {
    port: portB,
    file: path.join(dir, 'b.db'),
    agreement: der(agreementB.privateKey, 'pkcs8'),
    peerSigning: der(signingA.publicKey, 'spki'),
  });
  const a = await startBare('a', {
    port: portA,
    file: path.join(dir, 'a.db'),
    signing: der(signingA.privateKey, 'pkcs8'),
    peerAgreement: der(agreementB.publicKey, 'spki'),
    peerUrl: `http://127.0.0.1:${portB}`,
  });
  let stream: { close: () => void } | undefined;
  try {
    const waiters = new Map<string, (arrival: { at: number; fromA: number }) => void>();
    stream = await readEvents(`http://127.0.0.1:${portB}/events`, {}, "B's stream", (e) => {
      const event = e.data as { text: string; takenAt: number };
      waiters.get(event.text)?.({ at: e.at, fromA: performance.timeOrigin + e.at - event.takenAt });
    });
    const whole: number[] = [];
    const fromA: number[] = [];
    for (let i = 0; i < samples + 20; i++) {
      const text = `floor ${i}`;
      const arrived = new Promise<{ at: number; fromA: number }>((resolve) =>
        waiters.set(text, resolve),
      );
      const t0 = performance.now();
      const sent = await fetch(`http://127.0.0.1:${portA}/note`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      await sent.arrayBuffer();
      // A bare process that died must fail the bench, naming the step, not hang it.
      const arrival = await Promise.race([
        arrived,
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`path floor: message ${i} never reached B's stream`)),
            10_000,
          ).unref(),
        ),
      ]);
      if (i >= 20) {
        whole.push(arrival.at - t0);
        fromA.push(arrival.fromA);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return {
      path_floor_p50_ms: percentile(whole, 50),
      path_floor_p99_ms: percentile(whole, 99),
      path_floor_from_a_p50_ms: percentile(fromA, 50),
      path_floor_from_a_p99_ms: percentile(fromA, 99),
    };
  } finally {
    stream?.close();
    for (const child of [a, b]) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

/** The table's rows for the path's floor, and a figure's ratio to it at p50 and p99. */
export function pathFloorRows(
  floor: PathFloor,
  what: string,
  from: 'request' | 'a',
  p50: number,
  p99: number,
): [string, string][] {
  const [f50, f99] =
    from === 'request'
      ? [floor.path_floor_p50_ms, floor.path_floor_p99_ms]
      : [floor.path_floor_from_a_p50_ms, floor.path_floor_from_a_p99_ms];
  const ratio = (value: number, of: number) => (of > 0 ? (value / of).toFixed(2) : '–');
  return [
    [
      `path floor: bare A and B, three hops, sealed and opened, two commits, ${from === 'request' ? 'from the request' : "from A's taking"}, p50 / p99 (baseline)`,
      `${f50} / ${f99} ms`,
    ],
    [`${what} / path floor, p50 / p99`, `${ratio(p50, f50)} / ${ratio(p99, f99)}`],
  ];
}
