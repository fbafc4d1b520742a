import { v5 as uuidv5 } from 'uuid';
// Not core/reports/index.js: that loads the NLP library, which only the extraction thread needs.
import { GAZETTEER_BY_ID } from '../../../core/reports/gazetteer.js';
import type { Claim, ClaimParty, Entity, Indicator } from '../../../core/reports/types.js';
import { LIAISON_NAMESPACE, stixIdFor } from '../../../core/stix/ids.js';
import { stixTimestamp } from '../../../core/stix/timestamps.js';
import type { ReportRow } from './reports.table.js';

/**
 * The STIX 2.1 objects of a committed report (docs/reports.md, "STIX mapping"). Ids of the
 * SDOs are UUIDv5 of the case and what they stand for, so a commit that stopped halfway
 * finds the objects it already added, and two reports committed to one case share the
 * identity of a country or an agency; observables (SCOs) have their deterministic ids.
 */
type Stix = Record<string, unknown>;

/** Longest description a report object carries (its text, cut beyond this). */
export const MAX_DESCRIPTION = 100_000;

const HASH_NAMES = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' } as const;
const SCO_TYPES = {
  ipv4: 'ipv4-addr',
  ipv6: 'ipv6-addr',
  domain: 'domain-name',
  url: 'url',
  email: 'email-addr',
} as const;

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function sdoId(type: string, caseId: string, key: string): string {
  return `${type}--${uuidv5(`${caseId}|${key}`, LIAISON_NAMESPACE)}`;
}

/** An indicator's pattern and its observable; a CVE id is a vulnerability instead. */
export function indicatorObjects(
  caseId: string,
  reportId: string,
  i: Indicator,
  at: number,
): Stix[] {
  if (i.type === 'cve') {
    return [
      {
        type: 'vulnerability',
        id: sdoId('vulnerability', caseId, `cve|${i.value}`),
        name: i.value,
        external_references: [{ source_name: 'cve', external_id: i.value }],
      },
    ];
  }
  const hash = i.type in HASH_NAMES ? HASH_NAMES[i.type as keyof typeof HASH_NAMES] : null;
  const path = hash
    ? hash.includes('-')
      ? `file:hashes.'${hash}'`
      : `file:hashes.${hash}`
    : `${SCO_TYPES[i.type as keyof typeof SCO_TYPES]}:value`;
  const sco = hash
    ? { type: 'file', hashes: { [hash]: i.value } }
    : { type: SCO_TYPES[i.type as keyof typeof SCO_TYPES], value: i.value };
  const observable: Stix = { ...sco, id: stixIdFor(sco) };
  return [
    observable,
    {
      type: 'indicator',
      id: sdoId('indicator', caseId, `indicator|${reportId}|${i.type}|${i.value}`),
      name: `${i.type} ${i.value}`,
      pattern: `[${path} = ${quote(i.value)}]`,
      pattern_type: 'stix',
      valid_from: stixTimestamp(at),
    },
  ];
}

const IDENTITY_CLASS = {
  country: 'organization',
  organisation: 'organization',
  person: 'individual',
} as const;

/** An identity for a gazetteer or NLP entity (countries as organizations: the state). */
export function identityOf(
  caseId: string,
  party: { id: string | null; text: string; kind?: Entity['kind'] },
): Stix {
  const entry = party.id ? GAZETTEER_BY_ID.get(party.id) : undefined;
  const kind =
    party.kind ??
    (entry?.kind === 'country'
      ? 'country'
      : party.id?.startsWith('person:')
        ? 'person'
        : 'organisation');
  const key = party.id ?? `text:${party.text.toLowerCase()}`;
  return {
    type: 'identity',
    id: sdoId('identity', caseId, `identity|${key}`),
    name: entry?.en[0] ?? party.text,
    identity_class: IDENTITY_CLASS[kind as keyof typeof IDENTITY_CLASS] ?? 'unknown',
    ...(kind === 'country' ? { sectors: ['government-national'] } : {}),
    ...(party.id ? { x_liaison_entity: party.id } : {}),
    ...(entry?.zh[0] ? { x_liaison_name_zh: entry.zh[0] } : {}),
  };
}

const OPINION = { asserts: 'agree', denies: 'disagree', declines_to_comment: 'neutral' } as const;

const partyJson = (p: ClaimParty | null) =>
  p ? { text: p.text, ...(p.id ? { id: p.id } : {}) } : undefined;

/**
 * A claim as an `opinion`: its author is the claim's source, its object_refs the identities
 * of the parties it is about (actor and target, else the source), `opinion` the stance
 * (asserts → agree, denies → disagree, declines to comment → neutral), `explanation` the
 * sentence; `x_liaison_claim` holds the claim whole.
 */
export function claimObjects(caseId: string, reportId: string, index: number, c: Claim): Stix[] {
  const parties = [c.actor, c.target].filter((p): p is ClaimParty => p !== null);
  const identities = (parties.length > 0 ? parties : [c.source]).map((p) => identityOf(caseId, p));
  const source = identityOf(caseId, c.source);
  const opinion: Stix = {
    type: 'opinion',
    id: sdoId('opinion', caseId, `claim|${reportId}|${index}`),
    opinion: OPINION[c.stance],
    explanation: c.statement,
    authors: [c.source.text],
    object_refs: [...new Set(identities.map((i) => String(i['id'])))],
    x_liaison_claim: {
      source: partyJson(c.source),
      ...(c.via ? { via: partyJson(c.via) } : {}),
      ...(c.actor ? { actor: partyJson(c.actor) } : {}),
      ...(c.target ? { target: partyJson(c.target) } : {}),
      stance: c.stance,
      cue: c.cue,
      source_identity_ref: source['id'],
    },
  };
  return [source, ...identities, opinion];
}

/** The report SDO itself, referring to every object committed with it. */
export function reportObject(
  caseId: string,
  row: ReportRow,
  refs: readonly string[],
  at: number,
): Stix {
  const published = row.published_at ? Date.parse(row.published_at) : NaN;
  const name = row.title ?? row.text.trim().split('\n')[0]!.slice(0, 200);
  return {
    type: 'report',
    id: sdoId('report', caseId, `report|${row.id}`),
    name: name || 'Report',
    report_types: ['threat-report'],
    published: stixTimestamp(Number.isFinite(published) ? published : at),
    description: row.text.slice(0, MAX_DESCRIPTION),
    object_refs: [...refs],
    lang: row.language,
    x_liaison_report: {
      report_id: row.id,
      ...(row.source ? { source: row.source } : {}),
      ...(row.published_at ? { published_at: row.published_at } : {}),
    },
  };
}
