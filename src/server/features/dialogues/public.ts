/** What other features may use of dialogues. */
export {};
