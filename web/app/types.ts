/** Shapes of the node's HTTP API (docs/api.md), as the web app sees them. */

import type { z } from 'zod';
import type { Language } from '../../src/core/schemas/accounts';
import type { RejectionView as RejectionViewSchema } from '../../src/core/schemas/federation';

// Roles are defined once, in the code the server, the CLI and the web share.
export { ROLES, rolesAllow, type Permission, type Role } from '../../src/core/roles';

// Accounts, the node and the audit log (src/core/schemas): the server's shapes, as they are.
export type {
  CreateUserBody,
  CreatedUserView,
  Language,
  SessionView,
  UpdateMeBody,
  UpdateUserBody,
  UserView,
} from '../../src/core/schemas/accounts';
export type { NodeView } from '../../src/core/schemas/node';
export type { AuditEntryView } from '../../src/core/schemas/audit';
export type { PeriodQuery } from '../../src/core/schemas/pings';
/**
 * The languages of src/core/schemas/accounts, copied because importing a value of a zod
 * schema module would put zod in the first load; `every` checks that none is missing.
 */
export const LANGUAGES = every<Language>()(['en', 'zh-CN']);

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

// Federation and notes: the server's zod schemas are the source of these shapes.
export type { LedgerView, PeerView } from '../../src/core/schemas/federation';
export type { NoteView } from '../../src/core/schemas/notes';
export type RejectionView = z.infer<typeof RejectionViewSchema>;

export interface AddPeer {
  url: string;
  fingerprint: string;
}

// Contacts, arrangements and requests for assistance (src/core/schemas).
import type { ContactView } from '../../src/core/schemas/contacts';
export type { ContactBody, ContactView } from '../../src/core/schemas/contacts';
export type {
  ArrangementState,
  ArrangementTerms,
  ArrangementView,
  TypeTerms,
} from '../../src/core/schemas/arrangements';
export type {
  AttachmentUpload,
  AttachmentView,
  CreateRequestBody,
  MoveBody,
  RequestDetail,
  RequestEventView,
  RequestView,
  UpdateDraftBody,
} from '../../src/core/schemas/requests';

/**
 * Lists of the contacts schema, copied here because importing a zod schema module puts zod
 * in the web bundle (+160 kB); `every` makes the compiler check that no value is missing.
 */
