import { expect } from 'vitest';
import { generateNodeKeys } from '../../src/server/identity/keys.js';
import { call, login, type NodeHandle } from './node.js';

/**
 * Peers two in-process nodes (`makeNode`, listening at `urlA` and `urlB`) both ways: each
 * admin adds the other through the API with the fingerprint known here. Node processes
 * peer with `peer` of cluster.ts.
 */
export async function peerUp(
  a: NodeHandle,
  b: NodeHandle,
  urlA: string,
  urlB: string,
): Promise<void> {
  const adminA = await login(a.app, 'admin', a.admin.password);
  const adminB = await login(b.app, 'admin', b.admin.password);
  for (const [app, session, url, fingerprint] of [
    [a.app, adminA, urlB, b.node.keys.fingerprint],
    [b.app, adminB, urlA, a.node.keys.fingerprint],
  ] as const) {
    const r = await call(app, session, 'POST', '/api/federation/peers', { url, fingerprint });
    expect(r.statusCode).toBe(201);
  }
}

/**
 * A peer's row written straight into a node's store, with real keys and an empty outgoing
 * stream, as peering leaves them; the peer need not run (messages to it wait in the outbox,
 * or reach whatever answers at `url`). Accepts `kinds`, or every kind this node knows.
 */
export async function insertPeerRow(
  h: NodeHandle,
  peer: { nodeId: string; url: string; name?: string; kinds?: readonly string[] },
): Promise<void> {
  const keys = await generateNodeKeys();
  const now = Date.now();
  const db = h.node.store.db;
  await db
    .insertInto('peers')
    .values({
      node_id: peer.nodeId,
      url: peer.url,
      name: peer.name ?? 'peer',
      country: 'CN',
      time_zone: 'Asia/Shanghai',
      signing_jwk: JSON.stringify(keys.signing.publicJwk),
      encryption_jwk: JSON.stringify(keys.encryption.publicJwk),
      fingerprint: keys.fingerprint,
      message_kinds: JSON.stringify(peer.kinds ?? h.node.federation.kinds.names()),
      status: 'active',
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('stream_out')
    .values({ peer_id: peer.nodeId, last_seq: 0, acked_seq: 0, failures: 0, peer_up: 0 })
    .execute();
}
