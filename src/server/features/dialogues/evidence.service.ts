import { randomUUID } from 'node:crypto';
import type {
  ClaimSnapshot,
  EvidenceBody,
  EvidenceList,
  EvidenceQuery,
  EvidenceView,
} from '../../../core/schemas/dialogue-evidence.js';
import { EvidenceBody as EvidenceBodySchema } from '../../../core/schemas/dialogue-evidence.js';
import { actorUserId, authorize, type Actor } from '../../actor.js';
import { iso } from '../../clock.js';
import { conflict, notFound } from '../../errors.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import type { Db } from '../../store/database.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';
import { findReportClaim, type ReportClaim } from '../reports/public.js';
import { findCommitment } from './dialogues.repository.js';
import { auditDialogue, dialogueChanged, dialogueOr404 } from './dialogues.support.js';
import {
  deleteEvidence,
  findEvidence,
  findEvidenceOfClaim,
  insertEvidence,
  listEvidence,
} from './evidence.repository.js';
import type { DialogueEvidenceRow } from './evidence.table.js';

/**
 * Claims of reports attached as evidence to a commitment (issue 19): an analyst reads a
 * report's claim ("X denies the theft", "Y blamed for the intrusion") as a sign that the
 * commitment is kept or broken, or as context. It is this node's own assessment: kept here,
 * never part of the signed record, never sent to the peer (docs/dialogues.md). The claim is
 * read through the reports feature's public API and copied as it stands, so the evidence
 * reads the same if the report changes later.
 */
export class EvidenceService {
  constructor(private readonly deps: FeatureDeps) {}

  async list(
    actor: Actor,
    id: string,
    commitmentId: string,
    query: EvidenceQuery,
  ): Promise<EvidenceList> {
    authorize(actor, 'dialogues.read');
    const db = this.deps.store.db;
    await this.commitmentOr404(db, id, commitmentId);
    const after = query.cursor === undefined ? undefined : decodeTimeCursor(query.cursor);
    const rows = await listEvidence(
      db,
      commitmentId,
      { bearing: query.bearing },
      query.limit + 1,
      after,
    );
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    return {
      evidence: shown.map(presentEvidence),
      next: rows.length > query.limit && last ? encodeTimeCursor(Number(last.at), last.id) : null,
    };
  }

  /** Attaches a claim: 404 for an unknown report or claim, 422 if rejected, 409 if attached. */
  async attach(
    actor: Actor,
    id: string,
    commitmentId: string,
    input: EvidenceBody,
  ): Promise<EvidenceView> {
    authorize(actor, 'dialogues.attest');
    authorize(actor, 'reports.read');
    const body = EvidenceBodySchema.parse(input);
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      await this.commitmentOr404(trx, id, commitmentId);
      const found = await findReportClaim(trx, body.reportId, body.claimIndex);
      if (await findEvidenceOfClaim(trx, commitmentId, body.reportId, body.claimIndex)) {
        throw conflict(
          'evidence_exists',
          `Claim ${body.claimIndex} of report ${body.reportId} is already evidence of this commitment.`,
        );
      }
      const made: DialogueEvidenceRow = {
        id: randomUUID(),
        dialogue_id: id,
        commitment_id: commitmentId,
        report_id: body.reportId,
        claim_index: body.claimIndex,
        bearing: body.bearing,
        note: body.note,
        claim: JSON.stringify(snapshotOf(found)),
        by_user: actorUserId(actor) ?? null,
        by_name: await displayNameOf(trx, actor, this.deps.nodeId),
        at: now,
      };
      await insertEvidence(trx, made);
      await auditDialogue(trx, actor, now, 'dialogue.evidence_attached', id, {
        commitment: commitmentId,
        evidence: made.id,
        report: body.reportId,
        claim: body.claimIndex,
        bearing: body.bearing,
      });
      dialogueChanged(this.deps.bus, hooks, id, null, commitmentId);
      return made;
    });
    return presentEvidence(row);
  }

  async remove(actor: Actor, id: string, commitmentId: string, evidenceId: string) {
    authorize(actor, 'dialogues.attest');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      await this.commitmentOr404(trx, id, commitmentId);
      const row = await findEvidence(trx, evidenceId);
      if (row?.commitment_id !== commitmentId) {
        throw notFound('evidence_not_found', `The commitment has no evidence ${evidenceId}.`);
      }
      await deleteEvidence(trx, evidenceId);
      await auditDialogue(trx, actor, now, 'dialogue.evidence_removed', id, {
        commitment: commitmentId,
        evidence: evidenceId,
        report: row.report_id,
        claim: row.claim_index,
      });
      dialogueChanged(this.deps.bus, hooks, id, null, commitmentId);
    });
  }

  private async commitmentOr404(db: Db, id: string, commitmentId: string) {
    await dialogueOr404(db, id);
    const row = await findCommitment(db, commitmentId);
    if (!row || row.dialogue_id !== id) {
      throw notFound('commitment_not_found', `The dialogue has no commitment ${commitmentId}.`);
    }
    return row;
  }
}

/** An http(s) address, or null. */
function webAddress(value: string | null): string | null {
  if (!value || !/^https?:\/\//i.test(value)) return null;
  try {
    return new URL(value).href;
  } catch {
    return null;
  }
}

function snapshotOf({ report, claim }: ReportClaim): ClaimSnapshot {
  return {
    source: claim.source,
    via: claim.via,
    actor: claim.actor,
    target: claim.target,
    stance: claim.stance,
    statement: claim.statement,
    reportTitle: report.title,
    reportSource: report.source,
    sourceUrl: webAddress(report.source) ?? webAddress(report.title),
    publishedAt: report.publishedAt,
    language: report.language,
  };
}

export function presentEvidence(row: DialogueEvidenceRow): EvidenceView {
  return {
    id: row.id,
    dialogueId: row.dialogue_id,
    commitmentId: row.commitment_id,
    reportId: row.report_id,
    claimIndex: Number(row.claim_index),
    bearing: row.bearing,
    note: row.note,
    byName: row.by_name,
    at: iso(Number(row.at)),
    claim: JSON.parse(row.claim) as ClaimSnapshot,
  };
}
