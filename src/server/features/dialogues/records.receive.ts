import type { RecordEvent, RecordMover } from '../../../core/dialogues.js';
import { crossedProposal, nextRecordState, versionStatusAfter } from '../../../core/dialogues.js';
import {
  DIALOGUE_SEAL_KIND,
  type DialogueAnswerMessage,
  type DialogueRecordMessage,
  type DialogueSealMessage,
  type RecordStatus,
} from '../../../core/schemas/dialogues.js';
import type { Actor } from '../../actor.js';
import { conflict } from '../../errors.js';
import { findPeer } from '../../federation/peers.js';
import type { Trx, TxHooks } from '../../store/database.js';
import type { FeatureDeps } from '../feature-deps.js';
import {
  answerVersion,
  deleteOpenVersion,
  findVersion,
  insertVersion,
  latestVersion,
  setSignatures,
  updateMeeting,
} from './dialogues.repository.js';
import {
  parseSignatures,
  recordHash,
  signRecord,
  verifyOwnSignature,
  verifyPeerSignature,
  withSignature,
} from './dialogues.signatures.js';
import { auditDialogue, dialogueChanged } from './dialogues.support.js';
import type { DialogueMeetingRow, DialogueRecordVersionRow } from './dialogues.table.js';
import { makeCommitments, moverOf, ofPeer, refusal } from './records.support.js';

const peerActor = (nodeId: string): Actor => ({ kind: 'peer', nodeId });

/**
 * The peer's moves on a meeting's record (records.service.ts has this node's): each goes
 * through the same `nextRecordState`; a move out of turn, a hash that does not match or a
 * signature that does not verify with the peer's pinned key refuses the message, and
 * nothing of it is kept.
 */
export class RecordsInbox {
  constructor(private readonly deps: FeatureDeps) {}

  /** The peer proposed a version, or amended the one this node wrote. */
  async recordReceived(
    trx: Trx,
    hooks: TxHooks,
    peer: string,
    body: DialogueRecordMessage,
  ): Promise<void> {
    const { dialogue, meeting } = await ofPeer(trx, peer, body.dialogueId, body.meetingId);
    if (recordHash(dialogue.id, meeting.id, body.version, body.content) !== body.hash) {
      throw conflict('record_hash_mismatch', 'The version does not hash to the hash it carries.');
    }
    const { latest, status } = await this.giveWayIfCrossed(trx, meeting, peer, body);
    if (body.version !== Number(latest?.version ?? 0) + 1) {
      throw conflict(
        'record_version_taken',
        `Version ${body.version} does not follow the versions here.`,
      );
    }
    const event: RecordEvent = body.kind === 'proposal' ? 'propose' : 'amend';
    const mover: RecordMover =
      latest && latest.status === 'open' ? moverOf(latest, peer) : 'author';
    const move = nextRecordState(status, event, mover);
    if (!move.ok) throw refusal(move.code);
    const at = Date.parse(body.at);
    if (event === 'amend' && latest) {
      await answerVersion(trx, meeting.id, Number(latest.version), {
        status: 'amended',
        answered_by: peer,
        answered_by_name: body.byName,
        answered_at: at,
      });
    }
    await insertVersion(trx, {
      meeting_id: meeting.id,
      version: body.version,
      dialogue_id: dialogue.id,
      kind: body.kind,
      status: 'open',
      content: JSON.stringify(body.content),
      hash: body.hash,
      proposed_by: peer,
      proposed_by_name: body.byName,
      proposed_at: at,
      answered_by: null,
      answered_by_name: null,
      answered_at: null,
      signatures: '[]',
    });
    await updateMeeting(trx, meeting.id, { record_status: move.status });
    await auditDialogue(
      trx,
      peerActor(peer),
      this.deps.clock.now(),
      `dialogue.record_${body.kind}_received`,
      dialogue.id,
      { meeting: meeting.id, version: body.version, hash: body.hash },
    );
    dialogueChanged(this.deps.bus, hooks, dialogue.id, meeting.id);
  }

  /**
   * Two first proposals crossed (core's `crossedProposal`): the node whose id sorts after
   * drops its own open proposal, and the peer's is taken in its place; the other refuses the
   * peer's (`record_crossed`), and the peer, receiving this node's, gives way in turn.
   */
  private async giveWayIfCrossed(
    trx: Trx,
    meeting: DialogueMeetingRow,
    peer: string,
    body: DialogueRecordMessage,
  ): Promise<{ latest: DialogueRecordVersionRow | undefined; status: RecordStatus }> {
    const latest = await latestVersion(trx, meeting.id);
    const crossed =
      body.kind === 'proposal' &&
      latest !== undefined &&
      latest.status === 'open' &&
      latest.kind === 'proposal' &&
      latest.proposed_by === this.deps.nodeId &&
      Number(latest.version) === body.version;
    if (!crossed) return { latest, status: meeting.record_status };
    if (crossedProposal(this.deps.nodeId, peer) === 'stand') {
      throw conflict(
        'record_crossed',
        `Version ${body.version} crossed this node's own proposal of it; this node's stands (the proposal of the node whose id sorts first does) and ${peer} takes it.`,
      );
    }
    await deleteOpenVersion(trx, meeting.id, body.version);
    await auditDialogue(
      trx,
      peerActor(peer),
      this.deps.clock.now(),
      'dialogue.record_proposal_gave_way',
      meeting.dialogue_id,
      { meeting: meeting.id, version: body.version, hash: latest.hash },
    );
    const before = await latestVersion(trx, meeting.id);
    // Only a draft or a declined record can be proposed: what it was before this node's.
    return { latest: before, status: before ? 'declined' : 'draft' };
  }

