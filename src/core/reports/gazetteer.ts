/** Matching the bilingual gazetteer (gazetteer.data.ts) in text, longest alias first. */
import { GAZETTEER, type GazetteerEntry } from './gazetteer.data.js';
import type { Span } from './types.js';

export interface GazetteerMatch extends Span {
  entry: GazetteerEntry;
  text: string;
}

interface Alias {
  alias: string;
  entry: GazetteerEntry;
  re: RegExp;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isCjk = (s: string) => /[\u3400-\u9fff]/.test(s);

function aliasRegex(alias: string): RegExp {
  if (isCjk(alias)) return new RegExp(escape(alias), 'g');
  const caseSensitive = alias === alias.toUpperCase() || /^[A-Z][a-z]?[A-Z]/.test(alias);
  // Whole words: no ASCII letter or digit on either side (CJK neighbours are fine).
  const body = escape(alias).replace(/'/g, "['’]");
  return new RegExp(
    `(?<![A-Za-z0-9])${body}(?![A-Za-z0-9]|\\.[A-Za-z0-9])`,
    caseSensitive ? 'g' : 'gi',
  );
}

const ALIASES: Alias[] = GAZETTEER.flatMap((entry) =>
  [...entry.en, ...entry.zh].map((alias) => ({ alias, entry, re: aliasRegex(alias) })),
).sort((a, b) => b.alias.length - a.alias.length);

export const GAZETTEER_BY_ID: ReadonlyMap<string, GazetteerEntry> = new Map(
  GAZETTEER.map((e) => [e.id, e]),
);

/** Every non-overlapping gazetteer mention in text, in order; a longer alias beats a shorter one. */
export function matchGazetteer(text: string): GazetteerMatch[] {
  const taken: Array<[number, number]> = [];
  const out: GazetteerMatch[] = [];
  for (const a of ALIASES) {
    a.re.lastIndex = 0;
    for (let m = a.re.exec(text); m; m = a.re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      out.push({ entry: a.entry, start, end, text: m[0] });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
