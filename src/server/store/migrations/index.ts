import type { Migration } from 'kysely';
import * as foundation from './2026_11_24_0900_foundation.js';
import * as federation from './2026_11_24_1200_federation.js';
import * as requests from './2026_11_24_1500_requests.js';
import * as outboxSize from './2026_11_24_1700_outbox_size.js';
import * as hotline from './2026_11_24_1900_hotline.js';
import * as cases from './2026_11_24_2100_cases.js';
import * as bulkStix from './2026_11_25_0900_bulk_stix.js';

/**
 * Every migration, in order. Append-only: never edit or reorder a migration that has
 * shipped; add a new file named YYYY_MM_DD_HHMM_what.ts and list it here.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '2026_11_24_0900_foundation': foundation,
  '2026_11_24_1200_federation': federation,
  '2026_11_24_1500_requests': requests,
  '2026_11_24_1700_outbox_size': outboxSize,
  '2026_11_24_1900_hotline': hotline,
  '2026_11_24_2100_cases': cases,
  '2026_11_25_0900_bulk_stix': bulkStix,
};
