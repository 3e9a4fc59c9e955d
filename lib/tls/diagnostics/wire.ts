/** The engine's sentences for wire failures, in English (see ./index.ts). */
export const wireSaid = {} as const;
