import { randomUUID } from 'node:crypto';
import {
  DIALOGUE_MEETING_KIND,
  DIALOGUE_OPEN_KIND,
  MeetingBody,
  type CreateDialogueBody,
  type DialogueList,
  type DialogueMeetingMessage,
  type DialogueOpenMessage,
  type DialoguePage,
  type DialogueView,
  type MeetingList,
  type MeetingPatch,
  type MeetingView,
} from '../../../core/schemas/dialogues.js';
import { authorize, type Actor } from '../../actor.js';
import { iso } from '../../clock.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { findPeer } from '../../federation/peers.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../store/cursors.js';
import type { Db, Trx, TxHooks } from '../../store/database.js';
import type { FeatureDeps } from '../feature-deps.js';
import { presentDialogue, presentMeeting } from './dialogues.present.js';
import {
  acceptedVersion,
  countMeetings,
  findDialogue,
  findMeeting,
  findMeetingByNumber,
  insertDialogue,
  insertMeeting,
  latestVersion,
  listDialogues,
  listMeetings,
  updateDialogueTitle,
  updateMeeting,
} from './dialogues.repository.js';
import {
  auditDialogue,
  dialogueChanged,
  dialogueOr404,
  meetingOr404,
  partiesOf,
} from './dialogues.support.js';
import type { DialogueMeetingRow, DialogueRow } from './dialogues.table.js';

const peerActor = (nodeId: string): Actor => ({ kind: 'peer', nodeId });

/**
 * Dialogues with a peer and their meetings. A dialogue has the same id on both nodes: the
 * node that opens it tells the peer (`liaison.dialogue.open`); either side adds or changes
 * a meeting and tells the other (`liaison.dialogue.meeting`, last write wins). Only the
 * dialogue's peer ever hears of it.
 */
export class DialoguesService {
  constructor(private readonly deps: FeatureDeps) {}

  async list(actor: Actor, page: DialoguePage): Promise<DialogueList> {
    authorize(actor, 'dialogues.read');
    const db = this.deps.store.db;
    const after = page.cursor === undefined ? undefined : decodeTimeCursor(page.cursor);
    const rows = await listDialogues(db, page.limit + 1, after);
    const shown = rows.slice(0, page.limit);
    const last = shown.at(-1);
    return {
      dialogues: await Promise.all(
        shown.map(async (row) => presentDialogue(row, await countMeetings(db, row.id))),
      ),
      next:
        rows.length > page.limit && last
          ? encodeTimeCursor(Number(last.created_at), last.id)
          : null,
    };
  }

  async get(actor: Actor, id: string): Promise<DialogueView> {
    authorize(actor, 'dialogues.read');
    const db = this.deps.store.db;
    const row = await dialogueOr404(db, id);
    return presentDialogue(row, await countMeetings(db, id));
  }

  async create(actor: Actor, body: CreateDialogueBody): Promise<DialogueView> {
    authorize(actor, 'dialogues.manage');
    const now = this.deps.clock.now();
    const row = await this.deps.store.transaction(async (trx, hooks) => {
      const peer = await findPeer(trx, body.peer);
      if (!peer || peer.status !== 'active') {
        throw notFound('peer_not_found', `No active peer has the node id ${body.peer}.`);
      }
      if (!(await this.deps.federation.peerAccepts(trx, body.peer, DIALOGUE_OPEN_KIND))) {
        throw conflict('peer_cannot_dialogue', `${body.peer} does not take dialogues yet.`);
      }
      const row: DialogueRow = {
        id: randomUUID(),
        title: JSON.stringify(body.title),
        peer_id: body.peer,
        parties: JSON.stringify([this.deps.nodeId, body.peer].sort()),
        created_by: this.deps.nodeId,
        created_at: now,
        updated_at: now,
      };
      await insertDialogue(trx, row);
      const message: DialogueOpenMessage = {
        id: row.id,
        title: body.title,
        parties: partiesOf(row),
        createdBy: this.deps.nodeId,
        createdAt: iso(now),
      };
      await this.deps.federation.send(trx, hooks, body.peer, DIALOGUE_OPEN_KIND, message);
      await auditDialogue(trx, actor, now, 'dialogue.open', row.id, { peer: body.peer });
      dialogueChanged(this.deps.bus, hooks, row.id);
      return row;
    });
    return presentDialogue(row, 0);
  }

