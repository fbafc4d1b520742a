/** What the features that count waiting items use. */
export type { Awaiting, AttentionProvider, AttentionService } from './attention.service.js';
