import { foldCommitment } from '../../../core/dialogues.js';
import type {
  AttestationView,
  Bilingual,
  CommitmentView,
  DialogueView,
  Evidence,
  MeasureView,
  MeetingView,
  RecordCommitment,
  RecordContent,
  RecordVersionView,
} from '../../../core/schemas/dialogues.js';
import { iso, isoOrNull } from '../../clock.js';
import { parseSignatures } from './dialogues.signatures.js';
import type {
  DialogueAttestationRow,
  DialogueCommitmentRow,
  DialogueMeetingRow,
  DialogueRecordVersionRow,
  DialogueRow,
} from './dialogues.table.js';

export function presentDialogue(row: DialogueRow, meetings: number): DialogueView {
  return {
    id: row.id,
    title: JSON.parse(row.title) as Bilingual,
    parties: JSON.parse(row.parties) as string[],
    peer: row.peer_id,
    createdBy: row.created_by,
    createdAt: iso(Number(row.created_at)),
    meetings,
  };
}

export function presentVersion(row: DialogueRecordVersionRow): RecordVersionView {
  return {
    dialogueId: row.dialogue_id,
    meetingId: row.meeting_id,
    version: Number(row.version),
    kind: row.kind,
    status: row.status,
    proposedBy: row.proposed_by,
    proposedByName: row.proposed_by_name,
    proposedAt: iso(Number(row.proposed_at)),
    answeredBy: row.answered_by,
    answeredByName: row.answered_by_name,
    answeredAt: isoOrNull(row.answered_at === null ? null : Number(row.answered_at)),
    hash: row.hash,
    content: JSON.parse(row.content) as RecordContent,
    signatures: parseSignatures(row.signatures),
  };
}

export function presentMeeting(
  row: DialogueMeetingRow,
  latest: DialogueRecordVersionRow | undefined,
  agreed: DialogueRecordVersionRow | undefined,
  parties: readonly string[],
): MeetingView {
  return {
    id: row.id,
    dialogueId: row.dialogue_id,
    number: Number(row.number),
    when: row.when_label,
    startDate: row.start_date,
    endDate: row.end_date,
    place: row.place,
    timeZone: row.time_zone,
    delegations: JSON.parse(row.delegations) as MeetingView['delegations'],
    agenda: JSON.parse(row.agenda) as MeetingView['agenda'],
    updatedAt: iso(Number(row.updated_at)),
    record: {
      status: row.record_status,
      latest: latest ? presentVersion(latest) : null,
      agreed: agreed ? presentVersion(agreed) : null,
      awaiting:
        latest?.status === 'open'
          ? (parties.find((node) => node !== latest.proposed_by) ?? null)
          : null,
      draft: row.draft === null ? null : (JSON.parse(row.draft) as RecordContent),
    },
  };
}

function presentAttestation(row: DialogueAttestationRow): AttestationView {
  return {
    side: row.side,
    status: row.status,
    note: row.note,
    evidence: JSON.parse(row.evidence) as Evidence[],
    by: row.by_name,
    at: iso(Number(row.at)),
  };
}

export function presentCommitment(
  row: DialogueCommitmentRow,
  attestations: readonly DialogueAttestationRow[],
  sides: { ours: string; theirs: string },
  now: number,
  measure: MeasureView | null,
): CommitmentView {
  const content = JSON.parse(row.content) as RecordCommitment;
  const own = attestations.filter((a) => a.commitment_id === row.id);
  const fold = foldCommitment(
    own.map((a) => ({ side: a.side, status: a.status, at: Number(a.at) })),
    sides,
    row.due_date,
    now,
  );
  const ours = own.find((a) => a.side === sides.ours);
  const theirs = own.find((a) => a.side === sides.theirs);
  return {
    id: row.id,
    dialogueId: row.dialogue_id,
    meetingId: row.meeting_id,
    meetingNumber: Number(row.meeting_number),
    version: Number(row.version),
    what: content.what,
    ownerSides: content.ownerSides,
    owner: content.owner,
    dueDate: content.dueDate,
    paragraph: content.paragraph,
    evidence: content.evidence,
    source: content.source,
    state: fold.state,
    overdue: fold.overdue,
    ours: ours ? presentAttestation(ours) : null,
    theirs: theirs ? presentAttestation(theirs) : null,
    measure,
  };
}
