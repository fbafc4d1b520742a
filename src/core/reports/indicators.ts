/**
 * Indicator extraction from free text (English and Simplified Chinese): IPv4, IPv6, domains,
 * URLs, e-mails, MD5, SHA-1, SHA-256, SHA-512 and CVE ids, defanged forms refanged. Domains
 * must end in a suffix of the public suffix list (tldts, bundled list, no network), so
 * "update.exe", "config.json", "Guccifer 2.0" and "v1.2.3" are not taken. Values on the
 * allow-list are returned in `dropped` with the reason, never removed silently.
 */
import ipaddr from 'ipaddr.js';
import { parse as parseDomain } from 'tldts';
import { originalSpan, refang, type Refanged } from './refang.js';
import type {
  AllowListEntry,
  DroppedIndicator,
  Indicator,
  IndicatorResult,
  IndicatorType,
} from './types.js';

/**
 * Public suffixes that are also common file extensions: a bare two-label name ending in one
 * of them ("setup.zip", "readme.md", "run.sh", "libc.so") is taken for a file name unless it
 * was written defanged or stands in a URL or an e-mail address.
 */
const FILE_LIKE_SUFFIXES = new Set([
  'zip',
  'mov',
  'md',
  'sh',
  'py',
  'pl',
  'rs',
  'so',
  'ps',
  'cab',
  'sys',
  'exe',
  'dll',
]);

/** Characters that end a URL in running text (ASCII and full-width Chinese punctuation). */
const URL_STOP = '\\s<>"\'`\\u3000-\\u303f\\u3400-\\u9fff\\uff00-\\uffef“”‘’';
const URL_RE = new RegExp(`\\b(?:https?|ftp|sftp|ldaps?|rmi)://[^${URL_STOP}]+`, 'gi');
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN_BODY = `(?:${LABEL}\\.)+[a-z][a-z0-9-]{0,62}`;
const EMAIL_RE = new RegExp(
  `(?<![a-z0-9._%+-])[a-z0-9](?:[a-z0-9._%+-]{0,63})@(${DOMAIN_BODY})(?![a-z0-9-])`,
  'gi',
);
const DOMAIN_RE = new RegExp(`(?<![a-z0-9_@.-])${DOMAIN_BODY}(?![a-z0-9_@-]|\\.[a-z0-9])`, 'gi');
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_RE = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g');
const IPV6_RE =
  /(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{1,4})?(?![\w:]|\.\d)/gi;
const CVE_RE = /\bCVE[-‐‑–—]\d{4}[-‐‑–—]\d{4,7}\b/gi;
const HEX_RE = /(?<![0-9a-z_])[0-9a-f]{32,128}(?![0-9a-z_])/gi;
const HASH_BY_LENGTH: Record<number, IndicatorType> = {
  32: 'md5',
  40: 'sha1',
  64: 'sha256',
  128: 'sha512',
};
/** "version 1.2.3.4", "v1.2.3.4", "section 3.2.1.4", "版本 1.2.3.4": a number, not an address. */
const VERSION_BEFORE =
  /(?:\bv|\bver\.?|\bversion|\brelease|\bbuild|\bsection|\bclause|\barticle|\bchapter|\bparagraph|\bstep|§|版本|版本号|第|条款|章节)\s*$/i;

interface Candidate {
  type: IndicatorType;
  start: number; // in refanged text
  end: number;
  value: string;
}

export interface ExtractIndicatorOptions {
  allowList?: readonly AllowListEntry[];
}

export function extractIndicators(
  input: string,
  options: ExtractIndicatorOptions = {},
): IndicatorResult {
  const r = refang(input);
  // One byte per character of the refanged text: taken by an earlier, stronger match.
  const taken = new Uint8Array(r.text.length);
  const found: Candidate[] = [];
  const free = (s: number, e: number) => taken.subarray(s, e).every((b) => b === 0);
  const take = (c: Candidate) => {
    found.push(c);
    taken.fill(1, c.start, c.end);
  };
  for (const c of urls(r.text)) if (free(c.start, c.end)) take(c);
  for (const c of emails(r.text)) if (free(c.start, c.end)) take(c);
  for (const c of ipv6s(r.text)) if (free(c.start, c.end)) take(c);
  for (const c of ipv4s(r.text)) if (free(c.start, c.end)) take(c);
  for (const c of hashesAndCves(r.text)) if (free(c.start, c.end)) take(c);
  for (const c of domains(input, r)) if (free(c.start, c.end)) take(c);
  found.sort((a, b) => a.start - b.start);
  return applyAllowList(
    found.map((c) => toIndicator(input, r, c)),
    options.allowList ?? [],
  );
}

function toIndicator(input: string, r: Refanged, c: Candidate): Indicator {
  const span = originalSpan(r, c.start, c.end);
  const original = input.slice(span.start, span.end);
  return {
    type: c.type,
    value: c.value,
    original,
    start: span.start,
    end: span.end,
    defanged: original !== r.text.slice(c.start, c.end),
  };
}

function applyAllowList(found: Indicator[], allow: readonly AllowListEntry[]): IndicatorResult {
  const indicators: Indicator[] = [];
  const dropped: DroppedIndicator[] = [];
  for (const ind of found) {
    const entry = allow.find(
      (a) =>
        a.type === ind.type &&
        (a.value.toLowerCase() === ind.value.toLowerCase() ||
          (a.subdomains === true &&
            ind.type === 'domain' &&
            ind.value.endsWith(`.${a.value.toLowerCase()}`))),
    );
    if (entry) dropped.push({ ...ind, reason: entry.reason });
    else indicators.push(ind);
  }
  return { indicators, dropped };
}

