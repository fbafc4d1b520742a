import { z } from 'zod';
import { TLP_LEVELS } from '../tlp-rules.js';
import { NodeId } from './common.js';

export const CASE_KINDS = [
  'hacking',
  'fraud',
  'child_abuse_material',
  'darkweb_market',
  'other',
] as const;
export const CASE_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export const CASE_STATUSES = ['open', 'active', 'closed'] as const;
export const FEEDBACK_USES = [
  'used_in_investigation',
  'blocked',
  'false_positive',
  'no_action',
] as const;

export const Tlp = z.enum(TLP_LEVELS);

export const CreateCaseBody = z
  .object({
    title: z.string().trim().min(1, 'required').max(200, 'at most 200 characters'),
    summary: z.string().trim().max(20_000).default(''),
    kind: z.enum(CASE_KINDS),
    priority: z.enum(CASE_PRIORITIES).default('medium'),
    /** On the list of priority cases the sides review together. */
    priorityCase: z.boolean().default(false),
    /** This node's objects go to the case's nodes by themselves, as TLP allows. */
    autoShare: z.boolean().default(true),
  })
  .strict();
export type CreateCaseBody = z.infer<typeof CreateCaseBody>;

export const UpdateCaseBody = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    summary: z.string().trim().max(20_000).optional(),
    kind: z.enum(CASE_KINDS).optional(),
    priority: z.enum(CASE_PRIORITIES).optional(),
    status: z.enum(CASE_STATUSES).optional(),
    priorityCase: z.boolean().optional(),
    /** This node's own setting: any node of the case may change it for its copy. */
    autoShare: z.boolean().optional(),
  })
  .strict();
export type UpdateCaseBody = z.infer<typeof UpdateCaseBody>;

export const CaseLink = z.object({ kind: z.enum(['request', 'call']), refId: z.string().uuid() });
export type CaseLink = z.infer<typeof CaseLink>;

export const CaseView = z.object({
  id: z.string(),
  /** The node that opened the case. */
  owner: z.string(),
  title: z.string(),
  summary: z.string(),
  kind: z.enum(CASE_KINDS),
  priority: z.enum(CASE_PRIORITIES),
  status: z.enum(CASE_STATUSES),
  priorityCase: z.boolean(),
  /** Whether this node's objects flow to the case's other nodes by themselves. */
  autoShare: z.boolean(),
  /** The other nodes the case is shared with. */
  participants: z.array(z.string()),
  links: z.array(CaseLink),
  /** Objects this viewer may see. */
  objectCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The exercise whose case objects it holds: an EXERCISE case (never in the report); null if real. */
  exerciseId: z.string().nullable(),
});
export type CaseView = z.infer<typeof CaseView>;
/** A page of cases, most recently changed first; `next` asks for the page after it. */
export const CaseList = z.object({ cases: z.array(CaseView), next: z.string().nullable() });
export const CaseQuery = z.object({
  status: z.enum(CASE_STATUSES).optional(),
  priorityCase: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(500).optional(),
});

export const FeedbackView = z.object({
  node: z.string(),
  use: z.enum(FEEDBACK_USES),
  note: z.string(),
  by: z.string(),
  at: z.string(),
});
export type FeedbackView = z.infer<typeof FeedbackView>;

export const ObjectView = z.object({
  id: z.string(),
  type: z.string(),
  caseId: z.string(),
  tlp: Tlp,
  /** The node that wrote it. */
  origin: z.string(),
  redRecipients: z.array(z.string()),
  revoked: z.boolean(),
  created: z.string().nullable(),
  modified: z.string().nullable(),
  /** A name to show: name, value, pattern or the start of the content. */
  label: z.string(),
  /** The STIX 2.1 object itself. */
  object: z.record(z.string(), z.unknown()),
  /** Nodes it was sent to (this node's own objects). */
  sharedWith: z.array(z.string()),
  feedback: z.array(FeedbackView),
});
export type ObjectView = z.infer<typeof ObjectView>;

export const OBJECT_SORTS = ['recent', 'oldest', 'type', 'label'] as const;

