/**
 * The value formats of the observables Liaison holds. Each accepts a value only when it is
 * well formed by its standard AND the official OASIS STIX 2.1 JSON schema accepts it too
 * (test/harness/stix-schemas.ts), so an object that passes our schemas never fails
 * theirs. Where the OASIS schema is looser than the standard we follow the standard; where
 * it is stricter (no IPv4-in-IPv6 notation, ASCII-only e-mail addresses and URLs) we follow
 * the schema.
 */

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}(?:/(?:3[0-2]|[12]?[0-9]))?$`);

/** An IPv4 address in dotted-decimal notation, or a CIDR block (`/0` to `/32`). */
export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const IPV6_PREFIX = /^(?:12[0-8]|1[01][0-9]|[1-9]?[0-9])$/;

/**
 * An IPv6 address in hexadecimal groups (RFC 4291 2.2, forms 1 and 2), or a CIDR block
 * (`/0` to `/128`). The dotted IPv4 tail of form 3 (`::ffff:192.0.2.1`) is not accepted: the
 * OASIS schema's pattern for it is broken (`d` for `\d`), so it rejects every such address;
 * write the tail in hexadecimal (`::ffff:c000:201`).
 */
export function isIpv6(value: string): boolean {
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  if (slash !== -1 && !IPV6_PREFIX.test(value.slice(slash + 1))) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): string[] | null => {
    if (part === '') return [];
    const items = part.split(':');
    return items.every((item) => HEX_GROUP.test(item)) ? items : null;
  };
  const head = groups(halves[0] ?? '');
  if (head === null) return false;
  if (halves.length === 1) return head.length === 8;
  const tail = groups(halves[1] ?? '');
  return tail !== null && head.length + tail.length <= 7;
}

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Letters and marks of any script, digits, dots and hyphens: what a domain name is written with. */
const DOMAIN_CHARACTERS = /^[\p{L}\p{M}\p{N}.-]+$/u;

/**
 * A domain name (RFC 1034, internationalised per RFC 5890): written in any script, its
 * ASCII (A-label) form, as the WHATWG URL standard computes it, must be a host name of
 * labels of 1 to 63 letters, digits and inner hyphens, 253 characters at most. Not an IP
 * address (a numeric last label), no trailing dot.
 */
export function isDomainName(value: string): boolean {
  if (value.length === 0 || value.length > 253 || !DOMAIN_CHARACTERS.test(value)) return false;
  if (value.endsWith('.') || value.startsWith('.')) return false;
  let ascii: string;
  try {
    ascii = new URL(`http://${value}/`).hostname;
  } catch {
    return false;
  }
  if (ascii.length === 0 || ascii.length > 253) return false;
  const labels = ascii.split('.');
  if (!labels.every((label) => HOST_LABEL.test(label))) return false;
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}