/** True when a host name ends in a public suffix (ICANN or private section) with a label before it. */
export function isDomainName(
  host: string,
  written: 'plain' | 'defanged' | 'in-url' = 'plain',
): boolean {
  const d = parseDomain(host, { allowPrivateDomains: true });
  if (d.isIp || !d.domain || !d.publicSuffix || d.hostname !== host) return false;
  if (d.isIcann !== true && d.isPrivate !== true) return false;
  const labels = host.split('.');
  if (labels.every((l) => /^\d+$/.test(l))) return false;
  if (written === 'plain' && labels.length === 2 && FILE_LIKE_SUFFIXES.has(d.publicSuffix))
    return false;
  return true;
}

function trimUrl(raw: string): string {
  let url = raw.replace(/[.,;:!?'"*]+$/, '');
  // Drop a closing bracket the URL did not open: "(see http://x.com/a)".
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
    ['{', '}'],
  ] as const) {
    while (url.endsWith(close) && url.split(open).length < url.split(close).length)
      url = url.slice(0, -1);
  }
  return url.replace(/[.,;:!?'"*]+$/, '');
}

function* urls(text: string): Generator<Candidate> {
  URL_RE.lastIndex = 0;
  for (let m = URL_RE.exec(text); m; m = URL_RE.exec(text)) {
    const url = trimUrl(m[0]);
    const hostMatch = /^([a-z]+):\/\/(?:[^@/?#]*@)?(\[[0-9a-f:.]+\]|[^/:?#]+)(.*)$/i.exec(url);
    if (!hostMatch) continue;
    const host = hostMatch[2]!.toLowerCase();
    const bare = host.replace(/^\[|\]$/g, '');
    if (!(ipaddr.isValid(bare) || isDomainName(host, 'in-url'))) continue;
    const rest = hostMatch[3] ?? '';
    const userinfo = url.slice(hostMatch[1]!.length + 3, url.length - host.length - rest.length);
    const value = `${hostMatch[1]!.toLowerCase()}://${userinfo}${host}${rest}`;
    yield { type: 'url', start: m.index, end: m.index + url.length, value };
  }
}

function* emails(text: string): Generator<Candidate> {
  EMAIL_RE.lastIndex = 0;
  for (let m = EMAIL_RE.exec(text); m; m = EMAIL_RE.exec(text)) {
    if (!isDomainName(m[1]!.toLowerCase(), 'in-url')) continue;
    yield { type: 'email', start: m.index, end: m.index + m[0].length, value: m[0].toLowerCase() };
  }
}

function* ipv4s(text: string): Generator<Candidate> {
  IPV4_RE.lastIndex = 0;
  for (let m = IPV4_RE.exec(text); m; m = IPV4_RE.exec(text)) {
    if (VERSION_BEFORE.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
    yield { type: 'ipv4', start: m.index, end: m.index + m[0].length, value: m[0] };
  }
}

/** RFC 5952 text, with an IPv4-mapped address kept in its dotted form (::ffff:192.0.2.1). */
function ipv6Value(raw: string): string {
  const ip = ipaddr.IPv6.parse(raw);
  return ip.isIPv4MappedAddress()
    ? `::ffff:${ip.toIPv4Address().toString()}`
    : ip.toRFC5952String();
}

function* ipv6s(text: string): Generator<Candidate> {
  IPV6_RE.lastIndex = 0;
  for (let m = IPV6_RE.exec(text); m; m = IPV6_RE.exec(text)) {
    const raw = m[0];
    if (!ipaddr.IPv6.isValid(raw) || raw === '::' || !/[0-9a-f]{2}/i.test(raw)) continue;
    // "12:30:45" style times are not valid IPv6 (no "::", too few groups), so isValid rejects them.
    yield {
      type: 'ipv6',
      start: m.index,
      end: m.index + raw.length,
      value: ipv6Value(raw),
    };
  }
}

function* hashesAndCves(text: string): Generator<Candidate> {
  CVE_RE.lastIndex = 0;
  for (let m = CVE_RE.exec(text); m; m = CVE_RE.exec(text)) {
    const value = m[0].toUpperCase().replace(/[‐‑–—]/g, '-');
    yield { type: 'cve', start: m.index, end: m.index + m[0].length, value };
  }
  HEX_RE.lastIndex = 0;
  for (let m = HEX_RE.exec(text); m; m = HEX_RE.exec(text)) {
    const type = HASH_BY_LENGTH[m[0].length];
    // A run of another length (a longer hex string) holds no hash; a hash has letters and digits.
    if (!type || !/[a-f]/i.test(m[0]) || !/\d/.test(m[0])) continue;
    yield { type, start: m.index, end: m.index + m[0].length, value: m[0].toLowerCase() };
  }
}

function* domains(input: string, r: Refanged): Generator<Candidate> {
  const text = r.text;
  DOMAIN_RE.lastIndex = 0;
  for (let m = DOMAIN_RE.exec(text); m; m = DOMAIN_RE.exec(text)) {
    const host = m[0].toLowerCase();
    const span = originalSpan(r, m.index, m.index + m[0].length);
    const written = input.slice(span.start, span.end) !== m[0] ? 'defanged' : 'plain';
    if (!isDomainName(host, written)) continue;
    yield { type: 'domain', start: m.index, end: m.index + m[0].length, value: host };
  }
}
