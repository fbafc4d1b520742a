import type { Selectable } from 'kysely';

/**
 * A dialogue between this node and one peer; the same id on both nodes. `title` is JSON
 * Bilingual; `parties` a JSON array of both node ids, sorted.
 */
export interface DialoguesTable {
  id: string;
  title: string;
  peer_id: string;
  parties: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}
export type DialogueRow = Selectable<DialoguesTable>;

/**
 * A meeting of a dialogue (same id on both nodes; numbers unique within a dialogue). The
 * header (dates, place, delegations, agenda) is written by either side, last write wins;
 * `draft` is this node's unsent draft of the record (JSON RecordContent), never shared;
 * `record_status` the state of the record (core/dialogues.ts), kept with the versions.
 */
export interface DialogueMeetingsTable {
  id: string;
  dialogue_id: string;
  number: number;
  when_label: string;
  start_date: string | null;
  end_date: string | null;
  place: string;
  time_zone: string;
  /** JSON Delegation[] and AgendaItem[]. */
  delegations: string;
  agenda: string;
  updated_at: number;
  updated_by: string;
  draft: string | null;
  record_status: 'draft' | 'proposed' | 'agreed' | 'declined';
}
export type DialogueMeetingRow = Selectable<DialogueMeetingsTable>;

/** One version of a meeting's record, as both nodes hold it (the history). */
export interface DialogueRecordVersionsTable {
  meeting_id: string;
  version: number;
  dialogue_id: string;
  kind: 'proposal' | 'amendment';
  status: 'open' | 'amended' | 'accepted' | 'declined';
  /** JSON RecordContent, and the SHA-256 of the canonical JSON of the signed record. */
  content: string;
  hash: string;
  proposed_by: string;
  proposed_by_name: string;
  proposed_at: number;
  answered_by: string | null;
  answered_by_name: string | null;
  answered_at: number | null;
  /** JSON [{node, kid, jws, verified}]: both nodes' signatures once accepted. */
  signatures: string;
}
export type DialogueRecordVersionRow = Selectable<DialogueRecordVersionsTable>;

/**
 * A commitment of an agreed record (made when the record is agreed, on both nodes). `content`
 * is JSON RecordCommitment; `position` orders commitments by meeting, then record order.
 */
export interface DialogueCommitmentsTable {
  id: string;
  dialogue_id: string;
  meeting_id: string;
  meeting_number: number;
  version: number;
  position: number;
  content: string;
  due_date: string;
  /** The combined state of both sides' statements (core/dialogues.ts foldCommitment). */
  state: 'not_started' | 'in_progress' | 'blocked' | 'diverging' | 'done';
  created_at: number;
  updated_at: number;
}
export type DialogueCommitmentRow = Selectable<DialogueCommitmentsTable>;

/** One side's own statement of a commitment: this node's, and the peer's as last received. */
export interface DialogueAttestationsTable {
  commitment_id: string;
  side: string;
  dialogue_id: string;
  status: 'not_started' | 'in_progress' | 'done' | 'blocked';
  note: string;
  /** JSON Evidence[]. */
  evidence: string;
  by_name: string;
  at: number;
}
export type DialogueAttestationRow = Selectable<DialogueAttestationsTable>;

declare module '../../store/database.js' {
  interface Database {
    dialogues: DialoguesTable;
    dialogue_meetings: DialogueMeetingsTable;
    dialogue_record_versions: DialogueRecordVersionsTable;
    dialogue_commitments: DialogueCommitmentsTable;
    dialogue_attestations: DialogueAttestationsTable;
  }
}
