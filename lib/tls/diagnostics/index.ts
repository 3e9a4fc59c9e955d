/**
 * What the engine says when it fails, as data: a code naming the sentence and the values it names
 * (`{ code: 'record.tooLong', params: { length: 20000, max: 18432 } }`). The sentences live in one
 * table per part of the engine (./record.ts, ./crypto.ts…), in English; the English catalog takes
 * these tables as its `engine` namespace and every other language translates them
 * (lib/i18n/messages/engine/), so a saved run's failure reads in the reader's language. The engine
 * itself formats the English for its Error.message, the CLI and the trace's `message`.
 *
 * A template names its values in braces, `{length}`, and nothing else: no plural or select (ICU
 * syntax stays with the views). A value is a number, a protocol token or quoted text (a hex value, a
 * server's own words, a library's message), or another diagnostic, worded in its turn.
 */
import { clientSaid } from './client';
import { cryptoSaid } from './crypto';
import { inputSaid } from './input';
import { recordSaid } from './record';
import { startSaid } from './start';
import { tamperSaid } from './tamper';
import { tls12Said } from './tls12';
import { tls13Said } from './tls13';
import { wireSaid } from './wire';
import { x509Said } from './x509';

/** Every sentence the engine can say, by part: the English catalog's `engine` namespace. */
export const engineSaid = {
  client: clientSaid,
  crypto: cryptoSaid,
  input: inputSaid,
  record: recordSaid,
  start: startSaid,
  tamper: tamperSaid,
  tls12: tls12Said,
  tls13: tls13Said,
  wire: wireSaid,
  x509: x509Said,
} as const;

type Said = typeof engineSaid;

/** A sentence's dotted code: 'record.tooLong', 'crypto.badKeyShare'… */
export type DiagnosticCode = { [P in keyof Said & string]: `${P}.${keyof Said[P] & string}` }[keyof Said & string];

type TemplateOf<C extends DiagnosticCode> = C extends `${infer P}.${infer K}`
  ? P extends keyof Said
    ? K extends keyof Said[P]
      ? Said[P][K]
      : never
    : never
  : never;

/** The names in braces of a template: 'record length {length} exceeds {max}' → 'length' | 'max'. */
export type Holes<S> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Holes<Rest> : never;

export type DiagnosticValue = string | number | Diagnostic;

/** A failure's sentence as data: its code and the values it names. */
export interface Diagnostic {
  code: string;
  params?: Record<string, DiagnosticValue>;
}

type ParamsOf<C extends DiagnosticCode> = { [Name in Holes<TemplateOf<C>>]: DiagnosticValue };

/**
 * A diagnostic, its values checked against its template: `said('record.tooLong', { length, max })`.
 * A template without values takes none.
 */
export function said<C extends DiagnosticCode>(code: C, ...params: Holes<TemplateOf<C>> extends never ? [] : [ParamsOf<C>]): Diagnostic {
  return params[0] ? { code, params: params[0] as Record<string, DiagnosticValue> } : { code };
}

/** The English template of a code, or undefined for a code this build does not know. */
export function englishTemplate(code: string): string | undefined {
  const dot = code.indexOf('.');
  const part = (engineSaid as Record<string, Record<string, string>>)[code.slice(0, dot)];
  return part && Object.hasOwn(part, code.slice(dot + 1)) ? part[code.slice(dot + 1)] : undefined;
}

/** The diagnostic's sentence in English (the engine's own words, as Error.message carries them). */
export function inEnglish(d: Diagnostic): string {
  const template = englishTemplate(d.code) ?? d.code;
  return template.replace(/\{(\w+)\}/g, (hole, name: string) => {
    const value = d.params?.[name];
    if (value === undefined) return hole;
    return typeof value === 'object' ? inEnglish(value) : String(value);
  });
}

/** Is this value a diagnostic (and not a number or text)? */
export function isDiagnostic(value: unknown): value is Diagnostic {
  return typeof value === 'object' && value !== null && typeof (value as Diagnostic).code === 'string';
}