/** Which of a case's objects a page holds, in what order, from where. */
export const CaseObjectsQuery = z.object({
  type: z.string().max(100).optional(),
  tlp: Tlp.optional(),
  /** Words the objects' names, descriptions, values, patterns or notes all hold. */
  q: z.string().trim().max(200).optional(),
  /** Objects this node sent to a peer (yes) or to none (no). */
  shared: z.enum(['yes', 'no']).optional(),
  sort: z.enum(OBJECT_SORTS).default('recent'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(2000).optional(),
});
export type CaseObjectsQuery = z.infer<typeof CaseObjectsQuery>;

/** A page of a case's objects; `next` is the cursor of the page after it, if there is one. */
export const ObjectPage = z.object({ objects: z.array(ObjectView), next: z.string().nullable() });
export type ObjectPage = z.infer<typeof ObjectPage>;

/** A case with the first page of its objects (`GET /api/cases/:id/objects` gives the next). */
export const CaseDetail = CaseView.extend({
  objects: z.array(ObjectView),
  objectsNext: z.string().nullable(),
});
export type CaseDetail = z.infer<typeof CaseDetail>;

const StixInput = z.record(z.string(), z.unknown());

export const AddObjectBody = z
  .object({
    /** A STIX 2.1 object; id, created, modified, spec_version and created_by_ref may be left out. */
    object: StixInput,
    /** Its TLP 2.0 marking (also accepted as a TLP entry in object_marking_refs). */
    tlp: Tlp.optional(),
    /** RED: the nodes it may go to (besides this node). */
    redRecipients: z.array(NodeId).max(50).default([]),
  })
  .strict();
export type AddObjectBody = z.infer<typeof AddObjectBody>;

export const UpdateObjectBody = z
  .object({
    /** The properties that change; the id, type and created stay. */
    changes: StixInput,
  })
  .strict();
export type UpdateObjectBody = z.infer<typeof UpdateObjectBody>;

export const MarkingBody = z
  .object({
    tlp: Tlp,
    /** Why: required, and audited, when the marking is lowered. */
    reason: z.string().trim().max(2000).default(''),
    redRecipients: z.array(NodeId).max(50).optional(),
  })
  .strict();
export type MarkingBody = z.infer<typeof MarkingBody>;

export const ShareBody = z
  .object({
    peer: NodeId,
    /** The objects to send; every object the rules let go to that peer when left out. */
    objects: z.array(z.string().min(3).max(300)).max(10_000).optional(),
  })
  .strict();
export type ShareBody = z.infer<typeof ShareBody>;

export const ShareResult = z.object({
  case: CaseView,
  sent: z.array(z.string()),
  withheld: z.array(z.object({ id: z.string(), reason: z.string() })),
});
export type ShareResult = z.infer<typeof ShareResult>;

export const FeedbackBody = z
  .object({ use: z.enum(FEEDBACK_USES), note: z.string().trim().max(2000).default('') })
  .strict();
export type FeedbackBody = z.infer<typeof FeedbackBody>;

export const ObjectParams = z.object({
  id: z.string().uuid(),
  objectId: z.string().min(3).max(300),
});

export const SearchQuery = z.object({
  q: z.string().trim().min(1, 'required').max(200),
  type: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const SearchResults = z.object({
  results: z.array(z.object({ caseId: z.string(), caseTitle: z.string(), object: ObjectView })),
});

export const LookupQuery = z.object({
  value: z.string().trim().min(1, 'required').max(2000),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const LookupResults = SearchResults.extend({ value: z.string() });

export const ObjectHistory = z.object({
  versions: z.array(
    z.object({
      modified: z.string().nullable(),
      tlp: Tlp,
      object: z.record(z.string(), z.unknown()),
    }),
  ),
});

export const CaseReport = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  peers: z.array(
    z.object({
      peer: z.string(),
      casesOpened: z.number(),
      casesShared: z.number(),
      casesWithActivity: z.number(),
      requestsLinked: z.number(),
      feedbackReceived: z.number(),
    }),
  ),
});
export type CaseReport = z.infer<typeof CaseReport>;

// ---- federation messages -----------------------------------------------------------------

export const CASE_SHARE_KIND = 'liaison.case.share';
export const STIX_UPSERT_KIND = 'liaison.stix.upsert';
export const STIX_DELETE_KIND = 'liaison.stix.delete';
export const STIX_FEEDBACK_KIND = 'liaison.stix.feedback';

export const CaseShareMessage = z
  .object({
    case: z
      .object({
        id: z.string().uuid(),
        owner: NodeId,
        title: z.string().min(1).max(200),
        summary: z.string().max(20_000),
        kind: z.enum(CASE_KINDS),
        priority: z.enum(CASE_PRIORITIES),
        status: z.enum(CASE_STATUSES),
        priorityCase: z.boolean(),
        participants: z.array(NodeId).max(200),
        /** An EXERCISE case: sent only on exercise cases (a real one reads as older nodes expect). */
        exerciseId: z.uuid().optional(),
      })
      .strict(),
  })
  .strict();
export type CaseShareMessage = z.infer<typeof CaseShareMessage>;

export const StixUpsertMessage = z
  .object({
    caseId: z.string().uuid(),
    object: StixInput,
    tlp: Tlp,
    redRecipients: z.array(NodeId).max(50),
  })
  .strict();
export type StixUpsertMessage = z.infer<typeof StixUpsertMessage>;

export const StixDeleteMessage = z
  .object({ caseId: z.string().uuid(), id: z.string().min(3).max(300), at: z.iso.datetime() })
  .strict();
export type StixDeleteMessage = z.infer<typeof StixDeleteMessage>;

export const StixFeedbackMessage = z
  .object({
    caseId: z.string().uuid(),
    objectId: z.string().min(3).max(300),
    use: z.enum(FEEDBACK_USES),
    note: z.string().max(2000),
    by: z.string().max(200),
    at: z.iso.datetime(),
  })
  .strict();
export type StixFeedbackMessage = z.infer<typeof StixFeedbackMessage>;
