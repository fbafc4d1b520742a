/** Reading the reports corpus: every NN-name.txt with its NN-name.expected.json. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IndicatorType } from '../../../src/core/reports/index.js';

export interface ExpectedClaim {
  source: string;
  actor: string | null;
  target: string | null;
  stance: string;
}

export interface Expected {
  story: string;
  language: 'en' | 'zh';
  publishedAt?: string;
  indicators: Partial<Record<IndicatorType, string[]>>;
  dropped: string[];
  entities: string[];
  claims: ExpectedClaim[];
}

export interface CorpusReport {
  name: string;
  text: string;
  expected: Expected;
}

const DIR = import.meta.dirname;

export function loadCorpus(): CorpusReport[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => {
      const name = f.replace(/\.txt$/, '');
      return {
        name,
        text: readFileSync(join(DIR, f), 'utf8'),
        expected: JSON.parse(readFileSync(join(DIR, `${name}.expected.json`), 'utf8')) as Expected,
      };
    });
}
