/**
 * What the engine reports as it works: the step vocabulary of the trace (lib/trace/schema.ts),
 * before the trace stamps each step with a sequence number and a time. Everything else about a
 * step is decided by the code that read or wrote the bytes.
 */
export type * from '../trace/schema';
