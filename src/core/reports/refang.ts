/**
 * Refanging with an offset map: the extractors run on the refanged text, and every match is
 * mapped back to its span in the original input so the analyst sees what was written.
 */

export interface Refanged {
  text: string;
  /** For each index of text (and text.length), the original index where that char starts. */
  startOf: number[];
  /** For each index of text, the original index just after that char's source. */
  endOf: number[];
}

interface Rule {
  re: RegExp;
  to: (m: RegExpExecArray) => string;
}

const OPEN = '[\\[\\(\\{【（［｛〔]';
const CLOSE = '[\\]\\)\\}】）］｝〕]';
const ALNUM = '[A-Za-z0-9]';

// Order matters only for overlapping matches at the same start: the longest wins.
const RULES: Rule[] = [
  // hxxp, hXXps, h**p, fxp → http, https, ftp (only when a scheme separator follows)
  {
    re: /\b(?:h(?:xx|XX|\*\*|tt)p|H(?:XX|TT)P|hxtp|hxxxp)(s?)(?=\s*(?:\[:\]|\[:\/\/\]|\(:\)|:))/g,
    to: (m) => `http${m[1]!.toLowerCase()}`,
  },
  { re: /\bf[xX]p(?=\s*(?:\[:\]|\[:\/\/\]|:))/g, to: () => 'ftp' },
  { re: /\[:\/\/\]|\(:\/\/\)|\[:\]\/\/|\(:\)\/\//g, to: () => '://' },
  { re: /\[:\]|\(:\)/g, to: () => ':' },
  // [.] (.) {.} [dot] (dot) 【.】 [。] (．) with optional spaces inside and around
  {
    re: new RegExp(
      `(?<=${ALNUM}) ?${OPEN}\\s*(?:\\.|。|．|dot|DOT|Dot|点)\\s*${CLOSE} ?(?=${ALNUM})`,
      'g',
    ),
    to: () => '.',
  },
  // escaped dot: evil\.com
  { re: new RegExp(`(?<=${ALNUM})\\\\\\.(?=${ALNUM})`, 'g'), to: () => '.' },
  // full-width dot written bare between ASCII letters or digits: evil．com
  { re: new RegExp(`(?<=${ALNUM})[．｡](?=${ALNUM})`, 'g'), to: () => '.' },
  // [@] [at] {at} 【at】 with or without spaces; (at) only written tight: "meet me (at) noon" is prose
  {
    re: new RegExp(
      `(?<=${ALNUM}) ?[\\[\\{【［｛]\\s*(?:@|＠|at|AT|At)\\s*[\\]\\}】］｝] ?(?=${ALNUM})`,
      'g',
    ),
    to: () => '@',
  },
  { re: new RegExp(`(?<=${ALNUM})[\\(（](?:@|＠|at|AT)[\\)）](?=${ALNUM})`, 'g'), to: () => '@' },
  { re: new RegExp(`(?<=${ALNUM})＠(?=${ALNUM})`, 'g'), to: () => '@' },
];

interface Hit {
  start: number;
  end: number;
  to: string;
}

export function refang(input: string): Refanged {
  const hits: Hit[] = [];
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(input); m; m = rule.re.exec(input)) {
      if (m[0].length === 0) {
        rule.re.lastIndex++;
        continue;
      }
      hits.push({ start: m.index, end: m.index + m[0].length, to: rule.to(m) });
    }
  }
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  let text = '';
  const startOf: number[] = [];
  const endOf: number[] = [];
  let at = 0;
  for (const hit of hits) {
    if (hit.start < at) continue; // overlaps an earlier replacement
    for (let i = at; i < hit.start; i++) {
      text += input[i];
      startOf.push(i);
      endOf.push(i + 1);
    }
    for (const ch of hit.to) {
      text += ch;
      startOf.push(hit.start);
      endOf.push(hit.end);
    }
    at = hit.end;
  }
  for (let i = at; i < input.length; i++) {
    text += input[i];
    startOf.push(i);
    endOf.push(i + 1);
  }
  startOf.push(input.length);
  return { text, startOf, endOf };
}

/** Maps a span of the refanged text back to the original input. */
export function originalSpan(
  r: Refanged,
  start: number,
  end: number,
): { start: number; end: number } {
  return { start: r.startOf[start]!, end: end > start ? r.endOf[end - 1]! : r.startOf[start]! };
}
