import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { generateKeyPair, exportJWK, calculateJwkThumbprint, type JWK } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { NOTE_KIND } from '../src/core/schemas/notes.js';
import { ManualClock } from '../src/server/clock.js';
import {
  importEncryptionKey,
  importSigningKey,
  sealEnvelope,
  type SignedMessage,
} from '../src/server/federation/envelope.js';
import { KEYS_KIND, signRotationProof } from '../src/server/federation/key-rotation.js';
import { loadNodeKeys, generateNodeKeys, writeNodeKeys } from '../src/server/identity/keys.js';
import type { Node } from '../src/server/node.js';
import { runCli } from './harness/cli.js';
import {
  appliedNotes,
  clusterRoot,
  createNodeProcess,
  openLocal,
  peer,
  removeClusterRoots,
  type NodeProcess,
} from './harness/cluster.js';
import { createTestDatabase, DIALECTS, dialectAvailable } from './harness/databases.js';
import { makeNode } from './harness/node.js';
import { until } from './harness/wait.js';

/**
 * Key rotation (issue 16, acceptance 3): across two real node processes while 5,000
 * messages flow, both sides rotate (one twice, through the API and through the CLI on the
 * data directory of the running node); nothing is lost, nothing applied twice, order kept.
 * An envelope signed by the old key after the announcement, and an announcement not signed
 * by the pinned key, are refused. Retired keys are deleted once their grace ends.
 */
const started: NodeProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((n) => n.kill()));
  removeClusterRoots();
});

const QUIET = { LIAISON_CHECKPOINT_MINUTES: '1440' };

function readJwk(node: NodeProcess, file: string): JWK {
  return JSON.parse(readFileSync(path.join(node.dataDir, 'keys', file), 'utf8')) as JWK;
}

async function descriptorOf(node: NodeProcess): Promise<{ fingerprint: string; keys: any }> {
  const response = await fetch(`${node.url}/.well-known/liaison`);
  return ((await response.json()) as { descriptor: { fingerprint: string; keys: any } }).descriptor;
}

async function pinnedFingerprint(viewer: NodeProcess, peerId: string): Promise<string> {
  return (await viewer.api('GET', `/api/federation/peers/${peerId}`)).body.fingerprint as string;
}

async function lastSent(viewer: NodeProcess, peerId: string): Promise<number> {
  return (await viewer.api('GET', `/api/federation/peers/${peerId}`)).body.ledger
    .lastSent as number;
}

async function lastApplied(viewer: NodeProcess, peerId: string): Promise<number> {
  return (await viewer.api('GET', `/api/federation/peers/${peerId}`)).body.ledger
    .lastApplied as number;
}

/** Queues `texts` as notes for `peerId` in the node's stream, `chunk` per transaction. */
async function queueNotes(local: Node, peerId: string, texts: string[]): Promise<void> {
  await local.store.transaction(async (trx) => {
    for (const text of texts) {
      await local.federation.send(trx, undefined, peerId, NOTE_KIND, {
        noteId: text,
        text,
        author: 'test',
      });
    }
  });
}

function expectExactlyOnceInOrder(applied: { seq: number; text: string }[], sent: string[]) {
  expect(applied.length).toBe(sent.length);
  expect(new Set(applied.map((a) => a.text)).size).toBe(sent.length);
  expect(applied.map((a) => a.text)).toEqual(sent);
  for (let i = 1; i < applied.length; i++)
    expect(applied[i]!.seq).toBeGreaterThan(applied[i - 1]!.seq);
}

/** The audit entries of key rotations in a node's chain, in order. */
async function keyAudit(dataDir: string): Promise<string[]> {
  const local = await openLocal(dataDir);
  try {
    const rows = await local.store.db
      .selectFrom('audit_log')
      .select('action')
      .where((eb) =>
        eb.or([eb('action', 'like', 'node.keys.%'), eb('action', '=', 'peer.keys_rotated')]),
      )
      .orderBy('seq')
      .execute();
    return rows.map((r) => r.action);
  } finally {
    await local.close();
  }
}

function fileMode(file: string): number {
  return statSync(file).mode & 0o777;
}

