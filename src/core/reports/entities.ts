/**
 * Entities in a report: countries, organisations and agencies, people (bilingual gazetteer,
 * then the compromise NLP library for English names the gazetteer does not know), dates and
 * quantities (patterns of this module, English and Chinese, normalised so "20 million records"
 * and "2000万条记录" carry the same id).
 */
import nlp from 'compromise';
import { matchGazetteer } from './gazetteer.js';
import type { Entity, Span } from './types.js';

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH_RE =
  '(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?';
const pad = (n: number) => String(n).padStart(2, '0');
const monthOf = (name: string) =>
  MONTHS.findIndex((m) => m.startsWith(name.toLowerCase().slice(0, 3))) + 1;

interface DatePattern {
  re: RegExp;
  iso: (m: RegExpExecArray) => string | null;
}

const validDay = (y: number, mo: number, d: number) =>
  mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && y >= 1900 && y <= 2100;

const DATE_PATTERNS: DatePattern[] = [
  {
    re: /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/g,
    iso: (m) => (validDay(+m[1]!, +m[2]!, +m[3]!) ? `${m[1]}-${m[2]}-${m[3]}` : null),
  },
  {
    re: new RegExp(`\\b${MONTH_RE}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, 'g'),
    iso: (m) =>
      validDay(+m[3]!, monthOf(m[1]!), +m[2]!)
        ? `${m[3]}-${pad(monthOf(m[1]!))}-${pad(+m[2]!)}`
        : null,
  },
  {
    re: new RegExp(`\\b(\\d{1,2})\\s+${MONTH_RE}\\s+(\\d{4})\\b`, 'g'),
    iso: (m) =>
      validDay(+m[3]!, monthOf(m[2]!), +m[1]!)
        ? `${m[3]}-${pad(monthOf(m[2]!))}-${pad(+m[1]!)}`
        : null,
  },
  {
    re: new RegExp(`\\b${MONTH_RE}\\s+(?:of\\s+)?(\\d{4})\\b`, 'g'),
    iso: (m) => `${m[2]}-${pad(monthOf(m[1]!))}`,
  },
  {
    re: /(?<!\d)(\d{4})年(\d{1,2})月(?:(\d{1,2})[日号])?/g,
    iso: (m) => (m[3] ? `${m[1]}-${pad(+m[2]!)}-${pad(+m[3])}` : `${m[1]}-${pad(+m[2]!)}`),
  },
  { re: /(?<!\d)((?:19|20)\d{2})年(?!\d)/g, iso: (m) => m[1]! },
  {
    re: /\b(?:in|since|during|of|early|late|mid-)\s*((?:19|20)\d{2})\b(?![-./]\d)/g,
    iso: (m) => m[1]!,
  },
];

const UNIT_EN: Record<string, string> = {
  record: 'records',
  records: 'records',
  people: 'people',
  persons: 'people',
  individuals: 'people',
  employees: 'people',
  americans: 'people',
  workers: 'people',
  victims: 'people',
  fingerprints: 'fingerprints',
  fingerprint: 'fingerprints',
  accounts: 'accounts',
  users: 'accounts',
  computers: 'machines',
  servers: 'machines',
  machines: 'machines',
  devices: 'machines',
  hosts: 'machines',
  files: 'files',
  documents: 'files',
  emails: 'emails',
  'e-mails': 'emails',
  dollars: 'usd',
};
const UNIT_ZH: Record<string, string> = {
  记录: 'records',
  人: 'people',
  名员工: 'people',
  员工: 'people',
  用户: 'accounts',
  指纹: 'fingerprints',
  账户: 'accounts',
  账号: 'accounts',
  美元: 'usd',
  计算机: 'machines',
  电脑: 'machines',
  服务器: 'machines',
  文件: 'files',
  邮件: 'emails',
  封邮件: 'emails',
};
const SCALE: Record<string, number> = {
  thousand: 1e3,
  k: 1e3,
  million: 1e6,
  m: 1e6,
  mn: 1e6,
  billion: 1e9,
  bn: 1e9,
  千: 1e3,
  万: 1e4,
  亿: 1e8,
};

const QTY_EN = new RegExp(
  `(\\$\\s?)?(?<![\\d.,])(\\d{1,3}(?:,\\d{3})+|\\d+(?:\\.\\d+)?)(?:\\s*(million|billion|thousand|mn|bn|m|k)\\b)?(?:\\s+(?:[a-z-]+\\s+){0,4}?(${Object.keys(UNIT_EN).join('|')})\\b)?`,
  'gi',
);
const QTY_ZH = new RegExp(
  `(?<![\\d.])(\\d+(?:\\.\\d+)?)(千|万|亿)?多?(?:条|名|份|个|台|枚|封|位)?(${Object.keys(UNIT_ZH)
    .sort((a, b) => b.length - a.length)
    .join('|')})`,
  'g',
);

const round = (n: number) => Math.round(n * 1000) / 1000;

function quantities(text: string): Entity[] {
  const out: Entity[] = [];
  for (let m = QTY_EN.exec(text); m; m = QTY_EN.exec(text)) {
    const dollars = Boolean(m[1]);
    const unitWord = m[4]?.toLowerCase();
    const unit = dollars ? 'usd' : unitWord ? UNIT_EN[unitWord] : undefined;
    if (!unit || (!dollars && !m[3] && /^\d{4}$/.test(m[2]!) && !unitWord)) continue;
    const value = round(
      Number(m[2]!.replace(/,/g, '')) * (m[3] ? (SCALE[m[3].toLowerCase()] ?? 1) : 1),
    );
    out.push({
      kind: 'quantity',
      id: `${value} ${unit}`,
      text: m[0],
      start: m.index,
      end: m.index + m[0].length,
      via: 'pattern',
      value,
      unit,
    });
  }
  QTY_EN.lastIndex = 0;
  for (let m = QTY_ZH.exec(text); m; m = QTY_ZH.exec(text)) {
    const unit = UNIT_ZH[m[3]!]!;
    const value = round(Number(m[1]) * (m[2] ? SCALE[m[2]]! : 1));
    out.push({
      kind: 'quantity',
      id: `${value} ${unit}`,
      text: m[0],
      start: m.index,
      end: m.index + m[0].length,
      via: 'pattern',
      value,
      unit,
    });
  }
  QTY_ZH.lastIndex = 0;
  return out;
}

function dates(text: string): Entity[] {
  const out: Entity[] = [];
  const taken: Span[] = [];
  for (const p of DATE_PATTERNS) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
      const start = m.index + (m[0].length - m[0].trimStart().length);
      const end = m.index + m[0].length;
      const iso = p.iso(m);
      if (!iso || taken.some((t) => start < t.end && end > t.start)) continue;
      taken.push({ start, end });
      out.push({
        kind: 'date',
        id: iso,
        value: iso,
        text: text.slice(start, end),
        start,
        end,
        via: 'pattern',
      });
    }
  }
  return out;
}

const TITLES =
  /^(?:(?:U\.S\.|US|Chinese|Australian|Prime|Foreign|Attorney|Vice|Deputy|Acting|Former|Director|General|President|Minister|Secretary|Spokesman|Spokeswoman|Spokesperson|Senator|Sen\.|Rep\.|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Chief|Commissioner|Ambassador|Premier|Chairman)\s+)+/;

/**
 * compromise over chunks of whole lines of about 4,000 characters: one long document costs
 * more than its parts, and one call per short line costs more in overhead.
 */
function nlpEntities(text: string, taken: Span[]): Entity[] {
  const out: Entity[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start + 4000);
    end = end < 0 ? text.length : end + 1;
    const chunk = text.slice(start, end);
    if (/[A-Za-z]{3}/.test(chunk)) out.push(...nlpParagraph(text, start, chunk, taken));
    start = end;
  }
  return out;
}

function nlpParagraph(text: string, offset: number, paragraph: string, taken: Span[]): Entity[] {
  const doc = nlp(paragraph);
  const out: Entity[] = [];
  const add = (
    kind: 'person' | 'organisation',
    items: Array<{ text: string; offset: { start: number; length: number } }>,
  ) => {
    for (const item of items) {
      const at = offset + item.offset.start;
      const raw = text.slice(at, at + item.offset.length);
      const stripped = raw
        .replace(TITLES, '')
        .replace(/['’]s$/, '')
        .replace(/[.,;:]+$/, '');
      const start = at + raw.indexOf(stripped);
      const end = start + stripped.length;
      if (stripped.length < 3 || taken.some((t) => start < t.end && end > t.start)) continue;
      if (kind === 'person' && !/^[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+$/.test(stripped)) continue;
      if (kind === 'organisation' && !/^(?:[A-Z][A-Za-z&.-]*\s?){2,}$/.test(stripped)) continue;
      const slug = stripped.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      out.push({
        kind,
        id: `${kind === 'person' ? 'person' : 'org'}:${slug}`,
        text: stripped,
        start,
        end,
        via: 'nlp',
      });
      taken.push({ start, end });
    }
  };
  add('person', doc.people().json({ offset: true }) as never);
  add('organisation', doc.organizations().json({ offset: true }) as never);
  return out;
}

/** All entities of a text, in order of their start. */
export function extractEntities(text: string): Entity[] {
  const out: Entity[] = [];
  const gaz = matchGazetteer(text);
  for (const g of gaz) {
    const kind =
      g.entry.kind === 'country'
        ? 'country'
        : g.entry.kind === 'person'
          ? 'person'
          : 'organisation';
    out.push({ kind, id: g.entry.id, text: g.text, start: g.start, end: g.end, via: 'gazetteer' });
  }
  const taken: Span[] = gaz.map((g) => ({ start: g.start, end: g.end }));
  const d = dates(text);
  taken.push(...d);
  const q = quantities(text).filter((e) => !d.some((t) => e.start < t.end && e.end > t.start));
  taken.push(...q);
  out.push(...nlpEntities(text, taken));
  out.push(...d, ...q);
  return out.sort((a, b) => a.start - b.start || b.end - a.end);
}
