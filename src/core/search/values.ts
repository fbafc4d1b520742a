import ipaddr from 'ipaddr.js';
import { parse as parseHost } from 'tldts';

/**
 * The values an analyst looks up exactly (addresses, domains, URLs, e-mail addresses, file
 * hashes, CVE ids), found in free text and written one way, so that "have we seen
 * 203[.]0.113.7?" and an indicator of `203.0.113.7` meet in one lookup. Pure: the server
 * indexes with it, the query is parsed with it.
 */

/** Values longer than this are not values but text (and would bloat the lookup's index). */
const MAX_VALUE_LENGTH = 2000;
/** A long text names at most this many values; the rest of it is still found by its words. */
const MAX_VALUES_PER_TEXT = 500;

/**
 * Undoes the usual defanging, which analysts apply so that a value in a report cannot be
 * clicked or resolved: `hxxp://`, `[.]`, `(.)`, `{.}`, `[dot]`, `[at]`, `[@]`, `[:]`, `[://]`.
 */
export function refang(text: string): string {
  // Most text is not defanged: one test spares it six passes.
  if (!DEFANGED.test(text)) return text;
  return text
    .replace(/\[\s*:\/\/\s*\]/g, '://')
    .replace(/\[\s*:\s*\]/g, ':')
    .replace(/[[({]\s*(?:\.|dot)\s*[\])}]/gi, '.')
    .replace(/[[({]\s*(?:@|at)\s*[\])}]/gi, '@')
    .replace(/\bhxxp(s?):/gi, 'http$1:')
    .replace(/\bfxp:/gi, 'ftp:');
}

/** A value found in a text, and where (offsets into the refanged text). */
export interface FoundValue {
  value: string;
  start: number;
  end: number;
}

const URL_PATTERN = /\b(?:https?|ftp|sftp|wss?):\/\/[^\s<>"'`{}|\\^]+/gi;
const EMAIL_PATTERN =
  /(?<![\w.%+-])[a-z0-9][a-z0-9._%+-]{0,63}@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})(?![\w@-]|\.[a-z0-9])/gi;
const IPV4_PATTERN = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?!\d|\.\d)/g;
const IPV6_PATTERN = /(?<![\w:.])[0-9a-f]{0,4}:[0-9a-f:.]*[0-9a-f](?:\/\d{1,3})?(?![\w:])/gi;
const DOMAIN_PATTERN =
  /(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?![\w@-]|\.[a-z0-9])/gi;
/** md5, sha1 and sha256: 32, 40 or 64 hexadecimal digits standing alone. */
const HASH_PATTERN = /(?<![0-9a-z])(?:[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32})(?![0-9a-z])/gi;
const CVE_PATTERN = /\bcve-\d{4}-\d{4,7}\b/gi;

