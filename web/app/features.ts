/**
 * The parts of Liaison still to come; each has a nav entry and, for now, a placeholder page.
 * None at present: the dialogue record (web/features/dialogues) was the last.
 */
export type Feature = 'dialogues';
export const FEATURES: readonly Feature[] = [];
