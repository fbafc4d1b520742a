import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { CompactEncrypt, CompactSign, generateKeyPair, type importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importEncryptionKey,
  importSigningKey,
  sealEnvelope,
  type SignedMessage,
} from '../src/server/federation/envelope.js';
import {
  clusterRoot,
  createNodeProcess,
  peer,
  removeClusterRoots,
  type NodeProcess,
} from './harness/cluster.js';

/**
 * Issue 3, acceptance 4: every kind of bad envelope sent to a real receiver process is
 * refused with a 4xx and a specific code, nothing is stored, and the node goes on serving.
 */
let a: NodeProcess;
let b: NodeProcess;
let c: NodeProcess;
let aSigning: { key: Awaited<ReturnType<typeof importJWK>>; kid: string };
let bEncryption: { key: Awaited<ReturnType<typeof importJWK>>; kid: string };

function readJwk(node: NodeProcess, file: string): JWK {
  return JSON.parse(readFileSync(path.join(node.dataDir, 'keys', file), 'utf8')) as JWK;
}

function message(seq: number, overrides: Partial<SignedMessage> = {}): SignedMessage {
  return {
    v: 1,
    from: 'us-doj',
    to: 'cn-mps',
    seq,
    kind: 'liaison.note',
    id: randomUUID(),
    at: new Date().toISOString(),
    body: { noteId: `n${seq}`, text: `note ${seq}`, author: 'test' },
    ...overrides,
  };
}

const seal = (m: SignedMessage, signer = aSigning) => sealEnvelope(m, signer, bEncryption);

/** Posts with node:http, reading the answer even if the server stops reading the body early (413). */
function postRaw(body: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${b.url}/federation/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) }),
      );
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    // Send the head and a first part, then give the server time to answer from the
    // Content-Length alone, as a node refusing an over-size body does.
    request.write(body.slice(0, 65_536));
    setTimeout(() => {
      if (answered) request.destroy();
      else request.end(body.slice(65_536));
    }, 300);
  });
}

