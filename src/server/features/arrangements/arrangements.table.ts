import type { Selectable } from 'kysely';

/** Versions of the arrangement with each peer (version 0, the default, is not stored). */
export interface ArrangementsTable {
  peer_id: string;
  version: number;
  status: 'proposed' | 'accepted' | 'superseded' | 'declined';
  /** JSON ArrangementTerms, and the SHA-256 of its canonical form. */
  terms: string;
  terms_hash: string;
  /** The node that proposed it. */
  proposed_by: string;
  proposed_at: number;
  answered_at: number | null;
}
export type ArrangementRow = Selectable<ArrangementsTable>;

/** This feature's tables, added to the node's Database type (store/database.ts). */
declare module '../../store/database.js' {
  interface Database {
    arrangements: ArrangementsTable;
  }
}