  /** The peer answered this node's version; an acceptance is countersigned and sealed. */
  async answerReceived(
    trx: Trx,
    hooks: TxHooks,
    peer: string,
    body: DialogueAnswerMessage,
  ): Promise<void> {
    const { dialogue, meeting } = await ofPeer(trx, peer, body.dialogueId, body.meetingId);
    const open = await findVersion(trx, meeting.id, body.version);
    if (!open || open.status !== 'open' || open.hash !== body.hash) {
      throw conflict('record_not_open', `Version ${body.version} with this hash is not open here.`);
    }
    const event = body.answer === 'accepted' ? 'accept' : 'decline';
    const move = nextRecordState(meeting.record_status, event, moverOf(open, peer));
    if (!move.ok) throw refusal(move.code);
    const now = this.deps.clock.now();
    if (body.answer === 'accepted') {
      const peerRow = await findPeer(trx, peer);
      if (
        !body.signature ||
        !peerRow ||
        !(await verifyPeerSignature(this.deps.federation, peerRow, body.signature, open.hash))
      ) {
        throw conflict(
          'bad_record_signature',
          `The acceptance's signature does not verify with the pinned key of ${peer}.`,
        );
      }
      const ours = await signRecord(this.deps.federation, trx, open.hash);
      let signatures = withSignature(open.signatures, {
        node: peer,
        ...body.signature,
        verified: true,
      });
      signatures = withSignature(signatures, {
        node: this.deps.nodeId,
        ...ours,
        verified: await verifyOwnSignature(this.deps.federation, ours, open.hash),
      });
      await setSignatures(trx, meeting.id, body.version, signatures);
      const seal: DialogueSealMessage = {
        dialogueId: dialogue.id,
        meetingId: meeting.id,
        version: body.version,
        hash: open.hash,
        signature: ours,
      };
      await this.deps.federation.send(trx, hooks, peer, DIALOGUE_SEAL_KIND, seal);
      await makeCommitments(trx, meeting, open, now);
    }
    await answerVersion(trx, meeting.id, body.version, {
      status: versionStatusAfter(event),
      answered_by: peer,
      answered_by_name: body.byName,
      answered_at: Date.parse(body.at),
    });
    await updateMeeting(trx, meeting.id, { record_status: move.status });
    await auditDialogue(
      trx,
      peerActor(peer),
      now,
      `dialogue.record_${body.answer}_by_peer`,
      dialogue.id,
      { meeting: meeting.id, version: body.version, hash: open.hash },
    );
    dialogueChanged(this.deps.bus, hooks, dialogue.id, meeting.id);
  }

  /** The proposer's countersignature of the version this node accepted. */
  async sealReceived(
    trx: Trx,
    hooks: TxHooks,
    peer: string,
    body: DialogueSealMessage,
  ): Promise<void> {
    const { dialogue, meeting } = await ofPeer(trx, peer, body.dialogueId, body.meetingId);
    const row = await findVersion(trx, meeting.id, body.version);
    if (!row || row.status !== 'accepted' || row.hash !== body.hash || row.proposed_by !== peer) {
      throw conflict(
        'record_not_accepted',
        `Version ${body.version} with this hash was not accepted here.`,
      );
    }
    const peerRow = await findPeer(trx, peer);
    if (
      !peerRow ||
      !(await verifyPeerSignature(this.deps.federation, peerRow, body.signature, row.hash))
    ) {
      throw conflict(
        'bad_record_signature',
        `The seal's signature does not verify with the pinned key of ${peer}.`,
      );
    }
    await setSignatures(
      trx,
      meeting.id,
      body.version,
      withSignature(row.signatures, { node: peer, ...body.signature, verified: true }),
    );
    await auditDialogue(
      trx,
      peerActor(peer),
      this.deps.clock.now(),
      'dialogue.record_sealed',
      dialogue.id,
      {
        meeting: meeting.id,
        version: body.version,
        signatures: parseSignatures(row.signatures).length + 1,
      },
    );
    dialogueChanged(this.deps.bus, hooks, dialogue.id, meeting.id);
  }
}
