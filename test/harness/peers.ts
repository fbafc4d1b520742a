import { expect } from 'vitest';
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
