/** Types shared by the pure extraction core of reports (issue 19). No I/O here. */

export const INDICATOR_TYPES = [
  'ipv4',
  'ipv6',
  'domain',
  'url',
  'email',
  'md5',
  'sha1',
  'sha256',
  'sha512',
  'cve',
] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

/** A character span in the input text, [start, end) in UTF-16 code units (String indices). */
export interface Span {
  start: number;
  end: number;
}

export interface Indicator extends Span {
  type: IndicatorType;
  /** Refanged, canonical value: lower-case where the type ignores case, CVE ids upper-case. */
  value: string;
  /** The text exactly as it stands in the input, input.slice(start, end). */
  original: string;
  /** True when the original was written defanged (hxxp, [.], [@] …). */
  defanged: boolean;
}

export interface DroppedIndicator extends Indicator {
  /** Why the allow-list dropped it, shown to the analyst. */
  reason: string;
}

export interface AllowListEntry {
  type: IndicatorType;
  value: string;
  /** For domains: also drop every subdomain of value. */
  subdomains?: boolean;
  reason: string;
}

export interface IndicatorResult {
  indicators: Indicator[];
  dropped: DroppedIndicator[];
}

export type EntityKind = 'country' | 'organisation' | 'person' | 'date' | 'quantity';

export interface Entity extends Span {
  kind: EntityKind;
  /**
   * Canonical id: gazetteer id (e.g. "country:us", "org:opm"), "person:<name>" for a person the
   * gazetteer does not know, ISO date ("2015-12", "2016-06-14") or "<value> <unit>" for quantities.
   */
  id: string;
  text: string;
  /** Where it came from: the bilingual gazetteer, the NLP library, or a pattern of this module. */
  via: 'gazetteer' | 'nlp' | 'pattern';
  /** Dates: ISO (partial) date; quantities: the number. */
  value?: string | number;
  /** Quantities: canonical unit ("records", "people", "usd" …). */
  unit?: string;
}

export type Stance = 'asserts' | 'denies' | 'declines_to_comment';

export interface ClaimParty {
  /** Gazetteer id when known, else null. */
  id: string | null;
  text: string;
}

export interface Claim extends Span {
  /** Who says it. */
  source: ClaimParty;
  /** The outlet that relays the source, when the sentence names one ("The ABC reported that officials …"). */
  via: ClaimParty | null;
  /** Who is said to have done it (or, for a denial, who denies having done it). */
  actor: ClaimParty | null;
  /** To whom it was done. */
  target: ClaimParty | null;
  stance: Stance;
  /** What is claimed: the sentence the claim was read from, trimmed. */
  statement: string;
  /** The reporting verb or phrase that carried the stance ("said", "denied", "拒绝置评"). */
  cue: string;
}

export type Language = 'en' | 'zh';
