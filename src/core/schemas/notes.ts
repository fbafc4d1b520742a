import { z } from 'zod';
import { NodeId } from './common.js';

export const NOTE_KIND = 'liaison.note';
/** The receiver acknowledges a note that asked for it. */
export const NOTE_ACK_KIND = 'liaison.note_ack';

/** The body of a `liaison.note` message. */
export const NoteMessage = z
  .object({
    noteId: z.string().min(1).max(64),
    text: z.string().min(1).max(2000),
    author: z.string().min(1).max(120),
    /** The note it answers, by its id on the node that wrote that note. */
    replyTo: z.string().min(1).max(64).optional(),
    /** The sender asks the receiver to acknowledge it. */
    ackRequested: z.boolean().optional(),
    /** An EXERCISE note: sent only on exercise notes (a real one reads as older nodes expect). */
    exerciseId: z.uuid().optional(),
    exerciseInjectId: z.string().min(1).max(63).optional(),
  })
  .strict();
export type NoteMessage = z.infer<typeof NoteMessage>;

export const NoteAckMessage = z
  .object({
    /** The note's id on the node that wrote it (the receiver of this message). */
    noteId: z.string().min(1).max(64),
    by: z.string().min(1).max(120),
    at: z.iso.datetime(),
  })
  .strict();
export type NoteAckMessage = z.infer<typeof NoteAckMessage>;

export const SendNoteBody = z
  .object({
    peer: NodeId,
    text: z.string().trim().min(1, 'required').max(2000, 'at most 2000 characters'),
    /** A note with the same peer that this one answers. */
    replyTo: z.string().min(1).max(64).optional(),
    /** Ask the peer to acknowledge it. */
    ackRequested: z.boolean().default(false),
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
  /** The local id of the note it answers, if any. */
  replyTo: z.string().nullable(),
  ackRequested: z.boolean(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  /** Ours: whether the peer has applied it (its stream confirmed); theirs: null. */
  delivered: z.boolean().nullable(),
  /** The exercise it belongs to: an EXERCISE note; null if real. */
  exerciseId: z.string().nullable(),
});
export type NoteView = z.infer<typeof NoteView>;
/** A page of notes, newest first; `next` asks for the page after it. */
export const NoteList = z.object({ notes: z.array(NoteView), next: z.string().nullable() });
export const NoteQuery = z.object({
  peer: NodeId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});
export type NoteQuery = z.infer<typeof NoteQuery>;
