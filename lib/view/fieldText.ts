import type { Translate } from '../i18n/translator';
import type { Field } from '../trace/schema';
import { fieldWords } from './fields/explain';
import type { FieldContext } from './fields/facts';

export type { FieldContext } from './fields/facts';

/**
 * What a field of the annotation tree is, in the reader's language: a pure function of the field
 * (name, value, place among the fields around it, outermost first), the step it belongs to and the
 * run's facts — lib/view/fields/explain.ts picks the words, the `fields` catalog holds them. The
 * trace stores no words for fields: a `meaning` that a version 1 trace still carries is ignored, so
 * saved runs read as well as new ones, in either language.
 */
export interface FieldExplanation {
  text: string;
  /** Where the rule lives ("RFC 8446 §4.2.8"): the codec's reference, else the explanation's. */
  rfc?: string;
}

/**
 * A field's value as the reader reads it: a phrase the codec recorded as data (`words`: a size, an
 * empty vector, a modulus's bits, RSA-PSS parameters) in the reader's language, its numbers and
 * protocol tokens filled in; any other value as it was decoded
 * (protocol tokens, numbers, hex).
 */
export function fieldValue(field: Field, t: Translate): string | undefined {
  if (!field.words) return field.value;
  const { say, ...values } = field.words;
  return t(`fields.value.${say}`, values);
}

export function explainField(field: Field, ancestors: readonly Field[], ctx: FieldContext, t: Translate): FieldExplanation | undefined {
  const words = fieldWords(field, ancestors, ctx);
  if (!words) return undefined;
  const text = [t(words.key, words.values), words.also ? t(words.also.key, words.also.values) : undefined].filter(Boolean).join(' ');
  // Chinese sentences follow each other without a space after full-width punctuation.
  return { text: text.replace(/\s+/g, ' ').replace(/([。：；）！？])\s+/g, '$1').trim(), rfc: field.rfc ?? words.rfc };
}

/** Every field of a tree with the fields around it (outermost first), in document order. */
export function* fieldsOf(field: Field, ancestors: Field[] = []): Generator<[Field, Field[]]> {
  yield [field, ancestors];
  for (const child of field.children ?? []) yield* fieldsOf(child, [...ancestors, field]);
}

/** Dotted path of a field from its tree's root: "ClientHello.extensions.key_share". */
export function fieldPathName(field: Field, ancestors: readonly Field[]): string {
  return [...ancestors.map((a) => a.name), field.name].join('.');
}
