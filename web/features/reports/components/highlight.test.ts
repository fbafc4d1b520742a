import { describe, expect, it } from 'vitest';
import { cutText, topMark, type Mark } from './highlight';

const mark = (kind: Mark['kind'], start: number, end: number, index = 0): Mark => ({
  kind,
  index,
  start,
  end,
  sub: kind,
  state: 'pending',
});

describe('cutText', () => {
  it('keeps the whole text, cut at every span, each piece with what covers it', () => {
    const text = 'Xinhua said evil[.]com was used.';
    const claim = mark('claim', 0, text.length);
    const indicator = mark('indicator', 12, 22);
    const pieces = cutText(text, [indicator, claim]);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    expect(pieces.map((p) => p.text)).toEqual(['Xinhua said ', 'evil[.]com', ' was used.']);
    expect(pieces[1]!.marks).toEqual([claim, indicator]);
    expect(topMark(pieces[1]!.marks)).toBe(indicator);
    expect(topMark(pieces[0]!.marks)).toBe(claim);
  });

  it('leaves out spans outside the text or empty, and text with markup stays text', () => {
    const text = '<b>hi</b>';
    const pieces = cutText(text, [mark('entity', 5, 50), mark('entity', 2, 2)]);
    expect(pieces).toEqual([{ text, start: 0, marks: [] }]);
  });

  it('an empty text has no piece', () => {
    expect(cutText('', [])).toEqual([]);
  });
});

describe('cutText on a long report', () => {
  it('covers each piece with exactly the marks around it', () => {
    const text = 'word '.repeat(2000);
    const marks: Mark[] = [];
    for (let i = 0; i < 2000; i += 1) marks.push(mark('entity', i * 5, i * 5 + 4, i));
    marks.push(mark('claim', 0, 50, 0));
    const pieces = cutText(text, marks);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    expect(pieces[0]!.marks.map((m) => m.kind)).toEqual(['claim', 'entity']);
    expect(pieces.at(-2)!.marks.map((m) => m.index)).toEqual([1999]);
    expect(pieces.at(-1)!.marks).toEqual([]);
  });
});
