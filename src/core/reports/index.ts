/**
 * The pure extraction core of reports (issue 19): indicators, entities and attribution claims
 * from English or Simplified Chinese text, each with its span for highlighting. No I/O.
 */
import { extractClaims } from './claims.js';
import { extractEntities } from './entities.js';
import { extractIndicators, type ExtractIndicatorOptions } from './indicators.js';
import type { Claim, DroppedIndicator, Entity, Indicator, Language } from './types.js';

export * from './types.js';
export { DEFAULT_ALLOW_LIST } from './allow-list.js';
export { extractClaims } from './claims.js';
export { extractEntities } from './entities.js';
export { GAZETTEER, type GazetteerEntry, type GazetteerKind } from './gazetteer.data.js';
export { GAZETTEER_BY_ID, matchGazetteer, type GazetteerMatch } from './gazetteer.js';
export { extractIndicators, isDomainName, type ExtractIndicatorOptions } from './indicators.js';
export { refang, originalSpan, type Refanged } from './refang.js';

export interface ReportExtraction {
  language: Language;
  indicators: Indicator[];
  dropped: DroppedIndicator[];
  entities: Entity[];
  claims: Claim[];
}

/** 'zh' when at least a fifth of the letters are CJK ideographs, else 'en'. */
export function detectLanguage(text: string): Language {
  const cjk = (text.match(/[\u3400-\u9fff]/g) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  return cjk > 0 && cjk * 5 >= cjk + latin / 4 ? 'zh' : 'en';
}

/** Everything the core extracts from one report's text. */
export function analyseReport(
  text: string,
  options: ExtractIndicatorOptions = {},
): ReportExtraction {
  const { indicators, dropped } = extractIndicators(text, options);
  const entities = extractEntities(text);
  return {
    language: detectLanguage(text),
    indicators,
    dropped,
    entities,
    claims: extractClaims(text, entities),
  };
}

export {
  bucketKeys,
  clusterFeatures,
  clusteringScores,
  KEYS_VERSION,
  linked,
  MAX_BUCKET,
  StoryClusterer,
  type ClusterFeatures,
  type ClusterInput,
  type ClusterOptions,
  type Story,
} from './cluster.js';
