import type { Selectable } from 'kysely';

/**
 * A claim of a report attached as evidence to a commitment: this node's assessment only
 * (never sent). `claim` is JSON ClaimSnapshot (core/schemas/dialogue-evidence.ts).
 */
export interface DialogueEvidenceTable {
  id: string;
  dialogue_id: string;
  commitment_id: string;
  report_id: string;
  claim_index: number;
  bearing: 'kept' | 'broken' | 'context';
  note: string;
  claim: string;
  by_user: string | null;
  by_name: string;
  at: number;
}
export type DialogueEvidenceRow = Selectable<DialogueEvidenceTable>;

declare module '../../store/database.js' {
  interface Database {
    dialogue_evidence: DialogueEvidenceTable;
  }
}
