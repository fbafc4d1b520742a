/**
 * Attribution claims, first cut: in each sentence, who (source) says that an actor did
 * something to a target, and with what stance (asserts, denies, declines to comment). Read
 * from reporting verbs and sentence patterns in English and Chinese. Precision over recall: a
 * sentence yields a claim only when it has a cue, a source, words about a cyber event or an
 * accusation, and an actor, a target, or a denial or refusal to comment.
 */
import { GAZETTEER_BY_ID } from './gazetteer.js';
import type { Claim, ClaimParty, Entity, Span, Stance } from './types.js';

interface Cue {
  stance: Stance;
  /** Higher wins when a sentence has several cues. */
  rank: number;
  re: RegExp;
  /** The source follows the cue ("according to X", "据X报道") instead of preceding it. */
  sourceAfter?: boolean;
}

const CUES: Cue[] = [
  {
    stance: 'declines_to_comment',
    rank: 5,
    re: /\b(?:declined|refused|declining|refusing) to (?:comment|confirm|discuss)\b|\bwould not comment\b|\bdid not (?:immediately )?(?:respond|reply) to (?:a |the )?requests? for comment\b|\bno comment\b/i,
  },
  {
    stance: 'declines_to_comment',
    rank: 5,
    re: /拒绝(?:置评|评论|回应)|不予置评|未予置评|不予评论|未(?:作|做)?(?:出)?回应|没有(?:作出)?回应|不便置评/,
  },
  {
    stance: 'denies',
    rank: 4,
    re: /\b(?:denied|denies|deny|denying|rejected|rejects|rejecting|dismissed|dismisses|refuted|refutes)\b/i,
  },
  {
    stance: 'denies',
    rank: 4,
    re: /否认|驳斥|予以否认|毫无根据|没有根据|子虚乌有|无端指责|纯属捏造/,
  },
  {
    stance: 'asserts',
    rank: 3,
    re: /\b(?:blamed|blames|blaming|accused|accuses|accusing|attributed|attributes|pinned)\b/i,
  },
  { stance: 'asserts', rank: 3, re: /指责|指控|归咎|归因于/ },
  { stance: 'asserts', rank: 2, re: /\baccording to\b|\bciting\b/i, sourceAfter: true },
  {
    stance: 'asserts',
    rank: 2,
    re: /(?<=^|[，；、\s])据(?=[^，。]{1,30}?(?:报道|称|消息|透露|说))/,
    sourceAfter: true,
  },
  {
    stance: 'asserts',
    rank: 1,
    re: /\b(?:said|says|say|stated|states|told|claimed|claims|believes?|believed|concluded|alleged|alleges|confirmed|confirms|announced|reported|reports|wrote)\b/i,
  },
  { stance: 'asserts', rank: 1, re: /称|表示|指出|认为|宣称|声称|透露|证实|宣布|怀疑|报道/ },
];

const EVENT =
  /\b(?:hack(?:ed|ing|s|ers?)?|breach(?:es|ed)?|attack(?:s|ed|ers)?|intrusions?|cyber[-\s]?(?:attacks?|espionage|theft|intrusions?|spies)|espionage|stole|stolen|theft|compromised|infiltrat\w*|state[-\s]sponsored|accusations?|allegations?|involvement|responsib\w+|behind|criminal case)\b|黑客|攻击|入侵|泄露|窃取|网络间谍|指控|指责|刑事案件|幕后|责任|涉嫌|窃密/i;

const GENERIC =
  /\b(?:(?:U\.S\.|US|American|Australian|Chinese|British|Russian|government|security|intelligence|senior|unnamed|anonymous|federal|cybersecurity|law enforcement|defence|defense)\s+)*(?:officials?|sources?|investigators?|experts?|researchers?|analysts?|spokes(?:man|woman|person)|authorities|agencies|prosecutors|(?:security |cybersecurity )?firm)\b|(?:美国|中国|澳大利亚|澳|美|中)?(?:政府)?(?:官员|消息人士|调查人员|专家|研究人员|发言人|当局|检察官)/gi;
