/** What other features and the node's HTTP layer may use of accounts. */
export type { AccountsService } from './accounts.service.js';
export { findUser, findUserByUsername } from './accounts.repository.js';
export { generateOneTimePassword } from './passwords.js';
