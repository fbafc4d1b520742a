import type { Selectable } from 'kysely';

/** This node's contacts, and the published contacts of its peers (`node_id`). */
export interface ContactsTable {
  id: string;
  node_id: string;
  name: string;
  kind: 'person' | 'desk';
  /** JSON arrays / objects (see ContactBody). */
  roles: string;
  channels: string;
  languages: string;
  working_hours: string;
  time_zone: string;
  published: number;
  confirmed_at: number;
  created_at: number;
  updated_at: number;
}
export type ContactRow = Selectable<ContactsTable>;

/** This feature's tables, added to the node's Database type (store/database.ts). */
declare module '../../store/database.js' {
  interface Database {
    contacts: ContactsTable;
  }
}