const ADJ_COUNTRY: Array<[RegExp, string]> = [
  [/(?<![A-Za-z])(?:U\.S\.|US|American)(?![A-Za-z])|^美国?/i, 'country:us'],
  [/\bAustralian\b|^澳大利亚|^澳/i, 'country:au'],
  [/\bChinese\b|^中国?/i, 'country:cn'],
  [/\bBritish\b/i, 'country:gb'],
  [/\bRussian\b/i, 'country:ru'],
];

interface Party extends Span {
  id: string | null;
  text: string;
  kind: 'entity' | 'generic';
}

const ACTOR_BEFORE =
  /(?:\bblam(?:ed|es|ing)|\baccus(?:ed|es|ing)|\battribut(?:ed|es|ing)\b.{0,60}?\bto|\blinked to|\bbacked by|\bworking for|\bsponsored by|\btied to|\bon behalf of|\bpinned\b.{0,40}?\bon|指责|指控|归咎于|怀疑|认为是|是)\s*(?:the\s+)?$/i;
const ACTOR_AFTER =
  /^(?:['’]s)?\s*(?:government\s+|state\s+|military\s+)?(?:(?:was|were|is|are|had been|has been)\s+(?:likely\s+|probably\s+|almost certainly\s+)?(?:behind|responsible)|(?:-backed|-sponsored|-linked|\s+state-sponsored|\s+state-backed)?\s*(?:hackers|hacking groups?|cyber ?spies|spies|attackers|intelligence services?))|^(?:政府)?(?:支持的|资助的)?(?:黑客|网络间谍|所为|是幕后|策划|发起|实施)/i;
const TARGET_BEFORE =
  /(?:\battacks? on|\bhack(?:s|ing)? (?:of|into|on)|\bbreach(?:es)? (?:of|at)|\bintrusions? (?:into|at)|\bbreached|\bhacked|\btargeted|\btargeting|\bagainst|\bcompromise of|\bpenetrated|\binfiltrated|\b(?:computer\s+)?(?:systems|networks?|computers) of|对|入侵了?|攻击了?)\s*(?:the\s+)?(?:U\.S\.\s+|US\s+)?$/i;
const TARGET_AFTER =
  /^(?:['’]s)?\s*(?:data\s+|computer\s+|network\s+)?(?:breach|hack|hacking|intrusion|networks?|systems?|computers?|servers?|records|data|databases?)\b|^\s+(?:was|were|had been|has been|is being)\s+(?:hacked|breached|attacked|compromised|penetrated|targeted)|^(?:的)?(?:数据|系统|网络|计算机|电脑|服务器)?(?:遭|被|遭到|受到|泄露|入侵)/i;

const SEGMENTERS = {
  en: new Intl.Segmenter('en', { granularity: 'sentence' }),
  zh: new Intl.Segmenter('zh', { granularity: 'sentence' }),
};

/**
 * Sentences, line by line: a title or a line without final punctuation is a sentence of its
 * own, and segmenting short lines keeps the cost linear (the segmenter slows down badly on one
 * long string).
 */
function sentences(text: string): Span[] {
  const out: Span[] = [];
  const lines = /[^\n]+/g;
  for (let m = lines.exec(text); m; m = lines.exec(text)) {
    const seg = SEGMENTERS[/[\u3400-\u9fff]/.test(m[0]) ? 'zh' : 'en'];
    for (const s of seg.segment(m[0])) {
      if (s.segment.trim())
        out.push({ start: m.index + s.index, end: m.index + s.index + s.segment.length });
    }
  }
  return out;
}

function genericParties(text: string, s: Span, entities: Entity[]): Party[] {
  const out: Party[] = [];
  const body = text.slice(s.start, s.end);
  GENERIC.lastIndex = 0;
  for (let m = GENERIC.exec(body); m; m = GENERIC.exec(body)) {
    const start = s.start + m.index;
    const end = start + m[0].length;
    let id = ADJ_COUNTRY.find(([re]) => re.test(m[0]))?.[1] ?? null;
    // "a spokesman for the Bureau of Meteorology", "officials in Washington": the entity named next.
    const rest = text.slice(end, s.end);
    const of = /^\s*(?:for|of|at|from|in)\s+(?:the\s+)?/i.exec(rest);
    if (of) {
      const next = entities.find(
        (e) => e.start === end + of[0].length && e.kind !== 'date' && e.kind !== 'quantity',
      );
      if (next) id = next.id;
    }
    out.push({ id, text: m[0], start, end, kind: 'generic' });
  }
  return out;
}

function partiesOf(text: string, s: Span, entities: Entity[]): Party[] {
  const ents: Party[] = entities
    .filter(
      (e) =>
        e.start >= s.start &&
        e.end <= s.end &&
        (e.kind === 'country' || e.kind === 'organisation' || e.kind === 'person'),
    )
    .map((e) => ({ id: e.id, text: e.text, start: e.start, end: e.end, kind: 'entity' }));
  const all = [...genericParties(text, s, entities), ...ents].sort(
    (a, b) => a.start - b.start || b.end - a.end,
  );
  const out: Party[] = [];
  for (const p of all) {
    const last = out[out.length - 1];
    if (last && p.start < last.end) continue; // overlapped by a longer one
    out.push(p);
  }
  return out;
}

const party = (p: Party | undefined | null): ClaimParty | null =>
  p ? { id: p.id, text: p.text } : null;
const countryOf = (id: string | null) =>
  id?.startsWith('country:') ? id : id ? (GAZETTEER_BY_ID.get(id)?.country ?? null) : null;

/** "China blamed for …": a passive cue takes its source only from "by X". */
function byParty(text: string, cueEnd: number, parties: Party[]): Party | undefined {
  return parties.find(
    (p) => p.start >= cueEnd && /\bby\s+(?:the\s+)?$/i.test(text.slice(cueEnd, p.start)),
  );
}

/** "Guccifer 2.0 claims DNC hack", "X said that he alone had hacked …": the source owns the act. */
const CLAIMS_OWN_ACT =
  /^\s*(?:responsibility for\s+)?(?:the\s+)?(?:\S+\s+)?(?:hack|breach|attack)\b/i;
const SAYS_OWN_ACT =
  /^\s*(?:(?:on|in)\s+[^;]{1,30}?\s+)?that\s+(?:he|she|they|we)\b(?:\s+\w+){0,2}\s+(?:hacked|breached|attacked|stole|penetrated)\b/i;

function findCue(sentence: string): { cue: Cue; index: number; text: string } | null {
  let best: { cue: Cue; index: number; text: string } | null = null;
  for (const cue of CUES) {
    const m = cue.re.exec(sentence);
    if (m && (!best || cue.rank > best.cue.rank)) best = { cue, index: m.index, text: m[0] };
  }
  return best;
}

/** Words that may stand between the parts of one speaker: "China's state news agency Xinhua", "中国外交部发言人洪磊". */
const CHAIN_GAP =
  /^(?:['’]s)?\s*(?:(?:state|news|agency|foreign|ministry|spokes(?:man|woman|person)|official|director|chief|head|minister|secretary|press|the)\s+)*$|^(?:发言人|部长|局长|主任|官员|负责人)?$/i;

/**
 * The speaker is the party just before the cue, together with the parties written next to it
 * as one name ("China's state news agency Xinhua"); of those, an organisation, a person or a
 * group of officials is preferred to a bare country.
 */
function pickSource(
  text: string,
  cueEnd: number,
  cueAt: number,
  cue: Cue,
  parties: Party[],
): Party | undefined {
  if (cue.sourceAfter) return parties.find((p) => p.start >= cueEnd);
  const before = parties.filter((p) => p.end <= cueAt);
  const chain: Party[] = [];
  for (let k = before.length - 1; k >= 0; k--) {
    const p = before[k]!;
    const next = chain[0];
    const gap = text.slice(p.end, next?.start ?? 0);
    // Two Chinese names side by side with only a space between are two phrases (a headline).
    if (
      next &&
      (!CHAIN_GAP.test(gap) || (gap.trim() === '' && gap !== '' && /[\u3400-\u9fff]/.test(p.text)))
    )
      break;
    chain.unshift(p);
  }
  return chain.find((p) => !p.id?.startsWith('country:')) ?? chain[0];
}

function claimOf(text: string, s: Span, entities: Entity[]): Claim | null {
  const sentence = text.slice(s.start, s.end);
  const found = findCue(sentence);
  // A denial or a refusal to comment may lean on the sentence before for its subject.
  const context =
    found && found.cue.stance !== 'asserts'
      ? text.slice(Math.max(0, s.start - 300), s.end)
      : sentence;
  if (!found || !EVENT.test(context)) return null;
  const { cue } = found;
  const cueAt = s.start + found.index;
  const cueEnd = cueAt + found.text.length;
  const parties = partiesOf(text, s, entities);
  const passive =
    /^\s+(?:for|of|over)\b/i.test(text.slice(cueEnd, s.end)) ||
    /被$/.test(text.slice(s.start, cueAt));
  const source = passive
    ? byParty(text, cueEnd, parties)
    : pickSource(text, cueEnd, cueAt, cue, parties);
  if (!source) return null;
  const others = parties.filter((p) => p !== source && p.kind === 'entity');
  const actor = others.find(
    (p) =>
      ACTOR_BEFORE.test(text.slice(Math.max(s.start, p.start - 80), p.start)) ||
      ACTOR_AFTER.test(text.slice(p.end, s.end)),
  );
  const target = others.find(
    (p) =>
      p !== actor &&
      (TARGET_BEFORE.test(text.slice(Math.max(s.start, p.start - 40), p.start)) ||
        TARGET_AFTER.test(text.slice(p.end, s.end))),
  );
  let actorParty = party(actor);
  const afterCue = text.slice(cueEnd, s.end);
  const ownAct =
    (/^claim/i.test(found.text) && CLAIMS_OWN_ACT.test(afterCue)) || SAYS_OWN_ACT.test(afterCue);
  if (!actorParty && cue.stance === 'asserts' && ownAct) actorParty = party(source);
  if (!actorParty && cue.stance === 'denies') {
    const country = countryOf(source.id);
    if (country) actorParty = { id: country, text: source.text };
  }
  if (!actorParty && !target && cue.stance === 'asserts') return null;
  // A relaying outlet: "The ABC reported that officials blamed …", "据澳广报道，官员指责…".
  const via = parties.find(
    (p) =>
      p !== source &&
      p.end <= cueAt &&
      p.start < source.start &&
      /\b(?:reported|said|says|reports)\s+(?:on\s+\w+\s+)?that\b|报道|^据/.test(
        text.slice(p.end, source.start) || text.slice(s.start, p.start),
      ),
  );
  return {
    start: s.start,
    end: s.end,
    source: party(source)!,
    via: party(via),
    actor: actorParty,
    target: party(target),
    stance: cue.stance,
    statement: sentence.trim(),
    cue: found.text,
  };
}

/** Attribution claims of a text, one at most per sentence, given the text's entities. */
export function extractClaims(text: string, entities: Entity[]): Claim[] {
  const out: Claim[] = [];
  // The segmenter may break after an abbreviation inside a name ("The U.S. | Department of
  // Justice"): sentences that an entity straddles are joined again.
  const merged: Span[] = [];
  for (const s of sentences(text)) {
    const last = merged[merged.length - 1];
    if (last && entities.some((e) => e.start < last.end && e.end > last.end)) last.end = s.end;
    else merged.push({ ...s });
  }
  for (const s of merged) {
    const c = claimOf(text, s, entities);
    if (c) out.push(c);
  }
  return out;
}