describe('key rotation between node processes', () => {
  let a: NodeProcess;
  let b: NodeProcess;
  /** A's signing key before its first rotation (the tests below sign with it). */
  let aFirstSigning: JWK;

  it('loses, duplicates and reorders nothing while 5,000 messages flow and both sides rotate', async () => {
    const root = clusterRoot();
    a = await createNodeProcess(root, 'us-doj', { env: QUIET });
    b = await createNodeProcess(root, 'cn-mps', { env: QUIET, country: 'CN' });
    started.push(a, b);
    await Promise.all([a.start(), b.start()]);
    await peer(a, b);
    aFirstSigning = readJwk(a, 'signing.jwk.json');
    const bFirstFingerprint = b.fingerprint;

    // Second processes of each node queue the notes, as a CLI or another API process would:
    // they must sign and seal with whatever keys the rotations (made elsewhere) switched to.
    const localA = await openLocal(a.dataDir);
    const localB = await openLocal(b.dataDir);
    const toB: string[] = [];
    const toA: string[] = [];
    const rotations: string[] = [];
    try {
      for (let chunk = 0; chunk < 20; chunk++) {
        const textsToB = Array.from({ length: 250 }, (_, i) => `a→b ${chunk * 250 + i + 1}`);
        const textsToA = Array.from({ length: 50 }, (_, i) => `b→a ${chunk * 50 + i + 1}`);
        await Promise.all([
          queueNotes(localA, 'cn-mps', textsToB),
          queueNotes(localB, 'us-doj', textsToA),
        ]);
        toB.push(...textsToB);
        toA.push(...textsToA);
        if (chunk === 5 || chunk === 14) {
          // A rotates through its admin API, while its stream is busy.
          const r = await a.api('POST', '/api/node/keys/rotate', {});
          expect(r.status).toBe(200);
          expect(r.body.announced).toEqual([{ peer: 'cn-mps', seq: expect.any(Number) }]);
          rotations.push(r.body.fingerprint as string);
        }
        if (chunk === 9) {
          // B rotates through the CLI on its data directory, while it serves. A holds back
          // its stream meanwhile, so envelopes sealed to B's old key wait in A's outbox: B
          // must still open them (grace period).
          expect((await a.api('POST', '/api/federation/peers/cn-mps/suspend')).status).toBe(200);
          const held = (await a.api('GET', '/api/federation/peers/cn-mps')).body.ledger;
          expect(held.backlog).toBeGreaterThan(0);
          const cli = await runCli(['keys', 'rotate', '--data', b.dataDir, '--json']);
          expect(cli.code, cli.stderr).toBe(0);
          const result = JSON.parse(cli.stdout) as { fingerprint: string; graceUntil: string };
          expect(result.fingerprint).not.toBe(bFirstFingerprint);
          b.fingerprint = result.fingerprint;
          expect((await a.api('POST', '/api/federation/peers/cn-mps/resume')).status).toBe(200);
        }
      }
    } finally {
      await Promise.all([localA.close(), localB.close()]);
    }
    a.fingerprint = rotations[1] as string;

    // 5,000 notes and two announcements from A; 1,000 notes and one announcement from B (and
    // whatever else the nodes send meanwhile, such as an audit checkpoint): until the
    // receivers have applied all of it.
    const drained = async (from: NodeProcess, to: NodeProcess, toId: string, fromId: string) =>
      (await lastApplied(to, fromId)) >= (await lastSent(from, toId));
    await until(
      async () =>
        (await lastApplied(b, 'us-doj')) >= 5_002 &&
        (await lastApplied(a, 'cn-mps')) >= 1_001 &&
        (await drained(a, b, 'cn-mps', 'us-doj')) &&
        (await drained(b, a, 'us-doj', 'cn-mps')),
      'both streams to drain',
      100_000,
      250,
    );
    expectExactlyOnceInOrder(await appliedNotes(b.dataDir, 'us-doj'), toB);
    expectExactlyOnceInOrder(await appliedNotes(a.dataDir, 'cn-mps'), toA);

    // Each side pinned the other's new keys without re-peering; descriptors serve them.
    expect(await pinnedFingerprint(b, 'us-doj')).toBe(a.fingerprint);
    expect(await pinnedFingerprint(a, 'cn-mps')).toBe(b.fingerprint);
    expect((await descriptorOf(a)).fingerprint).toBe(a.fingerprint);
    expect((await descriptorOf(b)).fingerprint).toBe(b.fingerprint);
    // GET /api/node shows the current fingerprint, also on B, rotated by another process.
    expect((await a.api('GET', '/api/node')).body.fingerprint).toBe(a.fingerprint);
    expect((await b.api('GET', '/api/node')).body.fingerprint).toBe(b.fingerprint);
    expect(new Set([...rotations, bFirstFingerprint, b.fingerprint]).size).toBe(4);

    // The current key files are the new keys; every private key file is 0600, the dir 0700.
    const keysDir = path.join(a.dataDir, 'keys');
    expect(readJwk(a, 'signing.jwk.json').kid).toBe((await descriptorOf(a)).keys.signing.kid);
    expect(fileMode(keysDir)).toBe(0o700);
    const files = readdirSync(keysDir);
    expect(files.length).toBeGreaterThanOrEqual(2 + 6); // current two, three pairs by kid
    for (const file of files) expect(fileMode(path.join(keysDir, file))).toBe(0o600);

    // Audited on both sides.
    expect((await keyAudit(a.dataDir)).sort()).toEqual([
      'node.keys.rotate',
      'node.keys.rotate',
      'peer.keys_rotated',
    ]);
    expect((await keyAudit(b.dataDir)).sort()).toEqual([
      'node.keys.rotate',
      'peer.keys_rotated',
      'peer.keys_rotated',
    ]);

    // The stream still works afterwards, both ways, through the API.
    const note = await a.api('POST', '/api/notes', { peer: 'cn-mps', text: 'after rotations' });
    expect(note.status).toBe(201);
    await until(async () => (await lastApplied(b, 'us-doj')) === 5_003, 'the note after');
  }, 150_000);

  /** An envelope to B claiming to be A's message `seq`, signed by `signer`. */
  async function envelopeToB(seq: number, kind: string, body: unknown, signer: JWK) {
    const bKeys = (await descriptorOf(b)).keys;
    const message: SignedMessage = {
      v: 1,
      from: 'us-doj',
      to: 'cn-mps',
      seq,
      kind,
      id: randomUUID(),
      at: new Date().toISOString(),
      body,
    };
    return sealEnvelope(
      message,
      { key: await importSigningKey(signer), kid: signer.kid as string },
      { key: await importEncryptionKey(bKeys.encryption as JWK), kid: bKeys.encryption.kid },
    );
  }

  async function postToB(envelope: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${b.url}/federation/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ envelopes: [envelope] }),
    });
    return { status: response.status, body: await response.json() };
  }

  it('refuses an envelope signed by the old key after the announcement', async () => {
    const next = (await lastApplied(b, 'us-doj')) + 1;
    const envelope = await envelopeToB(
      next,
      NOTE_KIND,
      { noteId: 'old-key', text: 'signed by a retired key', author: 'mallory' },
      aFirstSigning,
    );
    const r = await postToB(envelope);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('bad_signature');
    // A's own background messages (an audit checkpoint, the hotline's coverage) may take
    // that sequence meanwhile; the forged note is what must not be applied.
    const texts = (await appliedNotes(b.dataDir, 'us-doj')).map((n) => n.text);
    expect(texts).not.toContain('signed by a retired key');
  });

  it('refuses an announcement not signed by the pinned key, or without a valid proof', async () => {
    const pinned = await pinnedFingerprint(b, 'us-doj');
    const next = (await lastApplied(b, 'us-doj')) + 1;
    // Mallory's own keys, announced as A's new ones and signed by Mallory.
    const signing = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const encryption = await generateKeyPair('ECDH-ES+A256KW', {
      crv: 'X25519',
      extractable: true,
    });
    const signingJwk = await exportJWK(signing.privateKey);
    const encryptionJwk = await exportJWK(encryption.publicKey);
    const signingKid = await calculateJwkThumbprint(signingJwk);
    const encryptionKid = await calculateJwkThumbprint(encryptionJwk);
    const { d: _d, ...signingPublic } = signingJwk;
    const currentKid = (await descriptorOf(a)).keys.signing.kid as string;
    const announcement = {
      signing: { ...signingPublic, kid: signingKid },
      encryption: { ...encryptionJwk, kid: encryptionKid },
      previous: currentKid,
      graceUntil: new Date(Date.now() + 86_400_000).toISOString(),
      proof: await signRotationProof(
        'us-doj',
        { signing: signingKid, encryption: encryptionKid, previous: currentKid },
        signing.privateKey,
      ),
    };
    const forged = await envelopeToB(next, KEYS_KIND, announcement, {
      ...signingJwk,
      kid: signingKid,
    });
    const r = await postToB(forged);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('bad_signature');

    // Signed by the pinned key (stolen, say) but the new key's proof is not by the new key.
    const aCurrent = readJwk(a, 'signing.jwk.json');
    const badProof = await envelopeToB(
      next,
      KEYS_KIND,
      {
        ...announcement,
        proof: await signRotationProof(
          'us-doj',
          { signing: signingKid, encryption: encryptionKid, previous: currentKid },
          await importSigningKey(aCurrent),
        ),
      },
      aCurrent,
    );
    const r2 = await postToB(badProof);
    expect(r2.status).toBe(422);
    expect(r2.body.error.code).toBe('invalid_payload');

    expect(await pinnedFingerprint(b, 'us-doj')).toBe(pinned);
    expect(await lastApplied(b, 'us-doj')).toBe(next - 1);
  });
});

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`retired keys on ${dialect}`, () => {
    it('are kept for the grace period, then deleted with their files, audited', async () => {
      const database = await createTestDatabase(dialect);
      const generated = await generateNodeKeys();
      writeNodeKeys(database.dataDir, generated);
      const keys = await loadNodeKeys(database.dataDir);
      const clock = new ManualClock(Date.parse('2026-12-01T00:00:00Z'));
      const handle = await makeNode({ database, keys, clock });
      try {
        const cli = { kind: 'cli', osUser: 'test' } as const;
        const federation = handle.node.federation;
        const rotated = await federation.keys.rotate(cli, { graceDays: 2 });
        expect(rotated.announced).toEqual([]);
        expect(rotated.graceUntil).toBe('2026-12-03T00:00:00.000Z');
        expect(handle.node.keys.fingerprint).toBe(rotated.fingerprint);
        const retired = rotated.keys.filter((k) => k.state === 'retired').map((k) => k.kid);
        expect(retired.sort()).toEqual([generated.signing.kid, generated.encryption.kid].sort());
        const keyFile = (kid: string) => path.join(database.dataDir, 'keys', `${kid}.jwk.json`);
        for (const kid of retired) expect(fileMode(keyFile(kid))).toBe(0o600);
        const db = handle.node.store.db;
        const decryptable = async () =>
          (await federation.ctx.ring.decryptionKeys(db, clock.now())).map((k) => k.kid).sort();
        expect(await decryptable()).toContain(generated.encryption.kid);

        clock.advance(2 * 86_400_000 - 1);
        expect(await federation.keys.prune()).toEqual([]);
        clock.advance(1);
        expect((await federation.keys.prune()).sort()).toEqual(retired.sort());
        expect(await decryptable()).not.toContain(generated.encryption.kid);
        for (const kid of retired) expect(() => statSync(keyFile(kid))).toThrow();
        const list = await federation.keys.list(cli);
        expect(list.map((k) => k.state)).toEqual(['current', 'current']);
        const audit = await db
          .selectFrom('audit_log')
          .select('action')
          .where('action', 'like', 'node.keys.%')
          .orderBy('seq')
          .execute();
        expect(audit.map((r) => r.action)).toEqual(['node.keys.rotate', 'node.keys.delete']);
        // A restart loads the new keys.
        expect((await loadNodeKeys(database.dataDir)).fingerprint).toBe(rotated.fingerprint);
      } finally {
        await handle.destroy();
      }
    });

    it('needs peers.manage through the API', async () => {
      const handle = await makeNode({ dialect });
      try {
        const analyst = await handle.createUser('ann', ['analyst']);
        const login = await handle.app.inject({
          method: 'POST',
          url: '/api/session',
          payload: { username: analyst.username, password: analyst.password },
        });
        const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
        const csrf = login.json<{ csrfToken: string }>().csrfToken;
        const r = await handle.app.inject({
          method: 'POST',
          url: '/api/node/keys/rotate',
          headers: { cookie, 'x-csrf-token': csrf },
          payload: { graceDays: 'soon' },
        });
        expect(r.statusCode).toBe(403);
        expect(await handle.node.federation.keys.list({ kind: 'cli', osUser: 't' })).toHaveLength(
          2,
        );
      } finally {
        await handle.destroy();
      }
    });
  });
}