  /** The peer opened a dialogue with this node (or changed its title). */
  async opened(trx: Trx, hooks: TxHooks, peer: string, body: DialogueOpenMessage): Promise<void> {
    if (!body.parties.includes(peer) || !body.parties.includes(this.deps.nodeId)) {
      throw conflict('dialogue_not_ours', 'The dialogue is not between this node and the sender.');
    }
    const now = this.deps.clock.now();
    const existing = await findDialogue(trx, body.id);
    if (existing) {
      if (existing.peer_id !== peer) {
        throw conflict(
          'dialogue_not_ours',
          'The dialogue is not between this node and the sender.',
        );
      }
      await updateDialogueTitle(trx, body.id, JSON.stringify(body.title), now);
    } else {
      await insertDialogue(trx, {
        id: body.id,
        title: JSON.stringify(body.title),
        peer_id: peer,
        parties: JSON.stringify([...body.parties].sort()),
        created_by: body.createdBy,
        created_at: Date.parse(body.createdAt),
        updated_at: now,
      });
    }
    await auditDialogue(trx, peerActor(peer), now, 'dialogue.opened_by_peer', body.id, {});
    dialogueChanged(this.deps.bus, hooks, body.id);
  }

  // ---- meetings ----------------------------------------------------------------------------

  async meetings(actor: Actor, id: string, page: DialoguePage): Promise<MeetingList> {
    authorize(actor, 'dialogues.read');
    const db = this.deps.store.db;
    const dialogue = await dialogueOr404(db, id);
    const after = page.cursor === undefined ? undefined : decodeTimeCursor(page.cursor);
    const rows = await listMeetings(db, id, page.limit + 1, after);
    const shown = rows.slice(0, page.limit);
    const last = shown.at(-1);
    return {
      meetings: await Promise.all(shown.map((row) => this.view(db, row, dialogue))),
      next:
        rows.length > page.limit && last ? encodeTimeCursor(Number(last.number), last.id) : null,
    };
  }

  async meeting(actor: Actor, id: string, meetingId: string): Promise<MeetingView> {
    authorize(actor, 'dialogues.read');
    const db = this.deps.store.db;
    const dialogue = await dialogueOr404(db, id);
    return this.view(db, await meetingOr404(db, id, meetingId), dialogue);
  }

  /** A meeting as the API shows it: its header, its record's latest and agreed versions. */
  async view(db: Db, row: DialogueMeetingRow, dialogue: DialogueRow): Promise<MeetingView> {
    return presentMeeting(
      row,
      await latestVersion(db, row.id),
      await acceptedVersion(db, row.id),
      partiesOf(dialogue),
    );
  }

