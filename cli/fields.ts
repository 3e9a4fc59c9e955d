import type { Translate } from '../lib/i18n/translator';
import type { Trace } from '../lib/trace/schema';
import { explainField, fieldPathName, fieldsOf, fieldValue } from '../lib/view/fieldText';

/**
 * --fields: every annotated field of every step, one per line — `path = value — explanation`, in the
 * CLI's language (the words the hex view shows). A field without a value leaves out ` = value`; one
 * without words leaves out ` — explanation`, so the lines say from outside what is explained.
 */
export function formatFields(trace: Trace, t: Translate): string[] {
  const lines: string[] = [];
  for (const step of trace.steps) {
    for (const bytes of [step.bytes, step.plaintext]) {
      if (!bytes?.field) continue;
      for (const [field, ancestors] of fieldsOf(bytes.field)) {
        const words = explainField(field, ancestors, { step, trace, hex: bytes.hex }, t);
        const shown = fieldValue(field, t);
        const value = shown !== undefined && shown !== '' ? ` = ${shown}` : '';
        lines.push(`${fieldPathName(field, ancestors)}${value}${words ? ` — ${words.text}` : ''}`);
      }
    }
  }
  return lines;
}