const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const LOCAL_PART = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*$`);
const EMAIL_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * An e-mail address (RFC 5322 addr-spec, dot-atom form): a local part of at most 64
 * characters and a domain of two or more ASCII labels; 254 characters at most. Quoted local
 * parts and internationalised addresses are not accepted (the OASIS schema's `email` format
 * does not accept them).
 */
export function isEmailAddress(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1).split('.');
  return (
    local.length <= 64 &&
    LOCAL_PART.test(local) &&
    domain.length >= 2 &&
    domain.every((label) => EMAIL_LABEL.test(label))
  );
}

// RFC 3986, appendix A.
const PCT = '%[0-9A-Fa-f]{2}';
const UNRESERVED = 'A-Za-z0-9\\-._~';
const SUB_DELIMS = "!$&'()*+,;=";
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const USERINFO = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*$`);
const REG_NAME = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*$`);
const PATH_ABEMPTY = new RegExp(`^(?:/${PCHAR}*)*$`);
const PATH_ABSOLUTE = new RegExp(`^/(?:${PCHAR}+(?:/${PCHAR}*)*)?$`);
const PATH_ROOTLESS = new RegExp(`^${PCHAR}+(?:/${PCHAR}*)*$`);
const QUERY_OR_FRAGMENT = new RegExp(`^(?:${PCHAR}|[/?])*$`);

function isAuthority(authority: string): boolean {
  const at = authority.lastIndexOf('@');
  if (at !== -1 && !USERINFO.test(authority.slice(0, at))) return false;
  const hostPort = authority.slice(at + 1);
  let host = hostPort;
  let port = '';
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) return false;
    host = hostPort.slice(0, close + 1);
    const rest = hostPort.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return false;
    port = rest.slice(1);
    if (!isIpv6(host.slice(1, -1)) || host.includes('/')) return false;
  } else {
    const colon = hostPort.lastIndexOf(':');
    if (colon !== -1) {
      host = hostPort.slice(0, colon);
      port = hostPort.slice(colon + 1);
    }
    if (!REG_NAME.test(host)) return false;
  }
  return /^[0-9]*$/.test(port);
}

/**
 * A URI as RFC 3986 defines it (scheme, then hierarchical part, optional query and
 * fragment), in ASCII, that the WHATWG URL parser also accepts. An empty hierarchical part
 * (`mailto:`) is not accepted.
 */
export function isUri(value: string): boolean {
  const match = /^([^:/?#]+):([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s.exec(value);
  if (!match) return false;
  const [, scheme = '', hierarchical = '', query, fragment] = match;
  if (!SCHEME.test(scheme) || hierarchical === '') return false;
  if (hierarchical.startsWith('//')) {
    const rest = hierarchical.slice(2);
    const slash = rest.indexOf('/');
    const authority = slash === -1 ? rest : rest.slice(0, slash);
    const path = slash === -1 ? '' : rest.slice(slash);
    if (!isAuthority(authority) || !PATH_ABEMPTY.test(path)) return false;
  } else if (!PATH_ABSOLUTE.test(hierarchical) && !PATH_ROOTLESS.test(hierarchical)) {
    return false;
  }
  if (query !== undefined && !QUERY_OR_FRAGMENT.test(query)) return false;
  if (fragment !== undefined && !QUERY_OR_FRAGMENT.test(fragment)) return false;
  try {
    new URL(value);
  } catch {
    return false;
  }
  return true;
}

const HEX = /^(?:[0-9A-Fa-f]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/;

/** The STIX `hex` type: a non-empty even number of hexadecimal digits. */
export function isHex(value: string): boolean {
  return HEX.test(value);
}

/** The STIX `binary` type: non-empty, padded base64. */
export function isBase64(value: string): boolean {
  return BASE64.test(value);
}

/** A language tag (RFC 5646), checked for its shape: `en`, `zh-Hans-CN`, `zh-CN`. */
export function isLanguageTag(value: string): boolean {
  return /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/.test(value);
}

/** The hash algorithms of the STIX vocabulary (hash-algorithm-ov) and the form of each digest. */
export const KNOWN_HASHES: Readonly<Record<string, { format: RegExp; hint: string }>> = {
  MD5: { format: /^[a-fA-F0-9]{32}$/, hint: '32 hexadecimal digits' },
  'SHA-1': { format: /^[a-fA-F0-9]{40}$/, hint: '40 hexadecimal digits' },
  'SHA-256': { format: /^[a-fA-F0-9]{64}$/, hint: '64 hexadecimal digits' },
  'SHA-512': { format: /^[a-fA-F0-9]{128}$/, hint: '128 hexadecimal digits' },
  'SHA3-256': { format: /^[a-fA-F0-9]{64}$/, hint: '64 hexadecimal digits' },
  'SHA3-512': { format: /^[a-fA-F0-9]{128}$/, hint: '128 hexadecimal digits' },
  SSDEEP: { format: /^[a-zA-Z0-9/+:.]{1,128}$/, hint: 'an ssdeep digest' },
  TLSH: { format: /^[a-zA-Z0-9]{70}$/, hint: '70 letters and digits' },
};
