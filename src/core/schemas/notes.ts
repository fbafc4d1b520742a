import { z } from 'zod';
import { NodeId } from './common.js';

export const NOTE_KIND = 'liaison.note';

/** The body of a `liaison.note` message. */
export const NoteMessage = z
  .object({
    noteId: z.string().min(1).max(64),
    text: z.string().min(1).max(2000),
    author: z.string().min(1).max(120),
  })
  .strict();
export type NoteMessage = z.infer<typeof NoteMessage>;

export const SendNoteBody = z
  .object({
    peer: NodeId,
    text: z.string().trim().min(1, 'required').max(2000, 'at most 2000 characters'),
  })
  .strict();
export type SendNoteBody = z.infer<typeof SendNoteBody>;

export const NoteView = z.object({
  id: z.string(),
  direction: z.enum(['in', 'out']),
  peer: z.string(),
  seq: z.number().nullable(),
  text: z.string(),
  author: z.string(),
  sentAt: z.string(),
  createdAt: z.string(),
});
export type NoteView = z.infer<typeof NoteView>;
export const NoteList = z.object({ notes: z.array(NoteView) });
export const NoteQuery = z.object({
  peer: NodeId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
