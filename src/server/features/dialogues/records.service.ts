import { randomUUID } from 'node:crypto';
import { versionStatusAfter } from '../../../core/dialogues.js';
import {
  DIALOGUE_ANSWER_KIND,
  DIALOGUE_RECORD_KIND,
  type DialogueAnswerMessage,
  type DialoguePage,
  type FromCorrectiveBody,
  type DialogueRecordMessage,
  type MeetingView,
  type RecordContent,
  type RecordContentBody,
  type RecordVersionView,
  type VersionList,
} from '../../../core/schemas/dialogues.js';
import { authorize, type Actor } from '../../actor.js';
import { iso } from '../../clock.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import type { Db, Trx } from '../../store/database.js';
import { displayNameOf, type FeatureDeps } from '../feature-deps.js';
import { presentVersion } from './dialogues.present.js';
import {
  answerVersion,
  findCommitment,
  findVersion,
  insertVersion,
  latestVersion,
  listVersions,
  setSignatures,
  updateMeeting,
} from './dialogues.repository.js';
import type { DialoguesService } from './dialogues.service.js';
import { findCorrective, findExercise } from '../exercises/public.js';
import {
  draftOf,
  makeCommitments,
  MOVE_MESSAGES,
  moveOrRefuse,
  moverOf,
  openVersion,
} from './records.support.js';
import {
  recordHash,
  signRecord,
  verifyOwnSignature,
  withSignature,
} from './dialogues.signatures.js';
import {
  auditDialogue,
  checkRecord,
  dialogueChanged,
  dialogueOr404,
  meetingOr404,
  partiesOf,
} from './dialogues.support.js';
import type {
  DialogueMeetingRow,
  DialogueRecordVersionRow,
  DialogueRow,
} from './dialogues.table.js';
import type { Measures } from './status-report.part.js';

/**
 * The agreed record of a meeting (docs/dialogues.md). One node proposes a version (its
 * outcomes and commitments); the other amends it (a counter-version, open in turn), accepts
 * or declines it. Every move, made here or received from the peer, goes through
 * `nextRecordState` (core/dialogues.ts). On acceptance the answering node signs the
 * version's hash and sends its signature; the proposer verifies it against the pinned key,
 * countersigns and sends its own (`seal`); so both nodes hold the same version, the same
 * hash and both signatures. The commitments of the agreed version are then made on both.
 */
export class RecordsService {
  constructor(
    private readonly deps: FeatureDeps & { dialogues: DialoguesService; measures: Measures },
  ) {}

  async versions(
    actor: Actor,
    id: string,
    meetingId: string,
    page: DialoguePage,
  ): Promise<VersionList> {
    authorize(actor, 'dialogues.read');
    const db = this.deps.store.db;
    await dialogueOr404(db, id);
    await meetingOr404(db, id, meetingId);
    const after = page.cursor === undefined ? undefined : decodeTimeCursor(page.cursor);
    const rows = await listVersions(db, meetingId, page.limit + 1, after);
    const shown = rows.slice(0, page.limit);
    const last = shown.at(-1);
    return {
      versions: shown.map(presentVersion),
      next:
        rows.length > page.limit && last
          ? encodeTimeCursor(Number(last.version), last.meeting_id)
          : null,
    };
  }

