import { buildClientOptions, parseTarget, RunInputError } from '../run/run';
import { defaultClientOptions, type ClientOptions } from '../tls/client/options';
import { helloExtensions } from '../tls/client/helloExtensions';
import { clientHelloExtensionList } from '../tls/handshake/extensions';
import { encodeClientHello } from '../tls/handshake/messages';
import { checkTarget, DEFAULT_FORM, toRunRequest, type RunForm } from './runOptions';
import type { TamperChoice } from './tamperForm';

/**
 * The fields the run form's Tamper control offers: the annotated ClientHello's own fields and the
 * extensions it carries with the form's options (the engine's own mapping, helloExtensions), the client Finished's verify_data, the record
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
  // A resumed run's second ClientHello offers the first one's ticket (pre_shared_key, last) and,
  // with 0-RTT, early_data; a tamper applies to both connections, so both lists' extensions count.
  const resumes13 = form.resume && tls13;
  const extensions = clientHelloExtensionList(
    helloExtensions(o, {
      keyShares: tls13 ? [{ group: o.groups[0], publicKey: new Uint8Array(0) }] : [],
      earlyData: resumes13 && form.earlyData,
      preSharedKey: resumes13 ? { identity: new Uint8Array(1), obfuscatedTicketAge: 0, binder: new Uint8Array(32) } : undefined,
    }),
  );
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
