import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';

/**
 * Issue 16, row 11: non-admins learned request formats because some routes validated the
 * body before asking whether the caller may use them at all. Now a route's permission is
 * checked first: 403, whatever the body.
 */
let node: NodeHandle;
let analyst: Session;

beforeAll(async () => {
  node = await makeNode({ nodeId: 'us-doj' });
  const user = await node.createUser('analyst.first', ['analyst']);
  analyst = await login(node.app, user.username, user.password);
});

afterAll(async () => {
  await node?.destroy();
});

describe('authorize before validating', () => {
  it.each([
    ['DELETE', '/api/taxii/collections/not-an-id', undefined],
    ['POST', '/api/taxii/collections', { nonsense: true }],
    ['PUT', '/api/taxii/collections/not-an-id', { nonsense: true }],
    ['POST', '/api/taxii/subscriptions', { nonsense: true }],
    ['PUT', '/api/hotline/ladder', { nonsense: true }],
    ['POST', '/api/hotline/webhooks', { nonsense: true }],
    ['PATCH', '/api/users/x', { nonsense: true }],
    ['POST', '/api/users', { nonsense: true }],
  ] as const)('%s %s is 403 for an analyst, not 400', async (method, url, body) => {
    const r = await call(node.app, analyst, method, url, body);
    expect([r.statusCode, r.json().error.code]).toEqual([403, 'forbidden']);
  });
});
