/** The engine's sentences for tls12 failures, in English (see ./index.ts). */
export const tls12Said = {} as const;
