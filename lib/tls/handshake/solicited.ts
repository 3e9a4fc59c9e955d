/**
 * Which extensions a server may send, and where. A server answers only what the client asked for
 * (RFC 8446 §4.2, RFC 5246 §7.4.1.4; for renegotiation_info the SCSV would count too, RFC 5746
 * §3.4, but this client never sends it): anything else is refused with unsupported_extension. In
 * TLS 1.3 each extension also has its message (the table of RFC 8446 §4.2): one the client asked
 * for but that turns up in another message is refused with illegal_parameter.
 */
import { said } from '../diagnostics';
import { refusal } from '../errors';
import { extensionTypes, type ExtensionType } from '../registry/protocol';

/** The server messages that carry extensions, as the checks name them. */
export type ServerExtensionMessage = 'server_hello' | 'hello_retry_request' | 'encrypted_extensions' | 'certificate' | 'tls12_server_hello';

/** RFC 8446 §4.2: the extensions each TLS 1.3 server message may carry (SH, HRR, EE, CT columns). */
const PLACEMENT: Record<Exclude<ServerExtensionMessage, 'tls12_server_hello'>, readonly ExtensionType[]> = {
  server_hello: ['key_share', 'pre_shared_key', 'supported_versions'],
  hello_retry_request: ['key_share', 'cookie', 'supported_versions'],
  encrypted_extensions: [
    'server_name',
    'max_fragment_length',
    'supported_groups',
    'use_srtp',
    'heartbeat',
    'application_layer_protocol_negotiation',
    'client_certificate_type',
    'server_certificate_type',
    'record_size_limit',
    'early_data',
  ],
  certificate: ['status_request', 'signed_certificate_timestamp'],
};

const MESSAGE_NAMES: Record<ServerExtensionMessage, string> = {
  server_hello: 'ServerHello',
  hello_retry_request: 'HelloRetryRequest',
  encrypted_extensions: 'EncryptedExtensions',
  certificate: 'Certificate',
  tls12_server_hello: 'ServerHello',
};

/**
 * Refuses the first extension in `seen` that the ClientHello did not offer, or (TLS 1.3) that does
 * not belong in `message`. The cookie is the one extension a server sends unasked (RFC 8446 §4.2.2).
 */
export function checkServerExtensions(seen: readonly number[], offered: readonly number[], message: ServerExtensionMessage): void {
  const where = MESSAGE_NAMES[message];
  for (const type of seen) {
    const known = extensionTypes.name(type);
    // An unknown extension as the hex view names its node: a token in the facts, words in the sentence.
    const name = known ?? `unknown_${type}`;
    const extension = known ?? said('wire.unknownExtension', { code: type });
    const unasked = !offered.includes(type) && !(message === 'hello_retry_request' && name === 'cookie');
    if (unasked) {
      const tls12 = message === 'tls12_server_hello';
      const rule = tls12 ? (name === 'renegotiation_info' ? 'RFC 5746 §3.4, RFC 5246 §7.4.1.4' : 'RFC 5246 §7.4.1.4') : 'RFC 8446 §4.2';
      throw refusal('unsupported_extension', said('wire.unsolicited', { extension, message: where }), {
        check: 'unsolicited-extension',
        rule,
        facts: { extension: name, code: type, message: message === 'tls12_server_hello' ? 'server_hello' : message },
      });
    }
    if (message !== 'tls12_server_hello' && !(PLACEMENT[message] as readonly string[]).includes(name)) {
      throw refusal('illegal_parameter', said('wire.misplaced', { extension, message: where }), {
        check: 'extension-placement',
        rule: 'RFC 8446 §4.2',
        facts: { extension: name, code: type, message },
      });
    }
  }
}
