/** What other features may use of the contacts directory. */
export { findContact, listContacts, listPublished } from './contacts.repository.js';
export type { ContactRow } from './contacts.table.js';
