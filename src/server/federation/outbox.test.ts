import { afterAll, describe, expect, it } from 'vitest';
import { makeNode, type NodeHandle } from '../../../test/harness/node.js';
import { generateNodeKeys } from '../identity/keys.js';
import { DIAGNOSTIC_KIND } from './federation.js';

/** A message too large for any recipient is refused with the change, never queued. */
describe('the outbox', () => {
  let h: NodeHandle;
  afterAll(async () => {
    await h.destroy();
  });

  it('refuses a message whose envelope would exceed 4 MiB, and writes nothing', async () => {
    h = await makeNode({ nodeId: 'us-doj' });
    const keys = await generateNodeKeys();
    const db = h.node.store.db;
    const now = Date.now();
    await db
      .insertInto('peers')
      .values({
        node_id: 'cn-mps',
        url: 'http://127.0.0.1:9',
        name: 'peer',
        country: 'CN',
        time_zone: 'Asia/Shanghai',
        signing_jwk: JSON.stringify(keys.signing.publicJwk),
        encryption_jwk: JSON.stringify(keys.encryption.publicJwk),
        fingerprint: keys.fingerprint,
        message_kinds: JSON.stringify([DIAGNOSTIC_KIND]),
        status: 'active',
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('stream_out')
      .values({ peer_id: 'cn-mps', last_seq: 0, acked_seq: 0, failures: 0, peer_up: 0 })
      .execute();
    const objects = Array.from({ length: 2000 }, (_, i) => ({ i, text: 'x'.repeat(1200) }));
    await expect(
      h.node.store.transaction((trx) =>
        h.node.federation.send(trx, undefined, 'cn-mps', DIAGNOSTIC_KIND, {
          label: 'too large',
          objects,
        }),
      ),
    ).rejects.toMatchObject({ code: 'message_too_large', status: 413 });
    expect(await db.selectFrom('outbox').select('seq').execute()).toEqual([]);
    const stream = await db.selectFrom('stream_out').select('last_seq').executeTakeFirstOrThrow();
    expect(Number(stream.last_seq)).toBe(0);
  });
});
