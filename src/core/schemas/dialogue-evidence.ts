import { z } from 'zod';
import { ClaimParty, ClaimView } from './reports.js';

/**
 * A report's claim attached as evidence to a dialogue commitment (issue 19): this node's own
 * assessment of whether the claim says the commitment is kept or broken. Kept on this node
 * only, never in the signed record nor sent to the peer (docs/dialogues.md, "Claims as
 * evidence").
 */

export const EVIDENCE_BEARINGS = ['kept', 'broken', 'context'] as const;
export type EvidenceBearing = (typeof EVIDENCE_BEARINGS)[number];

/** `POST /api/dialogues/{id}/commitments/{commitmentId}/evidence`. */
export const EvidenceBody = z
  .object({
    reportId: z.string().min(1).max(64),
    /** The claim's index in the report's claims (`ClaimView.index`). */
    claimIndex: z.number().int().min(0).max(100_000),
    bearing: z.enum(EVIDENCE_BEARINGS),
    note: z.string().trim().max(2000).default(''),
  })
  .strict();
export type EvidenceBody = z.input<typeof EvidenceBody>;

export const EvidenceQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Only the evidence of this bearing. */
  bearing: z.enum(EVIDENCE_BEARINGS).optional(),
});
export type EvidenceQuery = z.infer<typeof EvidenceQuery>;

export const EvidenceParams = z.object({
  id: z.string().min(1).max(64),
  commitmentId: z.string().min(1).max(64),
  evidenceId: z.string().min(1).max(64),
});

/** The claim as it stood when it was attached, so the evidence reads the same if the report changes. */
export const ClaimSnapshot = z.object({
  source: ClaimParty,
  via: ClaimParty.nullable(),
  actor: ClaimParty.nullable(),
  target: ClaimParty.nullable(),
  stance: ClaimView.shape.stance,
  /** The sentence the claim was read from. */
  statement: z.string(),
  reportTitle: z.string().nullable(),
  /** The report's source (outlet or agency) and, when that is a web address, its URL. */
  reportSource: z.string().nullable(),
  sourceUrl: z.string().nullable(),
  publishedAt: z.string().nullable(),
  language: z.enum(['en', 'zh']),
});
export type ClaimSnapshot = z.infer<typeof ClaimSnapshot>;

export const EvidenceView = z.object({
  id: z.string(),
  dialogueId: z.string(),
  commitmentId: z.string(),
  reportId: z.string(),
  claimIndex: z.number().int(),
  bearing: z.enum(EVIDENCE_BEARINGS),
  note: z.string(),
  byName: z.string(),
  at: z.string(),
  claim: ClaimSnapshot,
});
export type EvidenceView = z.infer<typeof EvidenceView>;

export const EvidenceList = z.object({
  evidence: z.array(EvidenceView),
  next: z.string().nullable(),
});
export type EvidenceList = z.infer<typeof EvidenceList>;
