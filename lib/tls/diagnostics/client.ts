/** The engine's sentences for client failures, in English (see ./index.ts). */
export const clientSaid = {} as const;
