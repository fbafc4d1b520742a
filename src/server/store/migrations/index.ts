import type { Migration } from 'kysely';
import * as foundation from './2026_11_24_0900_foundation.js';
import * as federation from './2026_11_24_1200_federation.js';
import * as requests from './2026_11_24_1500_requests.js';
import * as outboxSize from './2026_11_24_1700_outbox_size.js';
import * as bulkStix from './2026_11_25_0900_bulk_stix.js';
import * as liveProcesses from './2026_12_23_0900_live_processes.js';

/**
 * The migrations of the infrastructure and of the features that shipped before features
 * had their own (features/<name>/migrations, listed in the feature's module); the store
 * runs them all in the order of their names. Append-only: never edit or reorder a migration
 * that has shipped. A new migration of the infrastructure is a file named
 * YYYY_MM_DD_HHMM_what.ts listed here; a feature's goes in its own folder.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '2026_11_24_0900_foundation': foundation,
  '2026_11_24_1200_federation': federation,
  '2026_11_24_1500_requests': requests,
  '2026_11_24_1700_outbox_size': outboxSize,
  '2026_11_25_0900_bulk_stix': bulkStix,
  '2026_12_23_0900_live_processes': liveProcesses,
};
