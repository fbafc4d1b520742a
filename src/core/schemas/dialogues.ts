import { z } from 'zod';
import { isTimeZone } from '../time-zone.js';
import { NodeId } from './common.js';

/**
 * The dialogue record (issue 18, docs/dialogues.md): dialogues between this node and a peer,
 * their meetings, the agreed record of each meeting (outcomes and the commitments they
 * create, versioned, signed by both nodes once accepted), and each side's attestation of
 * each commitment. The API's views and bodies and the federation messages' bodies.
 */

// ---- building blocks ---------------------------------------------------------------------

export const Day = z.iso.date({ error: 'a date such as 2015-12-01' });

/** A text in both languages of the dialogue; one of them may be empty, not both. */
export const Bilingual = z
  .object({
    en: z.string().trim().max(4000).default(''),
    zh: z.string().trim().max(4000).default(''),
  })
  .strict()
  .refine((t) => t.en.length > 0 || t.zh.length > 0, {
    message: 'write the text in English, Chinese or both',
  });
export type Bilingual = z.infer<typeof Bilingual>;

export const TimeZoneName = z
  .string()
  .refine(isTimeZone, 'an IANA time zone such as America/New_York');

export const OUTCOME_KINDS = ['agreement', 'statement', 'disagreement'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

export const ATTESTATION_STATUSES = ['not_started', 'in_progress', 'done', 'blocked'] as const;
export type AttestationStatus = (typeof ATTESTATION_STATUSES)[number];

/** The combined state of a commitment from both sides' statements (core/dialogues.ts). */
export const COMMITMENT_STATES = [
  'not_started',
  'in_progress',
  'blocked',
  'diverging',
  'done',
] as const;
export type CommitmentState = (typeof COMMITMENT_STATES)[number];

export const MEASURE_COMPARATORS = ['gte', 'gt', 'lte', 'lt'] as const;
export type MeasureComparator = (typeof MEASURE_COMPARATORS)[number];

/** A measure the node computes (status-report.part.ts lists the keys), with its threshold. */
export const TiedMeasure = z
  .object({
    key: z.string().min(1).max(100),
    comparator: z.enum(MEASURE_COMPARATORS),
    threshold: z.number().finite(),
  })
  .strict();
export type TiedMeasure = z.infer<typeof TiedMeasure>;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lowercase hex (64 characters)');

/** Manual evidence: a link to a record of the node, a file (name and hash) or a URL. */
export const Evidence = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.enum(['request', 'call', 'case', 'exercise']),
      id: z.string().min(1).max(64),
      label: z.string().max(200).default(''),
    })
    .strict(),
  z
    .object({
      kind: z.literal('file'),
      name: z.string().min(1).max(255),
      sha256: Sha256,
      label: z.string().max(200).default(''),
    })
    .strict(),
  z
    .object({
      kind: z.literal('url'),
      url: z.url({ protocol: /^https?$/, error: 'an http or https URL' }).max(2000),
      label: z.string().max(200).default(''),
    })
    .strict(),
]);
export type Evidence = z.infer<typeof Evidence>;

// ---- the record of a meeting ------------------------------------------------------------------

export const Outcome = z
  .object({
    /** The paragraph number in the record (1, 2, …), unique within a record. */
    paragraph: z.number().int().min(1).max(999),
    kind: z.enum(OUTCOME_KINDS),
    text: Bilingual,
  })
  .strict();
export type Outcome = z.infer<typeof Outcome>;