  /** This node's draft of the record (never shared until proposed). */
  async saveDraft(
    actor: Actor,
    id: string,
    meetingId: string,
    body: RecordContentBody,
  ): Promise<MeetingView> {
    authorize(actor, 'dialogues.manage');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const dialogue = await dialogueOr404(trx, id);
      const meeting = await meetingOr404(trx, id, meetingId);
      if (meeting.record_status === 'agreed')
        throw conflict('record_agreed', MOVE_MESSAGES.record_agreed);
      const content = await this.normalise(trx, dialogue, body);
      await updateMeeting(trx, meetingId, { draft: JSON.stringify(content) });
      await auditDialogue(trx, actor, now, 'dialogue.record_draft', id, { meeting: meetingId });
      dialogueChanged(this.deps.bus, hooks, id, meetingId);
      return this.deps.dialogues.view(
        trx,
        { ...meeting, draft: JSON.stringify(content) },
        dialogue,
      );
    });
  }

  /** Proposes a version to the peer: the content given, or this node's draft. */
  async propose(
    actor: Actor,
    id: string,
    meetingId: string,
    body: RecordContentBody | undefined,
  ): Promise<RecordVersionView> {
    authorize(actor, 'dialogues.manage');
    return this.write(actor, id, meetingId, async (trx, dialogue, meeting, latest) => {
      const given =
        body ?? (meeting.draft === null ? null : (JSON.parse(meeting.draft) as RecordContentBody));
      if (!given) {
        throw badRequest(
          'record_content_missing',
          'Give the record (outcomes, commitments) or save a draft first.',
        );
      }
      moveOrRefuse(meeting.record_status, 'propose', 'author');
      const content = await this.normalise(trx, dialogue, given);
      return { kind: 'proposal' as const, content, version: Number(latest?.version ?? 0) + 1 };
    });
  }

  /** A counter-version of the open one, written by the node that answers it. */
  async amend(
    actor: Actor,
    id: string,
    meetingId: string,
    version: number,
    body: RecordContentBody,
  ): Promise<RecordVersionView> {
    authorize(actor, 'dialogues.manage');
    return this.write(actor, id, meetingId, async (trx, dialogue, meeting, latest, now) => {
      const open = openVersion(latest, version);
      moveOrRefuse(meeting.record_status, 'amend', moverOf(open, this.deps.nodeId));
      const content = await this.normalise(trx, dialogue, body);
      const name = await displayNameOf(trx, actor, this.deps.nodeId);
      await answerVersion(trx, meetingId, version, {
        status: versionStatusAfter('amend'),
        answered_by: this.deps.nodeId,
        answered_by_name: name,
        answered_at: now,
      });
      return { kind: 'amendment' as const, content, version: version + 1 };
    });
  }

  /** The shared part of propose and amend: a new open version, sent to the peer. */
  private async write(
    actor: Actor,
    id: string,
    meetingId: string,
    make: (
      trx: Trx,
      dialogue: DialogueRow,
      meeting: DialogueMeetingRow,
      latest: DialogueRecordVersionRow | undefined,
      now: number,
    ) => Promise<{ kind: 'proposal' | 'amendment'; content: RecordContent; version: number }>,
  ): Promise<RecordVersionView> {
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const dialogue = await dialogueOr404(trx, id);
      const meeting = await meetingOr404(trx, id, meetingId);
      const { kind, content, version } = await make(
        trx,
        dialogue,
        meeting,
        await latestVersion(trx, meetingId),
        now,
      );
      const name = await displayNameOf(trx, actor, this.deps.nodeId);
      const row: DialogueRecordVersionRow = {
        meeting_id: meetingId,
        version,
        dialogue_id: id,
        kind,
        status: 'open',
        content: JSON.stringify(content),
        hash: recordHash(id, meetingId, version, content),
        proposed_by: this.deps.nodeId,
        proposed_by_name: name,
        proposed_at: now,
        answered_by: null,
        answered_by_name: null,
        answered_at: null,
        signatures: '[]',
      };
      await insertVersion(trx, row);
      await updateMeeting(trx, meetingId, { record_status: 'proposed', draft: null });
      const message: DialogueRecordMessage = {
        dialogueId: id,
        meetingId,
        version,
        kind,
        content,
        hash: row.hash,
        byName: name,
        at: iso(now),
      };
      await this.deps.federation.send(trx, hooks, dialogue.peer_id, DIALOGUE_RECORD_KIND, message);
      await auditDialogue(trx, actor, now, `dialogue.record_${kind}`, id, {
        meeting: meetingId,
        version,
        hash: row.hash,
      });
      dialogueChanged(this.deps.bus, hooks, id, meetingId);
      return presentVersion(row);
    });
  }

  /** Accepts (signing the version's hash) or declines the version the peer wrote. */
  async answer(
    actor: Actor,
    id: string,
    meetingId: string,
    version: number,
    answer: 'accepted' | 'declined',
  ): Promise<RecordVersionView> {
    authorize(actor, 'dialogues.manage');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx, hooks) => {
      const dialogue = await dialogueOr404(trx, id);
      const meeting = await meetingOr404(trx, id, meetingId);
      const open = openVersion(await latestVersion(trx, meetingId), version);
      const event = answer === 'accepted' ? 'accept' : 'decline';
      const status = moveOrRefuse(meeting.record_status, event, moverOf(open, this.deps.nodeId));
      const name = await displayNameOf(trx, actor, this.deps.nodeId);
      let signature: { kid: string; jws: string } | null = null;
      if (answer === 'accepted') {
        signature = await signRecord(this.deps.federation, trx, open.hash);
        const verified = await verifyOwnSignature(this.deps.federation, signature, open.hash);
        await setSignatures(
          trx,
          meetingId,
          version,
          withSignature(open.signatures, { node: this.deps.nodeId, ...signature, verified }),
        );
      }
      await answerVersion(trx, meetingId, version, {
        status: versionStatusAfter(event),
        answered_by: this.deps.nodeId,
        answered_by_name: name,
        answered_at: now,
      });
      await updateMeeting(trx, meetingId, { record_status: status });
      if (answer === 'accepted') await makeCommitments(trx, meeting, open, now);
      const message: DialogueAnswerMessage = {
        dialogueId: id,
        meetingId,
        version,
        hash: open.hash,
        answer,
        signature,
        byName: name,
        at: iso(now),
      };
      await this.deps.federation.send(trx, hooks, dialogue.peer_id, DIALOGUE_ANSWER_KIND, message);
      await auditDialogue(
        trx,
        actor,
        now,
        `dialogue.record_${answer === 'accepted' ? 'accept' : 'decline'}`,
        id,
        { meeting: meetingId, version, hash: open.hash },
      );
      dialogueChanged(this.deps.bus, hooks, id, meetingId);
    });
    return presentVersion(
      (await findVersion(this.deps.store.db, meetingId, version)) as DialogueRecordVersionRow,
    );
  }

  /**
   * An item of an exercise's improvement plan (a corrective action of its AAR) becomes a
   * commitment of this meeting's draft record, hanging from one of the draft's outcomes.
   */
  async draftFromCorrective(
    actor: Actor,
    id: string,
    meetingId: string,
    body: FromCorrectiveBody,
  ): Promise<MeetingView> {
    authorize(actor, 'dialogues.manage');
    authorize(actor, 'exercises.read');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const dialogue = await dialogueOr404(trx, id);
      const meeting = await meetingOr404(trx, id, meetingId);
      if (meeting.record_status === 'agreed') {
        throw conflict('record_agreed', MOVE_MESSAGES.record_agreed);
      }
      const exercise = await findExercise(trx, body.exerciseId);
      if (!exercise)
        throw notFound('exercise_not_found', `No exercise has the id ${body.exerciseId}.`);
      if (exercise.peer_id !== dialogue.peer_id) {
        throw conflict(
          'exercise_other_peer',
          `The exercise was run with ${exercise.peer_id}, not with ${dialogue.peer_id}.`,
        );
      }
      const action = await findCorrective(trx, body.exerciseId, body.actionId);
      if (!action)
        throw notFound(
          'corrective_action_not_found',
          'This exercise has no such corrective action.',
        );
      const draft = draftOf(meeting);
      if (!draft.outcomes.some((o) => o.paragraph === body.paragraph)) {
        throw badRequest(
          'paragraph_not_in_draft',
          `paragraph: the draft has no outcome ${body.paragraph}.`,
          { extra: { field: 'paragraph' } },
        );
      }
      if (
        draft.commitments.some(
          (c) => c.source?.exerciseId === body.exerciseId && c.source.actionId === body.actionId,
        )
      ) {
        throw conflict(
          'corrective_already_in_draft',
          'This corrective action is in the draft already.',
        );
      }
      draft.commitments.push({
        id: randomUUID(),
        what: { en: action.title, zh: '' },
        ownerSides: body.ownerSides ?? [
          action.owner_side === exercise.side ? this.deps.nodeId : exercise.peer_id,
        ],
        owner: action.owner,
        dueDate: action.due_date,
        paragraph: body.paragraph,
        evidence: [{ kind: 'exercise', id: body.exerciseId, label: action.title.slice(0, 200) }],
        measure: null,
        source: { exerciseId: body.exerciseId, actionId: body.actionId },
      });
      checkRecord(draft, partiesOf(dialogue));
      await updateMeeting(trx, meetingId, { draft: JSON.stringify(draft) });
      await auditDialogue(trx, actor, now, 'dialogue.record_draft_corrective', id, {
        meeting: meetingId,
        exercise: body.exerciseId,
        action: body.actionId,
      });
      dialogueChanged(this.deps.bus, hooks, id, meetingId);
      return this.deps.dialogues.view(trx, { ...meeting, draft: JSON.stringify(draft) }, dialogue);
    });
  }

  /** Ids given to new commitments; the record checked; measures known; ids not used elsewhere. */
  private async normalise(
    trx: Db,
    dialogue: DialogueRow,
    body: RecordContentBody,
  ): Promise<RecordContent> {
    const content: RecordContent = {
      outcomes: body.outcomes,
      commitments: body.commitments.map((c) => ({ ...c, id: c.id ?? randomUUID() })),
    };
    checkRecord(content, partiesOf(dialogue));
    const keys = this.deps.measures.keys();
    for (const [i, c] of content.commitments.entries()) {
      if (c.measure && keys.length > 0 && !keys.includes(c.measure.key)) {
        throw badRequest(
          'unknown_measure',
          `commitments.${i}.measure.key: this node computes no measure ${c.measure.key}.`,
          { extra: { field: `commitments.${i}.measure.key` } },
        );
      }
      const existing = await findCommitment(trx, c.id);
      if (existing) {
        throw badRequest(
          'commitment_id_taken',
          `commitments.${i}.id: a commitment of another record has this id.`,
          { extra: { field: `commitments.${i}.id` } },
        );
      }
    }
    return content;
  }
}
