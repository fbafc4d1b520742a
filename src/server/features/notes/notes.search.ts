import { permitted, type SearchDoc, type SearchService } from '../search/public.js';
import type { NoteRow } from './notes.table.js';

/** A note as the search finds it: titled by its first line, found by its text, author, peer. */
export function noteDoc(row: NoteRow): SearchDoc {
  return {
    kind: 'note',
    refId: row.id,
    title: row.text.split('\n')[0]?.slice(0, 120) ?? '',
    text: [row.text, row.author, row.peer_id].join('\n'),
    updatedAt: Number(row.created_at),
  };
}

/** Whoever may read notes sees every note; the notes page shows it. */
export function registerNoteSearch(search: SearchService): void {
  search.provide(
    'note',
    permitted('notes.read', (item) => `/notes?note=${encodeURIComponent(item.refId)}`),
  );
}