  async addMeeting(actor: Actor, id: string, body: MeetingBody): Promise<MeetingView> {
    authorize(actor, 'dialogues.manage');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const dialogue = await dialogueOr404(trx, id);
      checkDelegations(body, partiesOf(dialogue));
      if (await findMeetingByNumber(trx, id, body.number)) {
        throw conflict(
          'meeting_number_taken',
          `The dialogue has a meeting ${body.number} already.`,
        );
      }
      const row: DialogueMeetingRow = {
        ...meetingColumns(body),
        id: randomUUID(),
        dialogue_id: id,
        number: body.number,
        updated_at: now,
        updated_by: this.deps.nodeId,
        draft: null,
        record_status: 'draft',
      };
      await insertMeeting(trx, row);
      await this.sendMeeting(trx, hooks, dialogue, row);
      await auditDialogue(trx, actor, now, 'dialogue.meeting_add', id, { meeting: row.id });
      dialogueChanged(this.deps.bus, hooks, id, row.id);
      return this.view(trx, row, dialogue);
    });
  }

  async changeMeeting(
    actor: Actor,
    id: string,
    meetingId: string,
    patch: MeetingPatch,
  ): Promise<MeetingView> {
    authorize(actor, 'dialogues.manage');
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx, hooks) => {
      const dialogue = await dialogueOr404(trx, id);
      const before = await meetingOr404(trx, id, meetingId);
      const merged = MeetingBody.safeParse({ ...bodyOf(before), ...patch });
      if (!merged.success) {
        const issue = merged.error.issues[0];
        throw badRequest('invalid_request', `${issue?.path.join('.')}: ${issue?.message}`);
      }
      checkDelegations(merged.data, partiesOf(dialogue));
      const changes = {
        ...meetingColumns(merged.data),
        updated_at: now,
        updated_by: this.deps.nodeId,
      };
      await updateMeeting(trx, meetingId, changes);
      const row = { ...before, ...changes };
      await this.sendMeeting(trx, hooks, dialogue, row);
      await auditDialogue(trx, actor, now, 'dialogue.meeting_change', id, {
        meeting: meetingId,
        fields: Object.keys(patch),
      });
      dialogueChanged(this.deps.bus, hooks, id, meetingId);
      return this.view(trx, row, dialogue);
    });
  }

  private async sendMeeting(
    trx: Trx,
    hooks: TxHooks,
    dialogue: DialogueRow,
    row: DialogueMeetingRow,
  ): Promise<void> {
    const message: DialogueMeetingMessage = {
      dialogueId: dialogue.id,
      id: row.id,
      meeting: bodyOf(row),
      updatedAt: iso(Number(row.updated_at)),
    };
    await this.deps.federation.send(trx, hooks, dialogue.peer_id, DIALOGUE_MEETING_KIND, message);
  }

  /** The peer added or changed a meeting: the later write wins (then the larger node id). */
  async meetingReceived(
    trx: Trx,
    hooks: TxHooks,
    peer: string,
    body: DialogueMeetingMessage,
  ): Promise<void> {
    const dialogue = await findDialogue(trx, body.dialogueId);
    if (!dialogue || dialogue.peer_id !== peer) {
      throw conflict('dialogue_not_ours', 'No dialogue with the sender has this id.');
    }
    const at = Date.parse(body.updatedAt);
    const existing = await findMeeting(trx, body.id);
    const taken = await findMeetingByNumber(trx, dialogue.id, body.meeting.number);
    if (taken && taken.id !== body.id) {
      throw conflict('meeting_number_taken', `Meeting ${body.meeting.number} exists here already.`);
    }
    if (existing) {
      if (existing.dialogue_id !== dialogue.id) {
        throw conflict('dialogue_not_ours', 'The meeting belongs to another dialogue.');
      }
      const newer =
        at > Number(existing.updated_at) ||
        (at === Number(existing.updated_at) && peer > existing.updated_by);
      if (!newer) return;
      await updateMeeting(trx, body.id, {
        ...meetingColumns(body.meeting),
        number: body.meeting.number,
        updated_at: at,
        updated_by: peer,
      });
    } else {
      await insertMeeting(trx, {
        ...meetingColumns(body.meeting),
        id: body.id,
        dialogue_id: dialogue.id,
        number: body.meeting.number,
        updated_at: at,
        updated_by: peer,
        draft: null,
        record_status: 'draft',
      });
    }
    await auditDialogue(
      trx,
      peerActor(peer),
      this.deps.clock.now(),
      'dialogue.meeting_received',
      dialogue.id,
      {
        meeting: body.id,
      },
    );
    dialogueChanged(this.deps.bus, hooks, dialogue.id, body.id);
  }
}

function meetingColumns(body: MeetingBody) {
  return {
    when_label: body.when,
    start_date: body.startDate,
    end_date: body.endDate,
    place: body.place,
    time_zone: body.timeZone,
    delegations: JSON.stringify(body.delegations),
    agenda: JSON.stringify(body.agenda),
  };
}

function bodyOf(row: DialogueMeetingRow): MeetingBody {
  return {
    number: Number(row.number),
    when: row.when_label,
    startDate: row.start_date,
    endDate: row.end_date,
    place: row.place,
    timeZone: row.time_zone,
    delegations: JSON.parse(row.delegations) as MeetingBody['delegations'],
    agenda: JSON.parse(row.agenda) as MeetingBody['agenda'],
  };
}

/** Each delegation is one party's, and no party has two. */
function checkDelegations(body: MeetingBody, parties: readonly string[]): void {
  const seen = new Set<string>();
  body.delegations.forEach((d, i) => {
    if (!parties.includes(d.side) || seen.has(d.side)) {
      throw badRequest(
        'invalid_delegation',
        `delegations.${i}.side: ${d.side} is not a party to the dialogue, or has a delegation already.`,
        { extra: { field: `delegations.${i}.side` } },
      );
    }
    seen.add(d.side);
  });
}