export const RecordCommitment = z
  .object({
    /** Kept across versions; given by the node that first wrote it (a UUID). */
    id: z.uuid(),
    what: Bilingual,
    /** The node(s) whose commitment it is. */
    ownerSides: z.array(NodeId).min(1).max(2),
    /** Who carries it out (an office, a person). */
    owner: z.string().trim().min(1).max(200),
    dueDate: Day,
    /** The outcome paragraph that creates it. */
    paragraph: z.number().int().min(1).max(999),
    evidence: z.array(Evidence).max(50).default([]),
    measure: TiedMeasure.nullable().default(null),
    /** Where it came from, when an exercise's improvement plan (AAR) gave it. */
    source: z
      .object({ exerciseId: z.string().min(1).max(64), actionId: z.string().min(1).max(64) })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();
export type RecordCommitment = z.infer<typeof RecordCommitment>;

/** What a version of a meeting's record holds: its outcomes and commitments. */
export const RecordContent = z
  .object({
    outcomes: z.array(Outcome).max(200),
    commitments: z.array(RecordCommitment).max(500),
  })
  .strict();
export type RecordContent = z.infer<typeof RecordContent>;

/** A commitment as a client writes it: the id may be left out (the node gives one). */
export const CommitmentInput = RecordCommitment.extend({ id: z.uuid().optional() });
export const RecordContentBody = z
  .object({
    outcomes: z.array(Outcome).max(200),
    commitments: z.array(CommitmentInput).max(500).default([]),
  })
  .strict();
export type RecordContentBody = z.infer<typeof RecordContentBody>;

/** States of a meeting's record (core/dialogues.ts has the moves). */
export const RECORD_STATUSES = ['draft', 'proposed', 'agreed', 'declined'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** What became of one version. */
export const VERSION_STATUSES = ['open', 'amended', 'accepted', 'declined'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

export const RecordSignature = z.object({
  node: z.string(),
  /** Key id of the Ed25519 key that signed. */
  kid: z.string(),
  /** Compact JWS (EdDSA) whose payload is the version's hash. */
  jws: z.string(),
  /** Whether this node verified it (its own, or against the peer's pinned key). */
  verified: z.boolean(),
});
export type RecordSignature = z.infer<typeof RecordSignature>;

/** One version of a meeting's record and what became of it (the history). */
export const RecordVersionView = z.object({
  dialogueId: z.string(),
  meetingId: z.string(),
  version: z.number().int(),
  kind: z.enum(['proposal', 'amendment']),
  status: z.enum(VERSION_STATUSES),
  proposedBy: z.string(),
  proposedByName: z.string(),
  proposedAt: z.string(),
  answeredBy: z.string().nullable(),
  answeredByName: z.string().nullable(),
  answeredAt: z.string().nullable(),
  /** SHA-256 (hex) of the canonical JSON of {dialogueId, meetingId, version, content}. */
  hash: z.string(),
  content: RecordContent,
  /** Once accepted: both nodes' signatures of the hash. */
  signatures: z.array(RecordSignature),
});
export type RecordVersionView = z.infer<typeof RecordVersionView>;

// ---- dialogues and meetings -------------------------------------------------------------------

export const DELEGATION_ROLES = ['head', 'deputy', 'member', 'expert', 'interpreter'] as const;

export const Delegate = z
  .object({
    name: z.string().trim().min(1).max(200),
    /** Title or office as written (e.g. "Attorney General"). */
    title: z.string().trim().max(200).default(''),
    role: z.enum(DELEGATION_ROLES).default('member'),
  })
  .strict();
export const Delegation = z
  .object({ side: NodeId, delegates: z.array(Delegate).max(100) })
  .strict();
export type Delegation = z.infer<typeof Delegation>;

export const AgendaItem = z
  .object({ item: z.number().int().min(1).max(999), title: Bilingual })
  .strict();

/** A meeting as either side writes it; dates may be open ("June, Beijing"). */
export const MeetingBody = z
  .object({
    number: z.number().int().min(1).max(999),
    /** As it should read when the dates are not fixed yet, e.g. "June 2016". */
    when: z.string().trim().max(100).default(''),
    startDate: Day.nullable().default(null),
    endDate: Day.nullable().default(null),
    place: z.string().trim().min(1).max(200),
    timeZone: TimeZoneName,
    delegations: z.array(Delegation).max(2).default([]),
    agenda: z.array(AgendaItem).max(100).default([]),
  })
  .strict()
  .refine((m) => !m.startDate || !m.endDate || m.endDate >= m.startDate, {
    message: 'the meeting ends before it starts',
    path: ['endDate'],
  });
export type MeetingBody = z.infer<typeof MeetingBody>;
export const MeetingPatch = z
  .object({
    when: z.string().trim().max(100).optional(),
    startDate: Day.nullable().optional(),
    endDate: Day.nullable().optional(),
    place: z.string().trim().min(1).max(200).optional(),
    timeZone: TimeZoneName.optional(),
    delegations: z.array(Delegation).max(2).optional(),
    agenda: z.array(AgendaItem).max(100).optional(),
  })
  .strict();
export type MeetingPatch = z.infer<typeof MeetingPatch>;

export const CreateDialogueBody = z.object({ peer: NodeId, title: Bilingual }).strict();
export type CreateDialogueBody = z.infer<typeof CreateDialogueBody>;

export const DialogueView = z.object({
  id: z.string(),
  title: Bilingual,
  /** Both nodes of the dialogue (this one and the peer). */
  parties: z.array(z.string()),
  /** The other node. */
  peer: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  meetings: z.number().int(),
});
export type DialogueView = z.infer<typeof DialogueView>;

export const MeetingView = z.object({
  id: z.string(),
  dialogueId: z.string(),
  number: z.number().int(),
  when: z.string(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  place: z.string(),
  timeZone: z.string(),
  delegations: z.array(
    z.object({
      side: z.string(),
      delegates: z.array(z.object({ name: z.string(), title: z.string(), role: z.string() })),
    }),
  ),
  agenda: z.array(z.object({ item: z.number(), title: Bilingual })),
  updatedAt: z.string(),
  record: z.object({
    status: z.enum(RECORD_STATUSES),
    /** The latest version (open, accepted or declined); null before any was proposed. */
    latest: RecordVersionView.nullable(),
    /** The version both nodes accepted and signed. */
    agreed: RecordVersionView.nullable(),
    /** Whose move it is: the node that may answer the open version. */
    awaiting: z.string().nullable(),
    /** This node's unsent draft (never shared until proposed). */
    draft: RecordContent.nullable(),
  }),
});
export type MeetingView = z.infer<typeof MeetingView>;

// ---- commitments, attestations, measures ------------------------------------------------------

export const AttestationBody = z
  .object({
    status: z.enum(ATTESTATION_STATUSES),
    note: z.string().trim().max(4000).default(''),
    evidence: z.array(Evidence).max(50).default([]),
  })
  .strict();
export type AttestationBody = z.infer<typeof AttestationBody>;

export const AttestationView = z.object({
  side: z.string(),
  status: z.enum(ATTESTATION_STATUSES),
  note: z.string(),
  evidence: z.array(Evidence),
  by: z.string(),
  at: z.string(),
});
export type AttestationView = z.infer<typeof AttestationView>;

export const MeasureReadingView = z.object({
  key: z.string(),
  value: z.number().nullable(),
  at: z.string(),
});

export const MeasureView = z.object({
  key: z.string(),
  comparator: z.enum(MEASURE_COMPARATORS),
  threshold: z.number(),
  value: z.number().nullable(),
  /** null while the value is unknown. */
  met: z.boolean().nullable(),
  at: z.string(),
  history: z.array(MeasureReadingView),
});
export type MeasureView = z.infer<typeof MeasureView>;

export const CommitmentView = z.object({
  id: z.string(),
  dialogueId: z.string(),
  meetingId: z.string(),
  meetingNumber: z.number().int(),
  /** The agreed version of the record it comes from. */
  version: z.number().int(),
  what: Bilingual,
  ownerSides: z.array(z.string()),
  owner: z.string(),
  dueDate: z.string(),
  paragraph: z.number().int(),
  evidence: z.array(Evidence),
  source: z.object({ exerciseId: z.string(), actionId: z.string() }).nullable(),
  state: z.enum(COMMITMENT_STATES),
  overdue: z.boolean(),
  /** Each side's own statement, side by side; null where a side has said nothing yet. */
  ours: AttestationView.nullable(),
  theirs: AttestationView.nullable(),
  measure: MeasureView.nullable(),
});
export type CommitmentView = z.infer<typeof CommitmentView>;

// ---- queries, params, lists -------------------------------------------------------------------

const Page = {
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};
export const DialoguePage = z.object(Page);
export type DialoguePage = z.infer<typeof DialoguePage>;
export const CommitmentQuery = z.object({
  ...Page,
  meetingId: z.string().max(64).optional(),
  state: z.enum(COMMITMENT_STATES).optional(),
  overdue: z.enum(['true', 'false']).optional(),
});
export type CommitmentQuery = z.infer<typeof CommitmentQuery>;

export const DialogueParams = z.object({ id: z.string().min(1).max(64) });
export const MeetingParams = z.object({
  id: z.string().min(1).max(64),
  meetingId: z.string().min(1).max(64),
});
export const VersionParams = MeetingParams.extend({
  version: z.coerce.number().int().min(1),
});
export const CommitmentParams = z.object({
  id: z.string().min(1).max(64),
  commitmentId: z.string().min(1).max(64),
});

export const DialogueList = z.object({
  dialogues: z.array(DialogueView),
  next: z.string().nullable(),
});
export const MeetingList = z.object({
  meetings: z.array(MeetingView),
  next: z.string().nullable(),
});
export const VersionList = z.object({
  versions: z.array(RecordVersionView),
  next: z.string().nullable(),
});
export const CommitmentList = z.object({
  commitments: z.array(CommitmentView),
  next: z.string().nullable(),
});
export type DialogueList = z.infer<typeof DialogueList>;
export type MeetingList = z.infer<typeof MeetingList>;
export type VersionList = z.infer<typeof VersionList>;
export type CommitmentList = z.infer<typeof CommitmentList>;

/** Propose the record: the body given, or this node's draft when the body is left out. */
export const ProposeRecordBody = z.object({ content: RecordContentBody.optional() }).strict();
export type ProposeRecordBody = z.infer<typeof ProposeRecordBody>;

/** Turns an exercise's corrective action into a commitment of the meeting's draft record. */
export const FromCorrectiveBody = z
  .object({
    exerciseId: z.string().min(1).max(64),
    actionId: z.string().min(1).max(64),
    /** The outcome paragraph it hangs from (must be in the draft). */
    paragraph: z.number().int().min(1).max(999),
    /** Whose commitment it is; by default the side that owns the corrective action. */
    ownerSides: z.array(NodeId).min(1).max(2).optional(),
  })
  .strict();
export type FromCorrectiveBody = z.infer<typeof FromCorrectiveBody>;

// ---- live events ------------------------------------------------------------------------------

export const DIALOGUE_CHANGED_EVENT = 'dialogue.changed';
export interface DialogueChangedEvent {
  dialogueId: string;
  meetingId: string | null;
  commitmentId: string | null;
}

// ---- federation messages ----------------------------------------------------------------------

export const DIALOGUE_OPEN_KIND = 'liaison.dialogue.open';
export const DIALOGUE_MEETING_KIND = 'liaison.dialogue.meeting';
export const DIALOGUE_RECORD_KIND = 'liaison.dialogue.record';
export const DIALOGUE_ANSWER_KIND = 'liaison.dialogue.answer';
export const DIALOGUE_SEAL_KIND = 'liaison.dialogue.seal';
export const DIALOGUE_ATTESTATION_KIND = 'liaison.dialogue.attestation';

/** A dialogue was opened (or its title changed) by the sender. */
export const DialogueOpenMessage = z
  .object({
    id: z.uuid(),
    title: Bilingual,
    parties: z.array(NodeId).length(2),
    createdBy: NodeId,
    createdAt: z.iso.datetime(),
  })
  .strict();
export type DialogueOpenMessage = z.infer<typeof DialogueOpenMessage>;

/** A meeting as the sender last wrote it (last write wins by `updatedAt`, then node id). */
export const DialogueMeetingMessage = z
  .object({
    dialogueId: z.uuid(),
    id: z.uuid(),
    meeting: MeetingBody,
    updatedAt: z.iso.datetime(),
  })
  .strict();
export type DialogueMeetingMessage = z.infer<typeof DialogueMeetingMessage>;

/** A version of a meeting's record: a proposal, or an amendment (counter-version) of the open one. */
export const DialogueRecordMessage = z
  .object({
    dialogueId: z.uuid(),
    meetingId: z.uuid(),
    version: z.number().int().min(1),
    kind: z.enum(['proposal', 'amendment']),
    content: RecordContent,
    hash: Sha256,
    byName: z.string().max(200),
    at: z.iso.datetime(),
  })
  .strict();
export type DialogueRecordMessage = z.infer<typeof DialogueRecordMessage>;

/** The answer to an open version; an acceptance carries the answering node's signature. */
export const DialogueAnswerMessage = z
  .object({
    dialogueId: z.uuid(),
    meetingId: z.uuid(),
    version: z.number().int().min(1),
    hash: Sha256,
    answer: z.enum(['accepted', 'declined']),
    signature: z
      .object({ kid: z.string().max(200), jws: z.string().max(2000) })
      .strict()
      .nullable(),
    byName: z.string().max(200),
    at: z.iso.datetime(),
  })
  .strict();
export type DialogueAnswerMessage = z.infer<typeof DialogueAnswerMessage>;

/** The proposer's countersignature of the accepted version. */
export const DialogueSealMessage = z
  .object({
    dialogueId: z.uuid(),
    meetingId: z.uuid(),
    version: z.number().int().min(1),
    hash: Sha256,
    signature: z.object({ kid: z.string().max(200), jws: z.string().max(2000) }).strict(),
  })
  .strict();
export type DialogueSealMessage = z.infer<typeof DialogueSealMessage>;

/** The sender's own statement of a commitment. */
export const DialogueAttestationMessage = z
  .object({
    dialogueId: z.uuid(),
    commitmentId: z.uuid(),
    status: z.enum(ATTESTATION_STATUSES),
    note: z.string().max(4000),
    evidence: z.array(Evidence).max(50),
    byName: z.string().max(200),
    at: z.iso.datetime(),
  })
  .strict();
export type DialogueAttestationMessage = z.infer<typeof DialogueAttestationMessage>;
