import { createHash, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { makeNode, type NodeHandle } from '../../../../test/harness/node.js';
import type { RequestEventMessage } from '../../../core/schemas/requests.js';
import type { PeerRow } from '../../federation/federation.table.js';

/** What a peer sends is checked again on arrival: an attachment must match its hash. */
describe('a request event from a peer', () => {
  const handles: NodeHandle[] = [];
  afterAll(async () => {
    for (const h of handles) await h.destroy();
  });

  it('is refused, and nothing stored, when an attachment does not match its SHA-256', async () => {
    const h = await makeNode({ nodeId: 'cn-mps' });
    handles.push(h);
    const bytes = Buffer.from('preserved data');
    const body: RequestEventMessage = {
      requestId: randomUUID(),
      request: {
        reference: 'US-DOJ-2026-1',
        type: 'preservation',
        urgency: 'routine',
        title: 'x',
        fields: {},
        arrangementVersion: 0,
        termsHash: 'x',
        dueAcknowledgeAt: new Date().toISOString(),
        dueRespondAt: new Date().toISOString(),
        dueSoonPercent: 75,
        requesterTimeZone: 'America/New_York',
      },
      event: {
        id: randomUUID(),
        lamport: 1,
        action: 'send',
        actor: 'someone',
        at: new Date().toISOString(),
        text: null,
        fields: null,
        attachment: {
          id: randomUUID(),
          name: 'a.txt',
          mediaType: 'text/plain',
          size: bytes.length,
          sha256: createHash('sha256').update('other bytes').digest('hex'),
          content: bytes.toString('base64'),
        },
      },
    };
    const peer = { node_id: 'us-doj' } as PeerRow;
    await expect(
      h.node.store.transaction((trx, hooks) => h.node.requests.receive(trx, hooks, peer, body)),
    ).rejects.toMatchObject({ code: 'attachment_hash_mismatch', status: 422 });
    const stored = await h.node.store.db.selectFrom('requests').select('id').execute();
    expect(stored).toEqual([]);
  });

  it("is refused when it is not the peer's move", async () => {
    const h = await makeNode({ nodeId: 'cn-mps' });
    handles.push(h);
    const peer = { node_id: 'us-doj' } as PeerRow;
    const requestId = randomUUID();
    const event = (lamport: number, action: RequestEventMessage['event']['action']) => ({
      id: randomUUID(),
      lamport,
      action,
      actor: 'someone',
      at: new Date().toISOString(),
      text: null,
      fields: null,
      attachment: null,
    });
    const now = new Date().toISOString();
    await h.node.store.transaction((trx, hooks) =>
      h.node.requests.receive(trx, hooks, peer, {
        requestId,
        request: {
          reference: 'US-DOJ-2026-2',
          type: 'takedown',
          urgency: 'routine',
          title: 'x',
          fields: {},
          arrangementVersion: 0,
          termsHash: 'x',
          dueAcknowledgeAt: now,
          dueRespondAt: now,
          dueSoonPercent: 75,
          requesterTimeZone: 'America/New_York',
        },
        event: event(1, 'send'),
      }),
    );
    await expect(
      h.node.store.transaction((trx, hooks) =>
        h.node.requests.receive(trx, hooks, peer, { requestId, event: event(2, 'fulfil') }),
      ),
    ).rejects.toMatchObject({ code: 'not_your_move', status: 403 });
    const events = await h.node.store.db
      .selectFrom('request_events')
      .select('action')
      .where('request_id', '=', requestId)
      .execute();
    expect(events).toEqual([{ action: 'send' }]);
  });
});
