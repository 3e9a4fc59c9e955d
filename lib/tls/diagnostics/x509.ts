/** The engine's sentences for x509 failures, in English (see ./index.ts). */
export const x509Said = {} as const;
