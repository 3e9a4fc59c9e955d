import { messageTitle } from '../tls/handshake/messages';
import { alertDescriptions, alertLevels } from '../tls/registry/alerts';
import { groups } from '../tls/registry/crypto';
import { contentTypes, extensionTypes, handshakeTypes } from '../tls/registry/protocol';
import type { Registry } from '../tls/registry/table';
import type { Field } from '../trace/schema';

/**
 * What a field of the annotation tree is for, in a line: a pure function of the field's name, its
 * value and where it sits (the names of the fields around it, outermost first). The words for a
 * field whose meaning follows from the protocol's registries (a handshake message, an extension, an
 * alert's level and description, a content type, a key-exchange group) are made here; the trace
 * keeps only names and values for those. Other fields still carry the codec's line in
 * `Field.meaning` (older traces carry it for every field), shown as it is until its words move here.
 */

/** The handshake message a tree's root field names ("ClientHello" → client_hello). */
const MESSAGE_BY_TITLE = new Map(handshakeTypes.entries.map((e) => [messageTitle(e.name), e.code]));

/** The registry name inside a described value: "0x001d (x25519)" → x25519. */
function describedName(value: string | undefined): string | undefined {
  return value ? /\(([^()]+)\)$/.exec(value)?.[1] : undefined;
}

function meaningOf<N extends string>(registry: Registry<N>, name: string | undefined): string | undefined {
  return name !== undefined && registry.has(name) ? registry.entry(registry.code(name))?.meaning : undefined;
}

const GROUP_FIELDS = new Set(['group', 'named_group', 'selected_group', 'namedcurve']);

export function fieldMeaning(field: Field, ancestors: readonly Field[] = []): string | undefined {
  const parent = ancestors[ancestors.length - 1]?.name;
  const words = ((): string | undefined => {
    if (ancestors.length === 0 && MESSAGE_BY_TITLE.has(field.name)) return handshakeTypes.entry(MESSAGE_BY_TITLE.get(field.name)!)?.meaning;
    if (parent === 'extensions' && extensionTypes.has(field.name)) return meaningOf(extensionTypes, field.name);
    if (parent === 'Alert' && field.name === 'level') return meaningOf(alertLevels, describedName(field.value));
    if (parent === 'Alert' && field.name === 'description') return meaningOf(alertDescriptions, describedName(field.value));
    if (field.name === 'content_type' || (field.name === 'type' && (parent === 'TLSPlaintext' || parent === 'TLSCiphertext'))) return meaningOf(contentTypes, describedName(field.value));
    if (GROUP_FIELDS.has(field.name)) return meaningOf(groups, describedName(field.value));
    return undefined;
  })();
  return words ?? field.meaning;
}
