/**
 * A tamper experiment's sentences (lib/tls/tamper), in English (see ./index.ts): a SPEC that does
 * not say what to change (spec.ts), and a change the client's flight cannot take (apply.ts). The
 * values are the SPEC, its target and field names as written, and numbers; a clause of its own
 * (`place`, `why`) is a nested diagnostic.
 */
export const tamperSaid = {
  // The SPEC (lib/tls/tamper/spec.ts).
  empty: 'the tamper spec is empty (expected TARGET:OP, e.g. finished.verify_data:flip=0)',
  tooLong: 'the tamper spec is longer than {max} characters',
  noOperation: '"{spec}" has no operation (expected TARGET:OP, e.g. {example}; OP is set=HEX, flip=N, drop or reorder=A,B)',
  inSpec: '"{spec}": {why}',
  notClientMessage: 'the target "{target}" must start with the client message to change: {messages}',
  recordFieldNames: 'a record header field is one of {fields} (e.g. {example})',
  notFieldName: '"{part}" is not a field name (letters, digits and _, optionally [index])',
  setNotHex: 'set takes hex bytes (an even number of hex digits, e.g. set=1301), not "{raw}"',
  setTooLong: 'the value is longer than {max} bytes',
  setNoValue: 'set needs a value (set=HEX, e.g. set=1301)',
  flipNoBit: 'flip needs a bit number (flip=N, bit 0 is the first byte’s most significant bit)',
  dropValue: 'drop takes no value',
  dropWholeMessage: 'the whole message cannot be dropped; name a field of it',
  reorderNothing: 'reorder needs the elements to put first (reorder=key_share,server_name, reorder=2,0 or reorder=reverse)',
  reorderNotName: '"{item}" is neither a field name nor an index',
  unknownOperation: 'unknown operation "{op}" (set=HEX, flip=N, drop or reorder=A,B)',
  recordNotDropped: 'a record header field can be set or flipped, not dropped',
  recordNotReordered: 'a record header field can be set or flipped, not reordered',
  recordSetWidth: '{field} is a {width}-byte field; set takes exactly {digits} hex digits',
  recordFlipWidth: '{field} has {bits} bits (0 to {last})',
  // The flight (lib/tls/tamper/apply.ts).
  failed: 'tamper: {why}',
  noField: 'the {message} has no field {field} under {parent} ({place})',
  placeHas: '{parent} has {fields}',
  placeEmpty: '{parent} has no fields inside',
  noElement: '{vector} has no element {item} to put first ({place})',
  noElementOf: '{vector} has no element {item} to put first ({place}; {count} elements)',
  lengthOverflow: 'after the change {field} would be {length} bytes, more than its {width}-byte length can say',
  bitOutOfRange: '{field} has {bits} bits (0 to {last}); bit {bit} is not one of them',
  notReorderable: '{field} is not a list whose elements can be reordered',
  recordNotMessageField: '{target} is a record header field, not a field of the {message}',
  wholeMessage: 'the whole {message} cannot be dropped',
  recordValueWidth: '{field} is {width} bytes; the new value has {length}',
} as const;
