import { foldCommitment, measureMet } from '../../../core/dialogues.js';
import {
  DIALOGUE_ATTESTATION_KIND,
  type AttestationBody,
  type CommitmentList,
  type CommitmentQuery,
  type CommitmentView,
  type DialogueAttestationMessage,
  type MeasureView,
  type RecordCommitment,
  type TiedMeasure,
} from '../../../core/schemas/dialogues.js';
import { authorize, type Actor } from '../../actor.js';
import { iso } from '../../clock.js';
import { conflict, notFound } from '../../errors.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import type { Db, Trx, TxHooks } from '../../store/database.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';
import { presentCommitment } from './dialogues.present.js';
import {
  attestationsOf,
  findCommitment,
  findDialogue,
  listCommitments,
  saveAttestation,
  setCommitmentState,
} from './dialogues.repository.js';
import { auditDialogue, dialogueChanged, dialogueOr404, utcDay } from './dialogues.support.js';
import type {
  DialogueAttestationRow,
  DialogueCommitmentRow,
  DialogueRow,
} from './dialogues.table.js';
import type { Measures } from './status-report.part.js';

/** Readings of a tied measure shown on a commitment's own page. */
const HISTORY = 30;

/**
 * The commitments of agreed records and both sides' statements of them. Each side states
 * only its own status (with a note and evidence) and sends it to the peer
 * (`liaison.dialogue.attestation`); the combined state is `foldCommitment` (core) of both,
 * stored with the commitment so lists can be filtered by it. A commitment tied to a measure
 * shows the measure's value now, whether it meets its threshold, and its readings.
 */
export class CommitmentsService {
  constructor(private readonly deps: FeatureDeps & { measures: Measures }) {}

  async list(actor: Actor, id: string, query: CommitmentQuery): Promise<CommitmentList> {
    authorize(actor, 'dialogues.read');
    const db = this.deps.store.db;
    const dialogue = await dialogueOr404(db, id);
    const now = this.deps.clock.now();
    const after = query.cursor === undefined ? undefined : decodeTimeCursor(query.cursor);
    const filter = {
      meetingId: query.meetingId,
      state: query.state,
      overdue: query.overdue === undefined ? undefined : query.overdue === 'true',
      today: utcDay(now),
    };
    const rows = await listCommitments(db, id, filter, query.limit + 1, after);
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    return {
      commitments: await this.views(db, dialogue, shown, 0),
      next:
        rows.length > query.limit && last ? encodeTimeCursor(Number(last.position), last.id) : null,
    };
  }

  async get(actor: Actor, id: string, commitmentId: string): Promise<CommitmentView> {
    authorize(actor, 'dialogues.read');
    const db = this.deps.store.db;
    const dialogue = await dialogueOr404(db, id);
    const row = await this.commitmentOr404(db, id, commitmentId);
    return (await this.views(db, dialogue, [row], HISTORY))[0] as CommitmentView;
  }

