/** What other features may use of arrangements: the terms in force with a peer. */
export { termsInForce } from './arrangements.service.js';
export { findArrangement } from './arrangements.repository.js';
