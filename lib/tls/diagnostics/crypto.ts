/** The engine's sentences for crypto failures, in English (see ./index.ts). */
export const cryptoSaid = {} as const;
