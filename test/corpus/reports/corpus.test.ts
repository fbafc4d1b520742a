/**
 * The reports corpus (issue 19): 30+ texts in 9 stories, each with a hand-made expected file.
 * Prints per-type precision and recall of indicators, entity recall and the claim findings,
 * and asserts the targets: indicators ≥ 0.95 per type, every listed claim found, no claim on a
 * text without claims, every dropped value reported with its reason.
 */
import { describe, expect, it } from 'vitest';
import {
  analyseReport,
  DEFAULT_ALLOW_LIST,
  INDICATOR_TYPES,
  type Claim,
  type ReportExtraction,
} from '../../../src/core/reports/index.js';
import { loadCorpus, type CorpusReport, type ExpectedClaim } from './corpus.js';

interface Report extends CorpusReport {
  got: ReportExtraction;
}

const reports: Report[] = loadCorpus().map((r) => ({
  ...r,
  got: analyseReport(r.text, { allowList: DEFAULT_ALLOW_LIST }),
}));

const partyMatches = (want: string | null, got: { id: string | null; text: string } | null) =>
  want === null
    ? got === null
    : got !== null && (got.id === want || got.text.toLowerCase() === want.toLowerCase());

const claimMatches = (want: ExpectedClaim, got: Claim) =>
  want.stance === got.stance &&
  partyMatches(want.source, got.source) &&
  partyMatches(want.actor, got.actor) &&
  partyMatches(want.target, got.target);

const pct = (n: number) => (Number.isNaN(n) ? '  -  ' : n.toFixed(3));

describe('reports corpus', () => {
  it('has 30+ reports in 8+ stories, in English and Chinese', () => {
    const stories = new Set(reports.map((r) => r.expected.story));
    console.log(`corpus: ${reports.length} reports, ${stories.size} stories`);
    expect(reports.length).toBeGreaterThanOrEqual(30);
    expect(stories.size).toBeGreaterThanOrEqual(8);
    expect(new Set(reports.map((r) => r.expected.language))).toEqual(new Set(['en', 'zh']));
    for (const r of reports) expect(r.got.language, r.name).toBe(r.expected.language);
  });

  it('extracts indicators with per-type precision and recall ≥ 0.95', () => {
    const rows: string[] = [];
    const misses: string[] = [];
    for (const type of INDICATOR_TYPES) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (const r of reports) {
        const want = new Set(r.expected.indicators[type] ?? []);
        const got = new Set(r.got.indicators.filter((i) => i.type === type).map((i) => i.value));
        for (const v of got) {
          if (want.has(v)) tp++;
          else {
            fp++;
            misses.push(`${r.name}: extra ${type} ${v}`);
          }
        }
        for (const v of want) {
          if (!got.has(v)) {
            fn++;
            misses.push(`${r.name}: missed ${type} ${v}`);
          }
        }
      }
      const p = tp / (tp + fp);
      const rc = tp / (tp + fn);
      rows.push(
        `${type.padEnd(7)} expected ${String(tp + fn).padStart(3)}  precision ${pct(p)}  recall ${pct(rc)}`,
      );
      if (tp + fp + fn > 0) {
        expect.soft(p, `${type} precision`).toBeGreaterThanOrEqual(0.95);
        expect.soft(rc, `${type} recall`).toBeGreaterThanOrEqual(0.95);
      }
    }
    console.log(['indicators per type:', ...rows, ...misses].join('\n'));
  });

  it('drops allow-listed values visibly, with a reason, and nothing else', () => {
    for (const r of reports) {
      expect(r.got.dropped.map((d) => d.value).sort(), r.name).toEqual(
        [...r.expected.dropped].sort(),
      );
      for (const d of r.got.dropped) expect(d.reason.length, r.name).toBeGreaterThan(0);
    }
  });

  it('gives every extraction a span that cuts the text exactly', () => {
    for (const r of reports) {
      for (const i of [...r.got.indicators, ...r.got.dropped])
        expect(r.text.slice(i.start, i.end)).toBe(i.original);
      for (const e of r.got.entities) expect(r.text.slice(e.start, e.end)).toBe(e.text);
      for (const c of r.got.claims) expect(r.text.slice(c.start, c.end).trim()).toBe(c.statement);
    }
  });

  it('finds the listed entities (recall ≥ 0.95)', () => {
    let found = 0;
    let total = 0;
    const misses: string[] = [];
    for (const r of reports) {
      const ids = new Set(r.got.entities.map((e) => e.id));
      for (const id of r.expected.entities) {
        total++;
        if (ids.has(id)) found++;
        else misses.push(`${r.name}: missed entity ${id}`);
      }
    }
    console.log(
      [
        `entities: ${found}/${total} listed entities found (recall ${pct(found / total)})`,
        ...misses,
      ].join('\n'),
    );
    expect(found / total).toBeGreaterThanOrEqual(0.95);
  });

  it('finds every listed claim, and invents none on texts without claims', () => {
    let expected = 0;
    let matched = 0;
    let extracted = 0;
    const lines: string[] = [];
    for (const r of reports) {
      const left = [...r.got.claims];
      extracted += left.length;
      for (const want of r.expected.claims) {
        expected++;
        const k = left.findIndex((c) => claimMatches(want, c));
        if (k >= 0) {
          matched++;
          left.splice(k, 1);
        } else {
          lines.push(`${r.name}: MISSED ${JSON.stringify(want)}`);
          expect.soft(false, `${r.name}: claim ${JSON.stringify(want)} found`).toBe(true);
        }
      }
      for (const c of left) {
        lines.push(
          `${r.name}: EXTRA ${c.stance} source=${c.source.id ?? c.source.text} actor=${c.actor?.id ?? '-'} target=${c.target?.id ?? '-'} «${c.statement.slice(0, 70)}»`,
        );
        if (r.expected.claims.length === 0)
          expect.soft(c, `${r.name}: no claim expected`).toBeUndefined();
      }
    }
    const withNone = reports.filter((r) => r.expected.claims.length === 0);
    const inventedOnNone = withNone.reduce((n, r) => n + r.got.claims.length, 0);
    console.log(
      [
        `claims: ${matched}/${expected} listed claims found (source, actor, target and stance all right); ` +
          `${extracted} extracted, precision ${pct(matched / extracted)}; ` +
          `${inventedOnNone} claims on the ${withNone.length} texts without claims`,
        ...lines,
      ].join('\n'),
    );
    expect(matched).toBe(expected);
    expect(inventedOnNone).toBe(0);
  });
});
