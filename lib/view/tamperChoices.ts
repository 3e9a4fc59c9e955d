import { buildClientOptions, parseTarget, RunInputError } from '../run/run';
import { defaultClientOptions, type ClientOptions } from '../tls/client/options';
import { clientHelloExtensionList, sniHostName } from '../tls/handshake/extensions';
import { encodeClientHello } from '../tls/handshake/messages';
import { checkTarget, DEFAULT_FORM, toRunRequest, type RunForm } from './runOptions';
import type { TamperChoice } from './tamperForm';

/**
 * The fields the run form's Tamper control offers: the annotated ClientHello's own fields and the
 * extensions it carries with the form's options, the client Finished's verify_data, the record
 * header. It builds a ClientHello with the codec, so the page loads it when the control is shown.
 */

const RECORD_FIELDS = ['type', 'legacy_record_version', 'length'];

/** The engine options the form stands for (the engine's defaults when the form does not run as it is). */
function engineOptions(form: RunForm): ClientOptions {
  const target = checkTarget(form.url);
  const url = target.ok ? target.url : 'https://example.com/';
  try {
    return buildClientOptions(toRunRequest({ ...form, tamper: '' }, url), parseTarget(url));
  } catch (e) {
    if (e instanceof RunInputError) return defaultClientOptions(new URL(url).hostname);
    throw e;
  }
}

/**
 * The fields a tamper may name, from a ClientHello built as the engine builds it for these options
 * (its random, session id and key shares are placeholders: only its structure matters here).
 */
export function tamperChoices(form: RunForm = DEFAULT_FORM): TamperChoice[] {
  const o = engineOptions(form);
  const tls13 = o.versions.includes('TLSv1.3');
  const extensions = clientHelloExtensionList({
    serverName: sniHostName(o.serverName),
    versions: o.versions,
    groups: o.groups,
    keyShares: tls13 ? [{ group: o.groups[0], publicKey: new Uint8Array(0) }] : [],
    signatureSchemes: o.signatureSchemes,
    alpn: o.alpn,
    postHandshakeAuth: o.postHandshakeAuth && tls13,
    renegotiationInfo: o.renegotiationInfo && o.versions.includes('TLSv1.2') ? new Uint8Array(0) : undefined,
    extendedMasterSecret: o.extendedMasterSecret,
    encryptThenMac: o.encryptThenMac,
    sessionTicket: o.sessionTicket,
  });
  const hello = encodeClientHello({ random: new Uint8Array(32), legacySessionId: new Uint8Array(tls13 ? 32 : 0), cipherSuites: o.cipherSuites, extensions });
  const fields = (hello.field.children ?? []).filter((f) => f.name !== 'msg_type' && f.name !== 'length');
  const extensionNames = (fields.find((f) => f.name === 'extensions')?.children ?? []).filter((f) => f.name !== 'length').map((f) => f.name);
  return [
    ...fields.map((f): TamperChoice => ({ target: `client_hello.${f.name}`, group: 'clientHello' })),
    ...extensionNames.map((name): TamperChoice => ({ target: `client_hello.extensions.${name}`, group: 'extensions' })),
    { target: 'finished.verify_data', group: 'finished' },
    ...RECORD_FIELDS.map((name): TamperChoice => ({ target: `client_hello.record.${name}`, group: 'record' })),
    { target: 'finished.record.type', group: 'record' },
  ];
}
