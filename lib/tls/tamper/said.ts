/**
 * A tamper failure as a diagnostic (../diagnostics): `tamperSaid('setNoValue')`, its values checked
 * against the template in ../diagnostics/tamper.ts. Its English is filled from that table alone: the
 * playground reads the form's SPEC on its first load, which should not carry every part's sentences.
 */
import type { Diagnostic, DiagnosticValue, Holes } from '../diagnostics';
import { tamperSaid as sentences } from '../diagnostics/tamper';

type Sentences = typeof sentences;
type Key = keyof Sentences;

export function tamperSaid<K extends Key>(key: K, ...params: Holes<Sentences[K]> extends never ? [] : [{ [Name in Holes<Sentences[K]>]: DiagnosticValue }]): Diagnostic {
  return params[0] ? { code: `tamper.${key}`, params: params[0] as Record<string, DiagnosticValue> } : { code: `tamper.${key}` };
}

/** A tamper diagnostic in English (its nested clauses are tamper diagnostics too). */
export function tamperEnglish(d: Diagnostic): string {
  const key = d.code.replace(/^tamper\./, '');
  const template: string = Object.hasOwn(sentences, key) ? (sentences as Record<string, string>)[key] : d.code;
  return template.replace(/\{(\w+)\}/g, (hole, name: string) => {
    const value = d.params?.[name];
    if (value === undefined) return hole;
    return typeof value === 'object' ? tamperEnglish(value) : String(value);
  });
}

/** The tamper's failures: `.message` is the English, `.diagnostic` the data the views word. */
abstract class TamperError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(said: Diagnostic) {
    super(tamperEnglish(said));
    this.diagnostic = said;
  }
}

/** A SPEC that does not say what to change: the diagnostic says what is wrong and what would do. */
export class TamperSpecError extends TamperError {
  override name = 'TamperSpecError';
}

/** The flight has no field the tamper names, or the change cannot be written (a length that does not fit). */
export class TamperTargetError extends TamperError {
  override name = 'TamperTargetError';
}
