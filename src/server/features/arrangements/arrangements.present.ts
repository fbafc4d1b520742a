import { DEFAULT_ARRANGEMENT } from '../../../core/arrangements.js';
import { ArrangementTerms, type ArrangementView } from '../../../core/schemas/arrangements.js';
import { iso, isoOrNull } from '../../clock.js';
import type { ArrangementRow } from './arrangements.table.js';

export function presentArrangement(row: ArrangementRow): ArrangementView {
  return {
    peer: row.peer_id,
    version: Number(row.version),
    status: row.status,
    proposedBy: row.proposed_by,
    proposedAt: iso(Number(row.proposed_at)),
    acceptedAt:
      row.status === 'declined'
        ? null
        : isoOrNull(row.answered_at === null ? null : Number(row.answered_at)),
    termsHash: row.terms_hash,
    terms: ArrangementTerms.parse(JSON.parse(row.terms)),
  };
}

/** The built-in default terms (version 0), in force with a peer until one is accepted. */
export function presentDefault(peerId: string, termsHash: string): ArrangementView {
  return {
    peer: peerId,
    version: 0,
    status: 'accepted',
    proposedBy: null,
    proposedAt: null,
    acceptedAt: null,
    termsHash,
    terms: DEFAULT_ARRANGEMENT,
  };
}
