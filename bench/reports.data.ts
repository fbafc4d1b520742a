/**
 * Synthetic reports for bench/reports (deterministic: a seeded generator). A collection is made
 * of stories: events with an actor, a target, people, a month, a quantity and indicators
 * (domains, addresses, hashes, a CVE), each told by 1 to 6 reports in English or Chinese that
 * mention a random part of the facts, in their own words, around boilerplate. About 40% of the
 * stories are told once (unrelated reports). The gazetteer's entities are drawn with a Zipf
 * law, so a few of them (the popular ones: the FBI, APT28, China's foreign ministry…) appear in
 * a large share of the reports whatever their story, as they do in the news; people and
 * companies are mostly invented (found by the NLP library), so they are rarer.
 */
import { GAZETTEER } from '../src/core/reports/index.js';
import { loadCorpus } from '../test/corpus/reports/corpus.js';

export interface SyntheticReport {
  id: string;
  story: string;
  text: string;
}

export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYL =
  'ka lo mi ne ru sa ti vo ber dan fel gor han jul kes lam mor nis pol rad sen tor val wen zar'.split(
    ' ',
  );
const FIRST =
  'Alan Maria Peter Susan David Linda Robert Karen Thomas Nancy Daniel Laura Mark Helen Paul Emma Simon Grace Victor Ruth'.split(
    ' ',
  );
const LAST =
  'Pemberton Caldwell Hargrove Whitfield Ashdown Brennan Fairbank Holloway Kingsley Lockhart Marlowe Northcott Prescott Radcliffe Sinclair Thornton Underhill Waverly Yardley Ellsworth'.split(
    ' ',
  );
const MONTH =
  'January February March April May June July August September October November December'.split(
    ' ',
  );
const TLDS = ['com', 'net', 'org', 'top', 'xyz', 'info', 'io'];

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
/** Zipf (s = 1) over xs: the first is drawn most. */
function zipf<T>(r: Rand, xs: readonly T[]): T {
  const h = xs.reduce((s, _, i) => s + 1 / (i + 1), 0);
  let u = r() * h;
  for (let i = 0; i < xs.length; i++) {
    u -= 1 / (i + 1);
    if (u <= 0) return xs[i]!;
  }
  return xs[xs.length - 1]!;
}
const word = (r: Rand, n = 2 + Math.floor(r() * 2)) =>
  Array.from({ length: n }, () => pick(r, SYL)).join('');
const hex = (r: Rand, n: number) =>
  Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');

/**
 * Background vocabulary shared by every report (Zipf-drawn): English pseudo-words, and the real
 * Chinese words of the corpus's Chinese texts (random ideographs would not segment into words).
 */
function vocabulary(r: Rand): { en: string[]; zh: string[] } {
  const seg = new Intl.Segmenter('zh', { granularity: 'word' });
  const zh = new Set<string>();
  for (const c of loadCorpus())
    for (const w of seg.segment(c.text))
      if (w.isWordLike && /^[\u3400-\u9fff]{2,}$/.test(w.segment)) zh.add(w.segment);
  return {
    en: Array.from({ length: 3000 }, () => word(r)),
    zh: [...zh].sort(() => r() - 0.5),
  };
}

interface Event {
  actor: (typeof GAZETTEER)[number];
  target: (typeof GAZETTEER)[number] | string;
  people: string[];
  officials: (typeof GAZETTEER)[number][];
  year: number;
  month: number;
  quantity: number;
  indicators: string[];
  topic: string[];
  topicZh: string[];
}

const ACTORS = GAZETTEER.filter((g) => g.actor || g.kind === 'country');
const ORGS = GAZETTEER.filter((g) => g.kind === 'organisation' && !g.actor && !g.press);
const PEOPLE = GAZETTEER.filter((g) => g.kind === 'person');
const PRESS = GAZETTEER.filter((g) => g.press);

