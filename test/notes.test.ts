import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle, type Session } from './harness/node.js';
import { peerUp } from './harness/peers.js';
import { until } from './harness/wait.js';

interface Note {
  id: string;
  direction: string;
  text: string;
  replyTo: string | null;
  ackRequested: boolean;
  acknowledgedBy: string | null;
  delivered: boolean | null;
}

async function notesOf(
  node: NodeHandle,
  session: Session,
  query = '',
): Promise<{ notes: Note[]; next: string | null }> {
  const r = await call(node.app, session, 'GET', `/api/notes${query}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

/**
 * Notes answer notes and may ask for an acknowledgement (issue 15, item 9): the sender sees
 * its note delivered, the answer threaded under it, and who acknowledged it and when.
 */
for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`notes on ${dialect}`, () => {
    const handles: NodeHandle[] = [];
    afterAll(async () => {
      for (const h of handles) await h.destroy();
    });

    it('are delivered, answered in a thread, acknowledged when asked, and paged', async () => {
      const a = await makeNode({ nodeId: 'us-doj', dialect });
      const b = await makeNode({ nodeId: 'cn-mps' });
      handles.push(a, b);
      await peerUp(a, b, await a.node.listen(), await b.node.listen());
      const adminA = await login(a.app, 'admin', a.admin.password);
      const adminB = await login(b.app, 'admin', b.admin.password);

      const sent = await call(a.app, adminA, 'POST', '/api/notes', {
        peer: 'cn-mps',
        text: 'Please confirm you received the preservation order.',
        ackRequested: true,
      });
      expect(sent.statusCode, sent.body).toBe(201);
      const ours = sent.json<Note>();
      expect(ours).toMatchObject({ ackRequested: true, acknowledgedBy: null, replyTo: null });
      const theirs = await until(async () => {
        const list = await notesOf(b, adminB);
        return list.notes.find((n) => n.text === ours.text);
      }, 'cn-mps to receive the note');
      expect(theirs).toMatchObject({ direction: 'in', ackRequested: true, delivered: null });
      await until(
        async () => (await notesOf(a, adminA)).notes.find((n) => n.id === ours.id)?.delivered,
        'us-doj to see its note delivered',
      );

      // cn-mps answers it and acknowledges it.
      const answer = await call(b.app, adminB, 'POST', '/api/notes', {
        peer: 'us-doj',
        text: 'Received; preserved under MPS-8841.',
        replyTo: theirs.id,
      });
      expect(answer.statusCode, answer.body).toBe(201);
      const acked = await call(b.app, adminB, 'POST', `/api/notes/${theirs.id}/acknowledge`);
      expect(acked.statusCode, acked.body).toBe(200);
      expect(acked.json<Note>().acknowledgedBy).toBeTruthy();
      const onA = await until(async () => {
        const list = (await notesOf(a, adminA)).notes;
        const reply = list.find((n) => n.text.startsWith('Received'));
        const original = list.find((n) => n.id === ours.id);
        return reply && original?.acknowledgedBy ? { reply, original } : undefined;
      }, 'us-doj to see the answer and the acknowledgement');
      expect(onA.reply.replyTo).toBe(ours.id);
      expect(onA.original.acknowledgedBy).toBe(acked.json<Note>().acknowledgedBy);

      // Refusals: acknowledging our own note, answering a note of another peer or none.
      const own = await call(a.app, adminA, 'POST', `/api/notes/${ours.id}/acknowledge`);
      expect([own.statusCode, own.json().error.code]).toEqual([409, 'ack_not_requested']);
      const nowhere = await call(a.app, adminA, 'POST', '/api/notes', {
        peer: 'cn-mps',
        text: 'x',
        replyTo: 'no-such-note',
      });
      expect([nowhere.statusCode, nowhere.json().error.code]).toEqual([404, 'note_not_found']);

      // Pages of one, newest first, to the end.
      const first = await notesOf(a, adminA, '?limit=1');
      expect(first.notes).toHaveLength(1);
      expect(first.next).not.toBeNull();
      const second = await notesOf(a, adminA, `?limit=1&cursor=${first.next}`);
      expect(second.notes[0]?.id).not.toBe(first.notes[0]?.id);
      expect(second.next).toBeNull();
      const bad = await call(a.app, adminA, 'GET', '/api/notes?cursor=zzz');
      expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'invalid_cursor']);
    });
  });
}
