import type { Claim, DroppedIndicator, Entity, Indicator } from '../../../core/reports/index.js';
import type {
  AllowListEntryView,
  ClaimView,
  ReportSummary,
  ReportView,
} from '../../../core/schemas/reports.js';
import { iso, isoOrNull } from '../../clock.js';
import type { AllowListRow, ReportRow, ReviewRow } from './reports.table.js';

/** What the core extracted, as stored in `reports.extraction`. */
export interface StoredExtraction {
  indicators: Indicator[];
  dropped: DroppedIndicator[];
  entities: Entity[];
  claims: Claim[];
}

export function extractionOf(row: ReportRow): StoredExtraction {
  return JSON.parse(row.extraction) as StoredExtraction;
}

type States = Map<string, ReviewRow['state']>;

export function statesOf(reviews: readonly ReviewRow[]): States {
  return new Map(reviews.map((r) => [`${r.kind}:${r.idx}`, r.state]));
}

export function presentSummary(row: ReportRow, x = extractionOf(row)): ReportSummary {
  return {
    id: row.id,
    clusterId: row.cluster_id,
    title: row.title,
    source: row.source,
    publishedAt: row.published_at,
    language: row.language,
    createdAt: iso(Number(row.created_at)),
    origin: row.origin,
    originNode: row.origin_node,
    counts: {
      indicators: x.indicators.length,
      entities: x.entities.length,
      claims: x.claims.length,
      dropped: x.dropped.length,
    },
    caseId: row.case_id,
    stixId: row.stix_id,
    committedAt: isoOrNull(row.committed_at === null ? null : Number(row.committed_at)),
  };
}

export function presentClaims(claims: readonly Claim[], states: States): ClaimView[] {
  return claims.map((c, index) => ({
    index,
    source: c.source,
    via: c.via,
    actor: c.actor,
    target: c.target,
    stance: c.stance,
    statement: c.statement,
    cue: c.cue,
    start: c.start,
    end: c.end,
    state: states.get(`claim:${index}`) ?? 'pending',
  }));
}

export function presentReport(row: ReportRow, reviews: readonly ReviewRow[]): ReportView {
  const x = extractionOf(row);
  const states = statesOf(reviews);
  return {
    ...presentSummary(row, x),
    text: row.text,
    indicators: x.indicators.map((i, index) => ({
      index,
      type: i.type,
      value: i.value,
      original: i.original,
      defanged: i.defanged,
      start: i.start,
      end: i.end,
      state: states.get(`indicator:${index}`) ?? 'pending',
    })),
    dropped: x.dropped.map((d) => ({
      type: d.type,
      value: d.value,
      original: d.original,
      defanged: d.defanged,
      start: d.start,
      end: d.end,
      reason: d.reason,
    })),
    entities: x.entities.map((e, index) => ({
      index,
      kind: e.kind,
      id: e.id,
      text: e.text,
      via: e.via,
      value: e.value ?? null,
      unit: e.unit ?? null,
      start: e.start,
      end: e.end,
      state: states.get(`entity:${index}`) ?? 'pending',
    })),
    claims: presentClaims(x.claims, states),
  };
}

export function presentAllowEntry(row: AllowListRow): AllowListEntryView {
  return {
    id: row.id,
    type: row.type as AllowListEntryView['type'],
    value: row.value,
    subdomains: row.subdomains === 1,
    reason: row.reason,
    createdAt: iso(Number(row.created_at)),
    createdBy: row.created_by,
  };
}
