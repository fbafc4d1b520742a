import { describe, expect, it } from 'vitest';
import { BundleFormatError, BundleScanner, type ScannedElement } from './bundle-stream.js';

/** Scans `text` fed in chunks of `size` bytes. */
function scan(
  text: string | Buffer,
  size: number,
  scanner = new BundleScanner(),
): ScannedElement[] {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const out: ScannedElement[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    out.push(...scanner.push(bytes.subarray(at, at + size)));
  }
  out.push(...scanner.end());
  return out;
}

const objects = [
  { type: 'indicator', id: 'indicator--1', name: 'braces } { ] [ and "quotes" \\ in text' },
  { type: 'note', id: 'note--2', content: '中文 content, é, 🚀', object_refs: ['a', 'b'] },
  { type: 'ipv4-addr', id: 'ipv4-addr--3', value: '203.0.113.7', nested: { a: [1, { b: 2 }] } },
];

describe('BundleScanner', () => {
  const bundle = JSON.stringify(
    { type: 'bundle', id: 'bundle--x', extra: { objects: 'not this' }, objects },
    null,
    2,
  );

  it('yields each object of a bundle, whatever the chunk size', () => {
    for (const size of [1, 2, 3, 7, 64, 100_000]) {
      const found = scan(bundle, size);
      expect(found.map((e) => JSON.parse(e.text ?? 'null') as unknown)).toEqual(objects);
      expect(found.map((e) => e.index)).toEqual([0, 1, 2]);
      const bytes = Buffer.from(bundle);
      for (const element of found) {
        expect(bytes.subarray(element.start, element.end).toString('utf8')).toBe(element.text);
      }
    }
  });

  it('reads a bare array and a lone object', () => {
    expect(scan(JSON.stringify(objects), 5).map((e) => e.text)).toEqual(
      objects.map((o) => JSON.stringify(o)),
    );
    const lone = scan(JSON.stringify(objects[0]), 4);
    expect(lone).toHaveLength(1);
    expect(JSON.parse(lone[0]?.text ?? '')).toEqual(objects[0]);
  });

  it('reports elements that are not objects, and keeps counting', () => {
    const found = scan('{"type":"bundle","objects":[ 12, "x,]", [1,[2]], {"a":1} , null]}', 3);
    expect(found.map((e) => [e.index, e.kind])).toEqual([
      [0, 'other'],
      [1, 'other'],
      [2, 'other'],
      [3, 'object'],
      [4, 'other'],
    ]);
    expect(found[3]?.text).toBe('{"a":1}');
  });

  it('resumes at the byte after a stored object', () => {
    const whole = scan(bundle, 1000);
    const first = whole[0];
    if (!first) throw new Error('no element');
    const scanner = new BundleScanner({ offset: first.end, index: 1, depth: 3 });
    const rest = scan(Buffer.from(bundle).subarray(first.end), 2, scanner);
    expect(rest.map((e) => e.index)).toEqual([1, 2]);
    expect(rest.map((e) => JSON.parse(e.text ?? '') as unknown)).toEqual(objects.slice(1));
    expect(rest[0]?.start).toBe(whole[1]?.start);
  });

  it('refuses what is not JSON of the right shape, saying where', () => {
    expect(() => scan('hello', 10)).toThrow(BundleFormatError);
    expect(() => scan('', 10)).toThrow(/empty/);
    expect(() => scan(bundle.slice(0, 200), 10)).toThrow(/ends early/);
    expect(() => scan('{"type":"bundle","objects":{"a":1}}', 10)).toThrow(/must be an array/);
  });
});