  /** This side's statement of a commitment, kept here and sent to the peer. */
  async attest(
    actor: Actor,
    id: string,
    commitmentId: string,
    body: AttestationBody,
  ): Promise<CommitmentView> {
    authorize(actor, 'dialogues.attest');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const dialogue = await dialogueOr404(trx, id);
      await this.commitmentOr404(trx, id, commitmentId);
      const name = await displayNameOf(trx, actor, this.deps.nodeId);
      const row: DialogueAttestationRow = {
        commitment_id: commitmentId,
        side: this.deps.nodeId,
        dialogue_id: id,
        status: body.status,
        note: body.note,
        evidence: JSON.stringify(body.evidence),
        by_name: name,
        at: now,
      };
      await saveAttestation(trx, row);
      await this.refold(trx, dialogue, commitmentId, now);
      const message: DialogueAttestationMessage = {
        dialogueId: id,
        commitmentId,
        status: body.status,
        note: body.note,
        evidence: body.evidence,
        byName: name,
        at: iso(now),
      };
      await this.deps.federation.send(
        trx,
        hooks,
        dialogue.peer_id,
        DIALOGUE_ATTESTATION_KIND,
        message,
      );
      await auditDialogue(trx, actor, now, 'dialogue.attest', id, {
        commitment: commitmentId,
        status: body.status,
      });
      dialogueChanged(this.deps.bus, hooks, id, null, commitmentId);
    });
    return this.get(actor, id, commitmentId);
  }

  /** The peer's statement of a commitment: kept as its side's, if newer than the one held. */
  async attestationReceived(
    trx: Trx,
    hooks: TxHooks,
    peer: string,
    body: DialogueAttestationMessage,
  ): Promise<void> {
    const dialogue = await findDialogue(trx, body.dialogueId);
    const commitment = await findCommitment(trx, body.commitmentId);
    if (!dialogue || dialogue.peer_id !== peer || commitment?.dialogue_id !== dialogue.id) {
      throw conflict(
        'dialogue_not_ours',
        'No commitment of a dialogue with the sender has this id.',
      );
    }
    const at = Date.parse(body.at);
    const held = (await attestationsOf(trx, [body.commitmentId])).find((a) => a.side === peer);
    if (held && Number(held.at) > at) return;
    await saveAttestation(trx, {
      commitment_id: body.commitmentId,
      side: peer,
      dialogue_id: dialogue.id,
      status: body.status,
      note: body.note,
      evidence: JSON.stringify(body.evidence),
      by_name: body.byName,
      at,
    });
    const now = this.deps.clock.now();
    await this.refold(trx, dialogue, body.commitmentId, now);
    await auditDialogue(
      trx,
      { kind: 'peer', nodeId: peer },
      now,
      'dialogue.attested_by_peer',
      dialogue.id,
      {
        commitment: body.commitmentId,
        status: body.status,
      },
    );
    dialogueChanged(this.deps.bus, hooks, dialogue.id, null, body.commitmentId);
  }

  /** Stores the combined state again after a statement changed. */
  private async refold(trx: Db, dialogue: DialogueRow, commitmentId: string, now: number) {
    const commitment = (await findCommitment(trx, commitmentId)) as DialogueCommitmentRow;
    const facts = (await attestationsOf(trx, [commitmentId])).map((a) => ({
      side: a.side,
      status: a.status,
      at: Number(a.at),
    }));
    const fold = foldCommitment(facts, this.sides(dialogue), commitment.due_date, now);
    await setCommitmentState(trx, commitmentId, fold.state, now);
  }

  private sides(dialogue: DialogueRow) {
    return { ours: this.deps.nodeId, theirs: dialogue.peer_id };
  }

  private async commitmentOr404(db: Db, id: string, commitmentId: string) {
    const row = await findCommitment(db, commitmentId);
    if (!row || row.dialogue_id !== id) {
      throw notFound('commitment_not_found', `The dialogue has no commitment ${commitmentId}.`);
    }
    return row;
  }

  private async views(
    db: Db,
    dialogue: DialogueRow,
    rows: readonly DialogueCommitmentRow[],
    history: number,
  ): Promise<CommitmentView[]> {
    const attestations = await attestationsOf(
      db,
      rows.map((r) => r.id),
    );
    const now = this.deps.clock.now();
    return Promise.all(
      rows.map(async (row) => {
        const { measure } = JSON.parse(row.content) as RecordCommitment;
        const view = measure
          ? await this.measureView(db, dialogue.peer_id, measure, history)
          : null;
        return presentCommitment(row, attestations, this.sides(dialogue), now, view);
      }),
    );
  }

  /** A tied measure's value now (from the status report's measures), met or not, its readings. */
  private async measureView(
    db: Db,
    peer: string,
    measure: TiedMeasure,
    history: number,
  ): Promise<MeasureView> {
    const reading = await this.deps.measures.current(db, peer, measure.key);
    const readings =
      history > 0 ? await this.deps.measures.history(db, peer, measure.key, history) : [];
    return {
      ...measure,
      value: reading.value,
      met: measureMet(reading.value, measure.comparator, measure.threshold),
      at: reading.at,
      history: readings.map((r) => ({ key: r.key, value: r.value, at: r.at })),
    };
  }
}
