import { request } from '../../app/client';
import type { NoteView } from '../../app/types';

export async function listNotes(opts: { peer?: string; limit?: number } = {}): Promise<NoteView[]> {
  const query = new URLSearchParams();
  query.set('limit', String(opts.limit ?? 100));
  if (opts.peer) query.set('peer', opts.peer);
  const { notes } = await request<{ notes: NoteView[] }>('GET', `/api/notes?${query}`);
  return notes;
}

export function sendNote(
  peer: string,
  text: string,
  options: { replyTo?: string; ackRequested?: boolean } = {},
): Promise<NoteView> {
  return request<NoteView>('POST', '/api/notes', { peer, text, ...options });
}

export function acknowledgeNote(id: string): Promise<NoteView> {
  return request<NoteView>('POST', `/api/notes/${encodeURIComponent(id)}/acknowledge`);
}