function every<T>() {
  return <const A extends readonly T[]>(
    values: A & ([Exclude<T, A[number]>] extends [never] ? unknown : never),
  ): A => values;
}
export type ContactRole = ContactView['roles'][number];
export type ChannelType = ContactView['channels'][number]['type'];
export type Weekday = ContactView['workingHours']['days'][number];
export const CONTACT_ROLES = every<ContactRole>()([
  'technical',
  'diplomatic',
  'duty_24_7',
  'supervisor',
  'mla_central_authority',
]);
export const CHANNEL_TYPES = every<ChannelType>()(['email', 'phone', 'liaison_account']);
export const WEEKDAYS = every<Weekday>()(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

// Ping tests and figures (src/core/schemas/pings.ts, src/core/schemas/requests.ts).
export type { PingReport, PingView } from '../../src/core/schemas/pings';
export type { FigureRow, RequestFigures } from '../../src/core/schemas/requests';
/** The longest ping schedule the node takes, in hours (PingScheduleBody). */
export const MAX_PING_EVERY_HOURS = 24 * 90;

// The hotline (src/core/hotline.ts has no zod: its lists are imported as they are).
export {
  CALL_EVENT_KINDS,
  CALL_STATES,
  CHANNELS,
  PRIORITIES,
  TIERS,
  isOpen,
  type CallEventKind,
  type CallState,
  type Channel,
  type Priority,
  type Tier,
} from '../../src/core/hotline';
export { WEEKDAY_NAMES, type WeekdayName } from '../../src/core/roster';
export type {
  CallDetail,
  CallEventView,
  CallView,
  CoverageView,
  EscalateRequestBody,
  Ladder,
  LadderTarget,
  PeerCoverageView,
  PlaceCallBody,
  ReviewReport,
  ReviewSide,
  Rung,
  ShiftBody,
  ShiftView,
  WebhookBody,
  WebhookView,
} from '../../src/core/schemas/hotline';

/** Why the node alerts this user about a call (the `hotline.alert` event). */
export type HotlineAlertReason =
  'incoming' | 'rung' | 'reminder' | 'not_delivered' | 'delivered' | 'acknowledged';

// Cases and shared intelligence (src/core/schemas/cases.ts has zod: its lists are copied
// here, checked by `every`; the TLP rules are pure and imported as they are).
import type {
  CaseObjectsQuery,
  CaseView,
  FeedbackView,
  ObjectView,
} from '../../src/core/schemas/cases';
import type { TlpLevel } from '../../src/core/tlp-rules';
export type {
  AddObjectBody,
  CaseDetail,
  CaseLink,
  CaseReport,
  CaseView,
  CreateCaseBody,
  FeedbackBody,
  FeedbackView,
  MarkingBody,
  ObjectPage,
  ObjectView,
  ShareBody,
  ShareResult,
  UpdateCaseBody,
} from '../../src/core/schemas/cases';
export {
  TLP_LEVELS,
  nodesOfCase,
  tlpRank,
  type ShareRefusal,
  type TlpLevel,
} from '../../src/core/tlp-rules';
export type CaseKind = CaseView['kind'];
export type CasePriority = CaseView['priority'];
export type CaseStatus = CaseView['status'];
export type FeedbackUse = FeedbackView['use'];
export const CASE_KINDS = every<CaseKind>()([
  'hacking',
  'fraud',
  'child_abuse_material',
  'darkweb_market',
  'other',
]);
export const CASE_PRIORITIES = every<CasePriority>()(['low', 'medium', 'high', 'critical']);
export const CASE_STATUSES = every<CaseStatus>()(['open', 'active', 'closed']);
export const FEEDBACK_USES = every<FeedbackUse>()([
  'used_in_investigation',
  'blocked',
  'false_positive',
  'no_action',
]);

/** A page of cases (GET /api/cases). */
export interface CaseList {
  cases: CaseView[];
  next: string | null;
}

export type ObjectSort = CaseObjectsQuery['sort'];
export const OBJECT_SORTS = every<ObjectSort>()(['recent', 'oldest', 'type', 'label']);

/** Which of a case's objects to read (GET /api/cases/:id/objects); all optional. */
export interface ObjectsQuery {
  type?: string;
  tlp?: TlpLevel;
  q?: string;
  shared?: 'yes' | 'no';
  sort?: ObjectSort;
  limit?: number;
  cursor?: string;
}

/** One version of an object (GET …/objects/:objectId/history). */
export interface ObjectVersion {
  modified: string | null;
  tlp: TlpLevel;
  object: Record<string, unknown>;
}

/** A hit of the case search (GET /api/cases/search). */
export interface CaseSearchResult {
  caseId: string;
  caseTitle: string;
  object: ObjectView;
}

/** The search box on every page (GET /api/search): requests, notes, calls, cases, objects. */
export type { SearchHit, SearchKind, SearchResults } from '../../src/core/schemas/search';

// Bulk imports into a case (src/core/schemas/imports.ts; its lists copied, checked by `every`).
import type { ImportErrorView, ImportJobView } from '../../src/core/schemas/imports';
export type { ImportErrorView, ImportJobView } from '../../src/core/schemas/imports';
export type ImportFormat = ImportJobView['format'];
export type ImportStatus = ImportJobView['status'];
export const IMPORT_FORMATS = every<ImportFormat>()(['stix', 'misp']);

/** A page of an import's error report; `next` is the `after` of the next page, or null. */
export interface ImportErrorPage {
  errors: ImportErrorView[];
  next: number | null;
}

/** An import of what a URL holds, fetched by the node (POST /api/cases/:id/imports/url). */
export interface UrlImportBody {
  url: string;
  format: ImportFormat;
  tlp: TlpLevel;
}

// TAXII 2.1: the collections this node serves, subscriptions to remote ones (src/core/schemas/taxii.ts).
import type { SubscriptionView } from '../../src/core/schemas/taxii';
export type {
  CollectionAdminView,
  CollectionBody,
  SubscriptionBody,
  SubscriptionView,
  TaxiiAccessEntry,
} from '../../src/core/schemas/taxii';
export type SubscriptionAuthKind = SubscriptionView['auth'];
export const SUBSCRIPTION_AUTH_KINDS = every<SubscriptionAuthKind>()(['none', 'bearer', 'basic']);
/** The highest markings a collection may carry: TLP:RED is never served over TAXII. */
export const COLLECTION_TLP_LEVELS = [
  'clear',
  'green',
  'amber',
  'amber_strict',
] as const satisfies readonly Exclude<TlpLevel, 'red'>[];
export type CollectionTlp = (typeof COLLECTION_TLP_LEVELS)[number];
/** The bounds of a subscription's polling interval, in seconds (SubscriptionBody). */
export const MIN_POLL_SECONDS = 10;
export const MAX_POLL_SECONDS = 86_400;

/** The user's API tokens (GET /api/tokens): a TAXII collection may be opened to one. */
export type { TokenView } from '../../src/core/schemas/accounts';
