import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A well-formed STIX 2.1 indicator for 10.x.y.z, its id fixed by `n`. */
export function indicator(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    created: '2026-11-01T00:00:00.000Z',
    modified: '2026-11-01T00:00:00.000Z',
    name: `C2 address ${ip}`,
    description: 'Command and control server seen in the intrusion.',
    indicator_types: ['malicious-activity'],
    pattern: `[ipv4-addr:value = '${ip}']`,
    pattern_type: 'stix',
    valid_from: '2026-11-01T00:00:00Z',
    ...extra,
  };
}

/**
 * Writes a bundle of `count` indicators to `file`, streamed (any size, flat memory);
 * `objectAt(n)` may replace the n-th object (a malformed one, say). Returns the byte size.
 */
export async function writeIndicatorBundle(
  file: string,
  count: number,
  objectAt: (n: number) => unknown = (n) => indicator(n),
): Promise<number> {
  const out = createWriteStream(file);
  let size = 0;
  const write = async (text: string) => {
    size += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[\n');
  for (let n = 0; n < count; n++) {
    await write(`${n === 0 ? '' : ',\n'}${JSON.stringify(objectAt(n))}`);
  }
  await write('\n]}\n');
  out.end();
  await once(out, 'finish');
  return size;
}
