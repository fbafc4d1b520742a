import type { ContactView } from '../../../core/schemas/contacts.js';
import { iso } from '../../clock.js';
import type { ContactRow } from './contacts.table.js';

/** Contacts not confirmed for this long are flagged for the yearly refresh. */
export const CONTACT_REFRESH_MS = 365 * 24 * 3_600_000;

export function presentContact(row: ContactRow, now: number): ContactView {
  return {
    id: row.id,
    node: row.node_id,
    name: row.name,
    kind: row.kind,
    roles: JSON.parse(row.roles) as ContactView['roles'],
    channels: JSON.parse(row.channels) as ContactView['channels'],
    languages: JSON.parse(row.languages) as string[],
    workingHours: JSON.parse(row.working_hours) as ContactView['workingHours'],
    timeZone: row.time_zone,
    published: row.published === 1,
    confirmedAt: iso(Number(row.confirmed_at)),
    updatedAt: iso(Number(row.updated_at)),
    stale: now - Number(row.confirmed_at) > CONTACT_REFRESH_MS,
  };
}

/** What a peer receives of a published contact. */
export function contactMessage(row: ContactRow) {
  const view = presentContact(row, 0);
  return {
    id: view.id,
    name: view.name,
    kind: view.kind,
    roles: view.roles,
    channels: view.channels,
    languages: view.languages,
    workingHours: view.workingHours,
    timeZone: view.timeZone,
    confirmedAt: view.confirmedAt,
    updatedAt: view.updatedAt,
  };
}
