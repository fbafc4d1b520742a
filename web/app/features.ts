/** The parts of Liaison still to come; each has a nav entry and, for now, a placeholder page. */
export const FEATURES = ['dialogues'] as const;
export type Feature = (typeof FEATURES)[number];