const DEFANGED = /[[({]|hxxp|fxp/i;
/** Four decimal parts without leading zeros: the only IPv4 form taken (as ipaddr.js's isValidFourPartDecimal). */
const FOUR_PART = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;

/** An IPv4 or IPv6 address (or network) as one canonical string, or undefined. */
function canonicalAddress(text: string): string | undefined {
  const [address = '', prefix] = text.split('/');
  // The common case, a plain dotted quad, is its own canonical form: no parser needed.
  if (FOUR_PART.test(address)) {
    if (address.split('.').some((part) => Number(part) > 255)) return undefined;
    if (prefix === undefined) return address;
    return Number(prefix) <= 32 ? `${address}/${Number(prefix)}` : undefined;
  }
  if (!ipaddr.isValid(address)) return undefined;
  if (ipaddr.IPv4.isValid(address) && !ipaddr.IPv4.isValidFourPartDecimal(address))
    return undefined;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (prefix === undefined) return parsed.toString();
  const bits = Number(prefix);
  return bits <= (parsed.kind() === 'ipv4' ? 32 : 128) ? `${parsed.toString()}/${bits}` : undefined;
}

/** A host name under a public suffix (so `report.pdf` and `node.js` are not domains). */
function canonicalDomain(text: string): string | undefined {
  // A feed names the same few domains again and again: the answers are remembered (bounded).
  const known = domains.get(text);
  if (known !== undefined) return known === '' ? undefined : known;
  const domain = judgeDomain(text);
  if (domains.size >= 4096) domains.clear();
  domains.set(text, domain ?? '');
  return domain;
}

const domains = new Map<string, string>();

function judgeDomain(text: string): string | undefined {
  const host = text.toLowerCase().replace(/\.$/, '');
  const parsed = parseHost(host);
  return parsed.isIcann === true && parsed.domain !== null && parsed.hostname === host
    ? host
    : undefined;
}

/** A URL without the trailing punctuation of the sentence around it, or undefined. */
function canonicalUrl(text: string): { value: string; length: number } | undefined {
  let raw = text.replace(/[.,;:!?'"\]}>]+$/, '');
  // A closing parenthesis belongs to the URL only if it opened one: "(see http://a.example/x)".
  while (raw.endsWith(')') && (raw.match(/\(/g) ?? []).length < (raw.match(/\)/g) ?? []).length) {
    raw = raw.slice(0, -1).replace(/[.,;:!?]+$/, '');
  }
  try {
    new URL(raw);
  } catch {
    return undefined;
  }
  return { value: normalizeValue(raw), length: raw.length };
}

/**
 * One way to write a value, for both the index and the query: trimmed, lowercased (as the
 * cases feature stores the values its objects name), addresses in canonical form
 * (`2001:0DB8::0001` → `2001:db8::1`), a URL to a bare host without its final slash.
 */
export function normalizeValue(value: string): string {
  const lower = value.trim().toLowerCase();
  const address = /^[0-9a-f:.]+(?:\/\d{1,3})?$/.test(lower) ? canonicalAddress(lower) : undefined;
  if (address) return address;
  return /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/$/.test(lower) ? lower.slice(0, -1) : lower;
}

/** Every value in `text` (refanged first), with where it is in the refanged text. */
export function scanValues(text: string): { refanged: string; found: FoundValue[] } {
  const refanged = refang(text);
  const found: FoundValue[] = [];
  const add = (value: string | undefined, start: number, end: number) => {
    if (value && value.length <= MAX_VALUE_LENGTH) found.push({ value, start, end });
  };
  for (const m of refanged.matchAll(URL_PATTERN)) {
    const url = canonicalUrl(m[0]);
    if (url) add(url.value, m.index, m.index + url.length);
  }
  for (const m of refanged.matchAll(EMAIL_PATTERN)) {
    const domain = canonicalDomain(m[1] ?? '');
    if (!domain) continue;
    add(m[0].toLowerCase(), m.index, m.index + m[0].length);
    // The mail domain is a value of its own: "have we seen example.cn?" finds its addresses.
    add(domain, m.index + m[0].length - domain.length, m.index + m[0].length);
  }
  for (const pattern of [IPV4_PATTERN, IPV6_PATTERN]) {
    for (const m of refanged.matchAll(pattern)) {
      if (pattern === IPV6_PATTERN && (m[0].match(/:/g) ?? []).length < 2) continue;
      add(canonicalAddress(m[0].toLowerCase()), m.index, m.index + m[0].length);
    }
  }
  for (const m of refanged.matchAll(DOMAIN_PATTERN)) {
    add(canonicalDomain(m[0]), m.index, m.index + m[0].length);
  }
  for (const pattern of [HASH_PATTERN, CVE_PATTERN]) {
    for (const m of refanged.matchAll(pattern)) {
      add(m[0].toLowerCase(), m.index, m.index + m[0].length);
    }
  }
  return { refanged, found };
}

/**
 * The values a text names, normalized and without repeats, in order of first appearance:
 * IPv4 and IPv6 addresses and networks, domains (under a public suffix), URLs, e-mail
 * addresses and their domains, md5/sha1/sha256 hashes, CVE ids; defanged forms included.
 */
export function extractValues(text: string): string[] {
  const { found } = scanValues(text);
  const values = new Set<string>();
  for (const { value } of found.sort((a, b) => a.start - b.start)) {
    if (values.size >= MAX_VALUES_PER_TEXT) break;
    values.add(value);
  }
  return [...values];
}
