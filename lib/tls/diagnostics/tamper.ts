/** The engine's sentences for tamper failures, in English (see ./index.ts). */
export const tamperSaid = {} as const;