async function post(body: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`${b.url}/federation/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, json: await response.json() };
}
const batch = (...envelopes: string[]) => post(JSON.stringify({ envelopes }));

function rowCounts(): Record<string, number> {
  const db = new SQLite(path.join(b.dataDir, 'liaison.db'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as {
      name: string;
    }[];
    // The node's own descriptor refresh (a fetch, audited with the address it reached) may
    // run meanwhile: its entries are not something a refused envelope stored.
    const count = (name: string) =>
      name === 'audit_log'
        ? `select count(*) as n from "${name}" where action <> 'outbound.fetch'`
        : `select count(*) as n from "${name}"`;
    return Object.fromEntries(
      tables.map(({ name }) => [name, (db.prepare(count(name)).get() as { n: number }).n]),
    );
  } finally {
    db.close();
  }
}

/** Encrypts arbitrary content to B with A's header fields, as an attacker could. */
async function encryptRaw(content: string, header: Record<string, unknown> = {}): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(content))
    .setProtectedHeader({
      alg: 'ECDH-ES+A256KW',
      enc: 'A256GCM',
      kid: bEncryption.kid,
      from: 'us-doj',
      to: 'cn-mps',
      seq: 2,
      kind: 'liaison.note',
      mid: 'm',
      ...header,
    })
    .encrypt(bEncryption.key);
}

beforeAll(async () => {
  const root = clusterRoot();
  a = await createNodeProcess(root, 'us-doj');
  b = await createNodeProcess(root, 'cn-mps');
  c = await createNodeProcess(root, 'gb-nca');
  await Promise.all([a.start(), b.start(), c.start()]);
  await peer(a, b);
  await peer(c, b);
  expect((await b.api('DELETE', '/api/federation/peers/gb-nca')).status).toBe(204);
  // A's own dispatcher stays out of the way: this test speaks for A.
  await a.stop();
  await c.stop();
  aSigning = {
    key: await importSigningKey(readJwk(a, 'signing.jwk.json')),
    kid: readJwk(a, 'signing.jwk.json').kid ?? '',
  };
  const bEnc = readJwk(b, 'encryption.jwk.json');
  const { d: _d, ...bPublic } = bEnc;
  bEncryption = { key: await importEncryptionKey(bPublic), kid: bEnc.kid ?? '' };
  // One good message first, so replays have something to replay.
  const first = await batch(await seal(message(1)));
  expect(first.status).toBe(200);
  expect(first.json).toEqual({ applied: 1, rejected: [] });
}, 120_000);

afterAll(async () => {
  await Promise.all([a.kill(), b.kill(), c.kill()]);
  removeClusterRoots();
});

describe('the batch endpoint refuses bad envelopes and stores nothing', () => {
  const cases: [string, () => Promise<{ status: number; json: any }>, number, string][] = [
    [
      'a bad signature',
      async () => {
        const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
        return batch(await seal(message(2), { key: privateKey, kid: aSigning.kid }));
      },
      401,
      'bad_signature',
    ],
    [
      'a sender that is not a peer',
      async () => {
        const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
        return batch(await seal(message(1, { from: 'zz-unknown' }), { key: privateKey, kid: 'x' }));
      },
      403,
      'unknown_peer',
    ],
    [
      'a removed peer',
      async () => batch(await seal(message(1, { from: 'gb-nca' }))),
      403,
      'peer_removed',
    ],
    [
      'an envelope addressed to another node',
      async () => batch(await seal(message(2, { to: 'xx-other' }))),
      403,
      'wrong_recipient',
    ],
    ['a replayed sequence', async () => batch(await seal(message(1))), 409, 'replayed_sequence'],
    ['a gap in the sequence', async () => batch(await seal(message(5))), 409, 'sequence_gap'],
    [
      'tampered ciphertext',
      async () => {
        const parts = (await seal(message(2))).split('.');
        const ciphertext = parts[3] as string;
        parts[3] = (ciphertext[0] === 'A' ? 'B' : 'A') + ciphertext.slice(1);
        return batch(parts.join('.'));
      },
      400,
      'decryption_failed',
    ],
    [
      'alg none inside',
      async () => {
        const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
        const payload = Buffer.from(JSON.stringify(message(2))).toString('base64url');
        return batch(await encryptRaw(`${header}.${payload}.`));
      },
      400,
      'bad_algorithm',
    ],
    [
      'an HMAC signature inside',
      async () => {
        const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(message(2))))
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode('a shared secret that anyone could know'));
        return batch(await encryptRaw(jws));
      },
      400,
      'bad_algorithm',
    ],
    [
      'another key-management algorithm outside',
      async () => {
        const envelope = await new CompactEncrypt(new TextEncoder().encode('x'))
          .setProtectedHeader({
            alg: 'dir',
            enc: 'A256GCM',
            from: 'us-doj',
            to: 'cn-mps',
            seq: 2,
            kind: 'liaison.note',
            mid: 'm',
          })
          .encrypt(new Uint8Array(32));
        return batch(envelope);
      },
      400,
      'bad_algorithm',
    ],
    ['malformed JSON', () => post('{"envelopes": ["abc"'), 400, 'invalid_json'],
    [
      'an over-size body',
      () => postRaw(JSON.stringify({ envelopes: ['x'.repeat(17 * 1024 * 1024)] })),
      413,
      'payload_too_large',
    ],
    [
      'an unknown message kind',
      async () => batch(await seal(message(2, { kind: 'liaison.unheard_of' }))),
      422,
      'unknown_kind',
    ],
    [
      'a payload failing its schema',
      async () =>
        batch(await seal(message(2, { body: { noteId: 'n2', text: '', author: 'test' } }))),
      422,
      'invalid_payload',
    ],
    ['something that is not a JWE', () => batch('not.an.envelope'), 400, 'invalid_envelope'],
  ];

  for (const [name, send, status, code] of cases) {
    it(`refuses ${name} with ${status} ${code}`, async () => {
      const before = rowCounts();
      const result = await send();
      expect(result.status).toBe(status);
      expect(result.json.error.code).toBe(code);
      expect(result.json.error.message.length).toBeGreaterThan(10);
      expect(rowCounts()).toEqual(before);
      const health = await fetch(`${b.url}/healthz`);
      expect(health.status).toBe(200);
    });
  }

  it('refuses a suspended peer, and accepts it again once resumed', async () => {
    expect((await b.api('POST', '/api/federation/peers/us-doj/suspend')).body.status).toBe(
      'suspended',
    );
    const before = rowCounts();
    const refused = await batch(await seal(message(2)));
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('peer_suspended');
    expect(rowCounts()).toEqual(before);
    expect((await b.api('POST', '/api/federation/peers/us-doj/resume')).body.status).toBe('active');
  });

  it('still applies the next good message afterwards', async () => {
    const result = await batch(await seal(message(2)), await seal(message(3)));
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ applied: 3, rejected: [] });
    const notes = await b.api('GET', '/api/notes?peer=us-doj');
    expect(notes.body.notes.map((n: { text: string }) => n.text)).toEqual([
      'note 3',
      'note 2',
      'note 1',
    ]);
  });

  it('records a message its handler refuses, reports it back, and keeps the stream moving', async () => {
    const checkpoint = (seq: number, hash: string) =>
      seal(
        message(seq, {
          kind: 'liaison.audit_checkpoint',
          body: { seq: 1, hash, at: new Date().toISOString() },
        }),
      );
    const result = await batch(
      await checkpoint(4, 'a'.repeat(64)),
      await checkpoint(5, 'b'.repeat(64)),
      await seal(message(6)),
    );
    expect(result.status).toBe(200);
    expect(result.json.applied).toBe(6);
    expect(result.json.rejected).toEqual([
      expect.objectContaining({
        seq: 5,
        kind: 'liaison.audit_checkpoint',
        code: 'checkpoint_conflict',
      }),
    ]);
    const rejections = await b.api('GET', '/api/federation/rejections');
    expect(rejections.body.rejections).toEqual([
      expect.objectContaining({
        direction: 'in',
        peer: 'us-doj',
        seq: 5,
        code: 'checkpoint_conflict',
      }),
    ]);
    const ledger = (await b.api('GET', '/api/federation/peers/us-doj')).body.ledger;
    expect(ledger).toMatchObject({ lastApplied: 6, rejectedHere: 1 });
    const notes = await b.api('GET', '/api/notes?peer=us-doj');
    expect(notes.body.notes[0].text).toBe('note 6');
  });

  it('opens large batches on worker threads and refuses one bad envelope among them', async () => {
    const good = await Promise.all(Array.from({ length: 40 }, (_, i) => seal(message(7 + i))));
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = [...good];
    forged[25] = await seal(message(32), { key: privateKey, kid: aSigning.kid });
    const before = rowCounts();
    const refused = await batch(...forged);
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('bad_signature');
    expect(rowCounts()).toEqual(before);
    const applied = await batch(...good);
    expect(applied.json).toEqual({ applied: 46, rejected: [] });
  });

  it('applies a batch that overtook the one before it once that one is applied, in order', async () => {
    const second = batch(await seal(message(49)), await seal(message(50)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const first = await batch(await seal(message(47)), await seal(message(48)));
    expect(first.json).toEqual({ applied: 48, rejected: [] });
    expect((await second).json).toEqual({ applied: 50, rejected: [] });
    // Applied in sequence order: each note no earlier than the one before it (two of one
    // batch may share a millisecond, so the list's order between them says nothing).
    const notes = await b.api('GET', '/api/notes?peer=us-doj');
    const applied = (notes.body.notes as { seq: number; createdAt: string }[])
      .slice(0, 4)
      .sort((x, y) => x.seq - y.seq);
    expect(applied.map((n) => n.seq)).toEqual([47, 48, 49, 50]);
    const times = applied.map((n) => Date.parse(n.createdAt));
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });
});