function event(r: Rand, zhVocab: readonly string[]): Event {
  const nInd = Math.floor(r() * 5);
  const indicators = Array.from({ length: nInd }, () => {
    const k = r();
    if (k < 0.4) return `${word(r)}-${word(r)}[.]${pick(r, TLDS)}`;
    if (k < 0.7)
      return `${45 + Math.floor(r() * 150)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}[.]${1 + Math.floor(r() * 250)}`;
    if (k < 0.9) return hex(r, 64);
    return `CVE-${2014 + Math.floor(r() * 11)}-${1000 + Math.floor(r() * 40000)}`;
  });
  const company = `${word(r).replace(/^./, (c) => c.toUpperCase())} Systems`;
  return {
    actor: zipf(r, ACTORS),
    target: r() < 0.6 ? zipf(r, ORGS) : company,
    people: Array.from(
      { length: 1 + Math.floor(r() * 2) },
      () => `${pick(r, FIRST)} ${pick(r, LAST)}`,
    ),
    officials: r() < 0.5 ? [zipf(r, PEOPLE)] : [],
    year: 2014 + Math.floor(r() * 12),
    month: Math.floor(r() * 12),
    quantity: 1 + Math.floor(r() * 90),
    indicators,
    topic: Array.from({ length: 10 }, () => word(r, 3)),
    topicZh: Array.from({ length: 10 }, () => pick(r, zhVocab)),
  };
}

const nameEn = (g: (typeof GAZETTEER)[number] | string) => (typeof g === 'string' ? g : g.en[0]!);
const nameZh = (g: (typeof GAZETTEER)[number] | string) => (typeof g === 'string' ? g : g.zh[0]!);

function filler(r: Rand, vocab: readonly string[], n: number, sep: string, end: string): string {
  return Array.from({ length: n }, () => zipf(r, vocab)).join(sep) + end;
}

function renderEn(r: Rand, e: Event, vocab: string[]): string {
  const some = <T>(xs: readonly T[]) => xs.filter(() => r() < 0.7);
  const s: string[] = [];
  const day = 1 + Math.floor(r() * 28);
  s.push(
    `${nameEn(zipf(r, PRESS))} reported on ${day} ${MONTH[e.month]} ${e.year} that ${nameEn(e.target)} was breached.`,
  );
  s.push(
    `Officials blamed ${nameEn(e.actor)} for the intrusion, which exposed ${e.quantity} million records.`,
  );
  for (const p of some(e.people))
    s.push(`${p} said the ${some(e.topic).slice(0, 4).join(' ')} investigation continues.`);
  for (const o of some(e.officials)) s.push(`${nameEn(o)} commented on the case.`);
  const ind = some(e.indicators);
  if (ind.length > 0) s.push(`Indicators include ${ind.join(', ')}.`);
  for (let i = 0; i < 3 + Math.floor(r() * 5); i++)
    s.push(filler(r, [...vocab, ...e.topic, ...e.topic], 8 + Math.floor(r() * 10), ' ', '.'));
  return s.sort(() => r() - 0.5).join(' ');
}

function renderZh(r: Rand, e: Event, vocab: string[]): string {
  const some = <T>(xs: readonly T[]) => xs.filter(() => r() < 0.7);
  const s: string[] = [];
  s.push(
    `据${nameZh(zipf(r, PRESS))}${e.year}年${e.month + 1}月报道，${nameZh(e.target)}遭到网络攻击。`,
  );
  s.push(`官员指责${nameZh(e.actor)}，约${e.quantity * 100}万条记录泄露。`);
  for (const o of some(e.officials)) s.push(`${nameZh(o)}对此发表评论。`);
  const ind = some(e.indicators);
  if (ind.length > 0) s.push(`相关指标包括${ind.join('、')}。`);
  for (let i = 0; i < 3 + Math.floor(r() * 4); i++)
    s.push(filler(r, [...vocab, ...e.topicZh], 6 + Math.floor(r() * 8), '', '。'));
  return s.sort(() => r() - 0.5).join('');
}

/** `count` reports (ids r00001…, zero-padded so string order is numeric order), in a shuffled order. */
export function syntheticReports(count: number, seed = 19): SyntheticReport[] {
  const r = rng(seed);
  const vocab = vocabulary(r);
  const out: SyntheticReport[] = [];
  let storyNo = 0;
  while (out.length < count) {
    const e = event(r, vocab.zh);
    const story = `s${++storyNo}`;
    const size = r() < 0.4 ? 1 : 2 + Math.floor(r() * 5);
    for (let i = 0; i < size && out.length < count; i++) {
      const zh = r() < 0.3;
      out.push({ id: '', story, text: zh ? renderZh(r, e, vocab.zh) : renderEn(r, e, vocab.en) });
    }
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out.map((x, i) => ({ ...x, id: `r${String(i + 1).padStart(6, '0')}` }));
}
