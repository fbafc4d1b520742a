/** The media types, timestamps and cursors of TAXII 2.1 (sections 1.6, 3.2, 3.4). */

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

function parseMediaRange(text: string): MediaRange {
  const [head = '', ...rest] = text.split(';');
  const params = new Map<string, string>();
  for (const part of rest) {
    const [key = '', value = ''] = part.split('=');
    params.set(key.trim().toLowerCase(), value.trim().replace(/^"|"$/g, ''));
  }
  return { type: head.trim().toLowerCase(), params };
}

/** Whether a TAXII 2.1 reply suits the Accept header (absent: anything goes). */
export function acceptsTaxii(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((item) => {
    const range = parseMediaRange(item);
    if (range.params.get('q') === '0') return false;
    if (range.type === '*/*' || range.type === 'application/*') return true;
    if (range.type !== 'application/taxii+json') return false;
    const version = range.params.get('version');
    return version === undefined || version === '2.1';
  });
}

/** Whether a request body is declared as TAXII 2.1 JSON. */
export function isTaxiiContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const range = parseMediaRange(contentType);
  if (range.type !== 'application/taxii+json') return false;
  const version = range.params.get('version');
  return version === undefined || version === '2.1';
}

/** A date_added in microseconds, as a TAXII timestamp with six decimals. */
export function formatDateAdded(us: number): string {
  const ms = Math.floor(us / 1000);
  const rest = us - ms * 1000;
  return `${new Date(ms).toISOString().slice(0, 23)}${String(rest).padStart(3, '0')}Z`;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/**
 * A TAXII/STIX timestamp in microseconds (finer digits dropped: `added_after` is exclusive,
 * and an entry added at that microsecond is not after it), or null when malformed.
 */
export function parseTimestampUs(text: string): number | null {
  const match = TIMESTAMP.exec(text);
  if (!match) return null;
  const ms = Date.parse(`${match[1]}Z`);
  if (Number.isNaN(ms)) return null;
  const fraction = (match[2] ?? '').padEnd(6, '0').slice(0, 6);
  return ms * 1000 + Number(fraction);
}

/** The cursor after the place `seq` on the version counter, opaque to clients. */
export function encodeNext(seq: number): string {
  return Buffer.from(`v1:${seq}`).toString('base64url');
}

export function decodeNext(next: string): number | null {
  const text = Buffer.from(next, 'base64url').toString('utf8');
  const match = /^v1:(\d{1,16})$/.exec(text);
  return match ? Number(match[1]) : null;
}
