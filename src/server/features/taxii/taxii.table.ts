import type { Selectable } from 'kysely';
import type { TlpLevel } from '../../../core/tlp-rules.js';

/**
 * A TAXII 2.1 collection as the admin defines it: the objects of one case (or of every case)
 * marked up to `max_tlp`. Who may read or write it is in taxii_access.
 */
export interface TaxiiCollectionsTable {
  id: string;
  title: string;
  description: string;
  case_id: string | null;
  max_tlp: TlpLevel;
  created_at: number;
  updated_at: number;
}
export type TaxiiCollectionRow = Selectable<TaxiiCollectionsTable>;

/** `principal` is `user:<id>` or `token:<id>`. */
export interface TaxiiAccessTable {
  collection_id: string;
  principal: string;
  can_read: number;
  can_write: number;
}
export type TaxiiAccessRow = Selectable<TaxiiAccessTable>;

/** The outcome of one add (POST objects), as the TAXII status resource shows it. */
export interface TaxiiStatusTable {
  id: string;
  collection_id: string;
  status: 'pending' | 'complete';
  total: number;
  success: number;
  failure: number;
  pending: number;
  /** JSON: { successes: [{id, version}], failures: [{id, version, message}] }. */
  details: string;
  requested_by: string;
  created_at: number;
}
export type TaxiiStatusRow = Selectable<TaxiiStatusTable>;

/**
 * A case's subscription to a remote TAXII 2.1 collection. `added_after` is the last
 * date_added received: the next poll resumes there.
 */
export interface TaxiiSubscriptionsTable {
  id: string;
  case_id: string;
  /** The collection's URL, ending in /collections/<id>/. */
  url: string;
  /** JSON: {kind:'none'} | {kind:'bearer', token} | {kind:'basic', username, password}. */
  auth: string;
  tlp: TlpLevel;
  interval_seconds: number;
  added_after: string | null;
  status: 'active' | 'paused';
  last_polled_at: number | null;
  last_error: string | null;
  received: number;
  created_by: string;
  created_at: number;
}
export type TaxiiSubscriptionRow = Selectable<TaxiiSubscriptionsTable>;

/** This feature's tables, added to the node's Database type (store/database.ts). */
declare module '../../store/database.js' {
  interface Database {
    taxii_collections: TaxiiCollectionsTable;
    taxii_access: TaxiiAccessTable;
    taxii_status: TaxiiStatusTable;
    taxii_subscriptions: TaxiiSubscriptionsTable;
  }
}
