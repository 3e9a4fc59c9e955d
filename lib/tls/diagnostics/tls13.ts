/** The engine's sentences for tls13 failures, in English (see ./index.ts). */
export const tls13Said = {} as const;
