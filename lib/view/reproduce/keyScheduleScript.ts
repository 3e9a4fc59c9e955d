import type { Field, Step, Trace } from '../../trace/schema';
import { isHandshakeMessage, resumptionOf } from '../../trace/steps';

/**
 * "Reproduce it yourself", the keys: a short Node script, needing only Node's built-in modules, that
 * recomputes a run's key schedule on its own (RFC 8446 §7.1 and §7.3 for TLS 1.3; RFC 5246 §8.1 and
 * §6.3, RFC 7627 §4 for TLS 1.2) and checks each value against what the page shows for the run and
 * against the run's key log (the SSLKEYLOGFILE the page and the CLI export).
 *
 * What the script takes from the run, it says: the (EC)DHE shared secret or pre-master secret, the
 * transcript hashes, the hello randoms and the suite. Everything else it derives itself and compares.
 * A resumed run is two connections: the script recomputes the first one and carries its secrets into
 * the second (RFC 8446 §4.6.1 and §4.2.11 for a TLS 1.3 ticket, RFC 5246 §7.3 for a TLS 1.2 session).
 */

/** A ClientHello that offered a TLS 1.3 PSK (RFC 8446 §4.2.11), as bytes the script hashes itself. */
export interface ScriptPskHello {
  /** The handshake message up to the binders list (the binder covers exactly these bytes, §4.2.11.2). */
  truncated: string;
  /** The whole message (the 0-RTT secret covers it, §7.1). */
  whole: string;
  /** The binder it carries (the first PskBinderEntry). */
  binder: string;
  /** The handshake messages before it in this connection: after a HelloRetryRequest, ClientHello1 and the HRR (§4.4.1). */
  before: string[];
}

/** How a handshake got its first secret. */
export type ScriptHandshakeKind = 'full' | 'renegotiation' | 'resumed';

/** One handshake's inputs and the values the page shows for it (label → hex, in the page's order). */
export interface ScriptHandshake {
  /** The ClientHello's random: the key log's lines are keyed by it. */
  clientRandom: string;
  /** The ServerHello's random (TLS 1.2's key block and master secret need it). */
  serverRandom?: string;
  cipherSuite: string;
  /** The connection it belongs to: 1, or 2 for the connection of a resumed run that resumes connection 1's session. */
  connection: number;
  kind: ScriptHandshakeKind;
  /** resumed: the index (in `handshakes`) of the handshake whose session this one resumes. */
  resumes?: number;
  /** resumed over TLS 1.3: the ticket offered and what the server did with it. */
  psk?: {
    /** The PskIdentity offered: the ticket of one NewSessionTicket the earlier connection received. */
    identity: string;
    /** That NewSessionTicket's ticket_nonce (RFC 8446 §4.6.1), or '' when no received ticket is the identity. */
    ticketNonce: string;
    hellos: ScriptPskHello[];
    /** The server selected the PSK; otherwise a full handshake follows, from an early secret of zeros. */
    accepted: boolean;
  };
  shown: [string, string][];
}

export interface ScriptInputs {
  url: string;
  version: 'TLSv1.3' | 'TLSv1.2';
  handshakes: ScriptHandshake[];
  /** The key log file the script reads by default, next to itself. */
  keyLogFile: string;
}

type KeyTrace = Pick<Trace, 'options' | 'steps' | 'version' | 'cipherSuite'> & { firstConnection?: Pick<Trace, 'steps' | 'cipherSuite'> };

function fieldBytes(hex: string, field: Field | undefined): string | undefined {
  return field ? hex.slice(2 * field.offset, 2 * (field.offset + field.length)) : undefined;
}

const child = (field: Field | undefined, name: string) => field?.children?.find((f) => f.name === name);

function helloRandom(step: Step): string | undefined {
  const bytes = step.bytes ?? step.plaintext;
  const field = child(bytes?.field, 'random');
  if (!bytes || !field || field.length !== 32) return undefined;
  return fieldBytes(bytes.hex, field);
}

/** A ClientHello's pre_shared_key: the first identity, the first binder and where the binders start. */
function offeredPsk(step: Step): { identity: string; binder: string; hello: Omit<ScriptPskHello, 'before'> } | undefined {
  const bytes = step.bytes;
  const psk = child(child(bytes?.field, 'extensions'), 'pre_shared_key');
  const data = child(psk, 'extension_data');
  const identities = child(data, 'identities');
  const binders = child(data, 'binders');
  const identity = fieldBytes(bytes?.hex ?? '', child(child(child(identities, 'PskIdentity'), 'identity'), 'data'));
  const binder = fieldBytes(bytes?.hex ?? '', child(child(binders, 'PskBinderEntry'), 'data'));
  if (!bytes || !binders || identity === undefined || binder === undefined) return undefined;
  return { identity, binder, hello: { truncated: bytes.hex.slice(0, 2 * binders.offset), whole: bytes.hex, binder } };
}

/** The ticket_nonce of the NewSessionTicket (in `steps`) whose ticket is `identity`. */
function nonceOfTicket(steps: readonly Step[], identity: string): string | undefined {
  for (const step of steps) {
    if (!isHandshakeMessage(step, 'new_session_ticket', 'server') || !step.bytes) continue;
    const root = step.bytes.field;
    if (fieldBytes(step.bytes.hex, child(child(root, 'ticket'), 'data')) === identity) return fieldBytes(step.bytes.hex, child(child(root, 'ticket_nonce'), 'data'));
  }
  return undefined;
}

/**
 * One connection's key steps grouped by handshake: a TLS 1.2 renegotiation starts a new one at its
 * pre_master_secret; each has the randoms of the hello messages before it (TLS 1.3: the connection's
 * first ClientHello, whose random a HelloRetryRequest does not change, and whose PSK binder is computed
 * before the message is sent).
 */
function connectionHandshakes(steps: readonly Step[], suite: string | undefined, version: ScriptInputs['version'], connection: number): ScriptHandshake[] {
  const handshakes: ScriptHandshake[] = [];
  const firstHello = steps.find((s) => isHandshakeMessage(s, 'client_hello', 'client'));
  let clientRandom: string | undefined;
  let serverRandom: string | undefined;
  let cipherSuite = suite ?? '';
  let current: ScriptHandshake | undefined;
  for (const step of steps) {
    if (isHandshakeMessage(step, 'client_hello', 'client')) clientRandom = helloRandom(step) ?? clientRandom;
    if (isHandshakeMessage(step, 'server_hello', 'server')) serverRandom = helloRandom(step) ?? serverRandom;
    if (step.kind === 'negotiated') cipherSuite = step.data.cipherSuite;
    if (step.kind === 'handshake-complete') cipherSuite = step.data.cipherSuite;
    if (step.kind !== 'key' || step.data.label === '') continue;
    const kept = version === 'TLSv1.2' && step.data.label === 'master_secret' && step.data.inputs.length === 0;
    const starts = current === undefined || (version === 'TLSv1.2' && (step.data.label === 'pre_master_secret' || kept));
    if (starts) {
      const random = version === 'TLSv1.3' && firstHello ? helloRandom(firstHello) : clientRandom;
      const kind: ScriptHandshakeKind = kept || step.data.label === 'resumption_master_secret' ? 'resumed' : handshakes.length > 0 ? 'renegotiation' : 'full';
      current = { clientRandom: random ?? '', serverRandom, cipherSuite: version === 'TLSv1.3' ? (suite ?? cipherSuite) : cipherSuite, connection, kind, shown: [] };
      handshakes.push(current);
    }
    current!.shown.push([step.data.label, step.data.value]);
  }
  return handshakes;
}

/**
 * The run's key schedule as the script's inputs: for a resumed run, the first connection's handshakes,
 * then the second's, the resumed one pointing at the handshake whose session it uses (TLS 1.2: the one
 * whose master secret it shows; TLS 1.3: the first connection's, whose NewSessionTicket carried the
 * ticket offered). Undefined when the run derived no keys.
 */
export function keyScheduleInputs(trace: KeyTrace, keyLogFile: string): ScriptInputs | undefined {
  const connections = [...(trace.firstConnection ? [trace.firstConnection] : []), trace];
  const keys = (steps: readonly Step[]) => steps.filter((s) => s.kind === 'key' && s.data.label !== '');
  if (keys(trace.steps).length === 0) return undefined;
  const version = connections.some((c) => keys(c.steps).some((s) => s.kind === 'key' && s.data.label === 'early_secret')) ? 'TLSv1.3' : 'TLSv1.2';
  const handshakes: ScriptHandshake[] = [];
  connections.forEach((c, i) => {
    const earlier = handshakes.slice();
    for (const handshake of connectionHandshakes(c.steps, c.cipherSuite, version, i + 1)) {
      if (handshake.kind === 'resumed') resumedFrom(handshake, c.steps, earlier, trace.firstConnection?.steps ?? []);
      handshakes.push(handshake);
    }
  });
  return { url: trace.options.url, version, handshakes, keyLogFile };
}

/** Where a resumed handshake's session came from, and (TLS 1.3) the ticket and binders it offered. */
function resumedFrom(handshake: ScriptHandshake, steps: readonly Step[], earlier: ScriptHandshake[], firstSteps: readonly Step[]): void {
  const shownValue = (h: ScriptHandshake, label: string) => h.shown.find(([l]) => l === label)?.[1];
  if (handshake.shown[0]?.[0] === 'master_secret') {
    // TLS 1.2 (RFC 5246 §7.3): the session is the earlier handshake with this master secret.
    let index = earlier.length - 1;
    while (index > 0 && shownValue(earlier[index], 'master_secret') !== handshake.shown[0][1]) index--;
    handshake.resumes = index;
    return;
  }
  // TLS 1.3: the ticket came in the first connection, after its (only) handshake.
  handshake.resumes = earlier.length - 1;
  const hellos: ScriptPskHello[] = [];
  const before: string[] = [];
  let identity = '';
  for (const step of steps) {
    const isHello = isHandshakeMessage(step, 'client_hello', 'client') || isHandshakeMessage(step, 'server_hello', 'server');
    if (!isHello || !step.bytes) continue;
    const offered = isHandshakeMessage(step, 'client_hello', 'client') ? offeredPsk(step) : undefined;
    if (offered) {
      identity ||= offered.identity;
      hellos.push({ ...offered.hello, before: before.slice() });
    }
    before.push(step.bytes.hex);
  }
  const accepted = steps.some((s) => resumptionOf(s)?.event === 'accepted');
  handshake.psk = { identity, ticketNonce: nonceOfTicket(firstSteps, identity) ?? '', hellos, accepted };
}

/**
 * The script's file name for a key log named `keyLogFile` (they travel together). A CommonJS file:
 * `node` runs it as one wherever it is saved, whatever package.json is near.
 */
export function scriptFileName(keyLogFile: string): string {
  return keyLogFile.replace(/\.keylog\.txt$|\.txt$/, '') + '.keys.cjs';
}

/**
 * The script, ready to save and run with `node`: the inputs as a JSON literal, then the key schedule
 * written out in plain JavaScript. It prints each value with what it matched and exits 0 only when
 * every value the page shows was recomputed and matched (1 otherwise, 2 without a key log).
 */
export function keyScheduleScript(inputs: ScriptInputs): string {
  return `${SCRIPT_HEAD}
const RUN = ${JSON.stringify(inputs, null, 2)};
${SCRIPT_BODY}`;
}

const SCRIPT_HEAD = `// Recomputes the key schedule of one TLS Playground run with Node's own modules (node:crypto), and checks each
// value against the page (RUN.handshakes[].shown) and against the run's key log (SSLKEYLOGFILE).
// TLS 1.3: RFC 8446 §7.1 (secrets), §7.3 (keys, IVs), §4.6.1 and §4.2.11.2 (resumption PSK, binder).
// TLS 1.2: RFC 5246 §8.1 (master secret), RFC 7627 §4 (extended master secret), RFC 5246 §6.3 (key block),
// RFC 5246 §7.3 (an abbreviated handshake keeps the master secret).
// Usage: node THIS_FILE [KEY_LOG_FILE]   (default: RUN.keyLogFile, next to this file)
'use strict';
const { createHash, createHmac } = require('node:crypto');
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');`;

const SCRIPT_BODY = String.raw`
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const fromHex = (text) => Buffer.from(text, 'hex');
const hmac = (hash, key, data) => createHmac(hash, key).update(data).digest();
const hashLength = (hash) => (hash === 'sha384' ? 48 : 32);
const hashOf = (hash, data) => createHash(hash).update(data).digest();

// RFC 5869 §2.2, §2.3: HKDF-Extract and HKDF-Expand.
const hkdfExtract = (hash, salt, ikm) => hmac(hash, salt, ikm);
function hkdfExpand(hash, prk, info, length) {
  let block = Buffer.alloc(0);
  let out = Buffer.alloc(0);
  for (let i = 1; out.length < length; i++) {
    block = hmac(hash, prk, Buffer.concat([block, info, Buffer.from([i])]));
    out = Buffer.concat([out, block]);
  }
  return out.subarray(0, length);
}
// RFC 8446 §7.1: HKDF-Expand-Label over the HkdfLabel structure, and Derive-Secret.
function expandLabel(hash, secret, label, context, length) {
  const name = Buffer.from('tls13 ' + label, 'ascii');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, name.length]), name, Buffer.from([context.length]), context]);
  return hkdfExpand(hash, secret, info, length);
}
const deriveSecret = (hash, secret, label, transcriptHash) => expandLabel(hash, secret, label, transcriptHash, hashLength(hash));
// RFC 5246 §5: PRF(secret, label, seed) = P_hash(secret, label + seed).
function prf(hash, secret, label, seed, length) {
  const labelSeed = Buffer.concat([Buffer.from(label, 'ascii'), seed]);
  let a = labelSeed;
  let out = Buffer.alloc(0);
  while (out.length < length) {
    a = hmac(hash, secret, a);
    out = Buffer.concat([out, hmac(hash, secret, Buffer.concat([a, labelSeed]))]);
  }
  return out.subarray(0, length);
}

// What the suite's name says: the hash, the key length, the MAC key length and the fixed IV length.
function suiteParameters(name) {
  const aead = /GCM|CHACHA20/.test(name);
  return {
    hash: /SHA384$/.test(name) ? 'sha384' : 'sha256',
    keyLength: /AES_128/.test(name) ? 16 : 32,
    macLength: aead ? 0 : /_CBC_SHA$/.test(name) ? 20 : /SHA384$/.test(name) ? 48 : 32,
    // RFC 5288 §3 (GCM: 4-byte salt), RFC 7905 §2 (ChaCha20-Poly1305: 12 bytes); CBC: none.
    fixedIvLength: /CHACHA20/.test(name) ? 12 : /GCM/.test(name) ? 4 : 0,
  };
}

const keyLogPath = process.argv[2] ?? join(__dirname, RUN.keyLogFile);
if (!existsSync(keyLogPath)) {
  console.error('Key log not found: ' + keyLogPath);
  console.error('Save the run\'s key log (' + RUN.keyLogFile + ') next to this script, or give its path: node ' + process.argv[1] + ' KEY_LOG_FILE');
  process.exit(2);
}
const keyLog = new Map();
for (const line of readFileSync(keyLogPath, 'utf8').split(/\r?\n/)) {
  const [label, clientRandom, secret] = line.trim().split(/\s+/);
  if (label && clientRandom && secret) keyLog.set(label + ' ' + clientRandom.toLowerCase(), secret.toLowerCase());
}

let matched = 0;
let bytesMatched = 0;
let differ = 0;
let keyLogMatched = 0;
// A label can show more than once in a handshake (a second binder after a HelloRetryRequest, a second
// early_secret when the server refuses the PSK): each value computed takes the first one not yet taken.
function take(handshake, label) {
  const i = handshake.shown.findIndex(([l], j) => l === label && !handshake.taken.has(j));
  if (i >= 0) handshake.taken.add(i);
  return i < 0 ? undefined : handshake.shown[i][1];
}
function verdict(value, expected, where) {
  if (expected === hex(value)) {
    if (where === 'page') matched++;
    else bytesMatched++;
    return where + ': match';
  }
  differ++;
  return where + ': DIFFERS, ' + (where === 'page' ? 'the page shows ' : 'it has ') + expected;
}
function report(handshake, label, value, from, keyLogLabel, also) {
  const shown = take(handshake, label);
  const verdicts = [shown === undefined ? 'not on the page' : verdict(value, shown, 'page')];
  if (keyLogLabel) {
    const logged = keyLog.get(keyLogLabel + ' ' + handshake.clientRandom);
    if (logged === undefined) verdicts.push('key log: no ' + keyLogLabel + ' line');
    else if (logged === hex(value)) {
      keyLogMatched++;
      verdicts.push('key log ' + keyLogLabel + ': match');
    } else {
      differ++;
      verdicts.push('key log ' + keyLogLabel + ': DIFFERS, it says ' + logged);
    }
  }
  if (also) verdicts.push(verdict(value, also.value, also.where));
  console.log('  ' + label + '  = ' + from);
  console.log('    ' + hex(value) + '  [' + verdicts.join('] [') + ']');
  return value;
}
function input(handshake, label) {
  const shown = take(handshake, label);
  if (shown === undefined) throw new Error('the run does not show ' + label);
  console.log('  ' + label + '  (input, as the page shows it)');
  console.log('    ' + shown);
  return fromHex(shown);
}
const shows = (handshake, label) => handshake.shown.some(([l], j) => l === label && !handshake.taken.has(j));
const fromKeyLog = (handshake, label) => {
  const logged = keyLog.get(label + ' ' + handshake.clientRandom);
  return logged === undefined ? undefined : fromHex(logged);
};
// What each handshake derived that a later connection resumes with.
const carried = [];

// RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 is replaced by message_hash(Hash(ClientHello1)).
function transcript(hash, messages) {
  const parts = messages.map(fromHex);
  if (parts.length > 1) parts[0] = Buffer.concat([Buffer.from([254, 0, 0, hashLength(hash)]), hashOf(hash, parts[0])]);
  return hashOf(hash, Buffer.concat(parts));
}

// RFC 8446 §4.6.1, §7.1, §4.2.11.2: the resumption PSK, its early secret and the binders.
function pskEarlySecret(handshake) {
  const { psk } = handshake;
  const from = RUN.handshakes[handshake.resumes];
  const hash = suiteParameters(from.cipherSuite).hash;
  const resumptionMaster = carried[handshake.resumes]?.resumptionMaster;
  if (!resumptionMaster) throw new Error('handshake ' + (handshake.resumes + 1) + ' derived no resumption_master_secret to resume with');
  report(handshake, 'resumption_master_secret', resumptionMaster, 'handshake ' + (handshake.resumes + 1) + '\'s, recomputed above');
  if (!psk.ticketNonce) throw new Error('no NewSessionTicket of connection ' + from.connection + ' carries the ticket offered (' + psk.identity + ')');
  const nonce = report(handshake, 'ticket_nonce', fromHex(psk.ticketNonce), 'ticket_nonce of the NewSessionTicket (connection ' + from.connection + ') whose ticket the ClientHello offers');
  const key = report(handshake, 'PSK', expandLabel(hash, resumptionMaster, 'resumption', nonce, hashLength(hash)), 'HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length)');
  const early = report(handshake, 'early_secret', hkdfExtract(hash, Buffer.alloc(hashLength(hash)), key), 'HKDF-Extract(0, PSK)');
  const empty = hashOf(hash, Buffer.alloc(0));
  psk.hellos.forEach((hello, i) => {
    const which = psk.hellos.length > 1 ? ' (ClientHello ' + (i + 1) + ')' : '';
    const truncatedHash = report(handshake, 'transcript_hash(truncated ClientHello)', transcript(hash, [...hello.before, hello.truncated]), 'Hash(' + (hello.before.length ? 'message_hash(ClientHello1) + HelloRetryRequest + ' : '') + 'ClientHello up to its binders)' + which);
    const binderKey = report(handshake, 'binder_key', deriveSecret(hash, early, 'res binder', empty), 'Derive-Secret(early_secret, "res binder", "")');
    const finishedKey = report(handshake, 'binder_key finished_key', expandLabel(hash, binderKey, 'finished', Buffer.alloc(0), hashLength(hash)), 'HKDF-Expand-Label(binder_key, "finished", "", Hash.length)');
    report(handshake, 'binder', hmac(hash, finishedKey, truncatedHash), 'HMAC(finished_key, transcript_hash(truncated ClientHello))' + which, undefined, { value: hello.binder, where: 'sent in the ClientHello' });
  });
  if (shows(handshake, 'client_early_traffic_secret')) {
    // 0-RTT data goes with the first ClientHello only (RFC 8446 §4.2.10).
    const helloHash = report(handshake, 'transcript_hash(ClientHello)', hashOf(hash, fromHex(psk.hellos[0].whole)), 'Hash(ClientHello)');
    report(handshake, 'client_early_traffic_secret', deriveSecret(hash, early, 'c e traffic', helloHash), 'Derive-Secret(early_secret, "c e traffic", ClientHello)', 'CLIENT_EARLY_TRAFFIC_SECRET');
  }
  return early;
}

function tls13(handshake) {
  const { hash, keyLength } = suiteParameters(handshake.cipherSuite);
  const zeros = Buffer.alloc(hashLength(hash));
  const empty = hashOf(hash, Buffer.alloc(0));
  const traffic = [];
  let early;
  if (handshake.psk) {
    early = pskEarlySecret(handshake);
    if (shows(handshake, 'client_early_traffic_secret key')) traffic.push(['client_early_traffic_secret', 'CLIENT_EARLY_TRAFFIC_SECRET']);
    if (!handshake.psk.accepted) {
      console.log('  (the server did not select the PSK: a full handshake follows, from no PSK)');
      early = report(handshake, 'early_secret', hkdfExtract(hash, zeros, zeros), 'HKDF-Extract(0, 0) (no PSK)');
    }
  } else early = report(handshake, 'early_secret', hkdfExtract(hash, zeros, zeros), 'HKDF-Extract(0, 0) (no PSK)');
  const helloHash = input(handshake, 'transcript_hash(ClientHello..ServerHello)');
  // psk_ke (RFC 8446 §4.2.9): no key exchange, so the handshake secret's IKM is a string of zeros.
  const dhe = shows(handshake, '(EC)DHE shared secret');
  const shared = dhe ? input(handshake, '(EC)DHE shared secret') : zeros;
  if (!dhe) console.log('  (psk_ke: no (EC)DHE shared secret, the IKM is ' + hashLength(hash) + ' zero bytes)');
  const derivedEarly = report(handshake, 'derived (early)', deriveSecret(hash, early, 'derived', empty), 'Derive-Secret(early_secret, "derived", "")');
  const handshakeSecret = report(handshake, 'handshake_secret', hkdfExtract(hash, derivedEarly, shared), 'HKDF-Extract(derived, ' + (dhe ? '(EC)DHE shared secret' : '0') + ')');
  for (const [side, label, logLabel] of [['client', 'c hs traffic', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET'], ['server', 's hs traffic', 'SERVER_HANDSHAKE_TRAFFIC_SECRET']]) {
    const name = side + '_handshake_traffic_secret';
    report(handshake, name, deriveSecret(hash, handshakeSecret, label, helloHash), 'Derive-Secret(handshake_secret, "' + label + '", ClientHello..ServerHello)', logLabel);
    traffic.push([name, logLabel]);
  }
  if (shows(handshake, 'master_secret')) {
    const finishedHash = input(handshake, 'transcript_hash(ClientHello..server Finished)');
    const derivedHandshake = report(handshake, 'derived (handshake)', deriveSecret(hash, handshakeSecret, 'derived', empty), 'Derive-Secret(handshake_secret, "derived", "")');
    const master = report(handshake, 'master_secret', hkdfExtract(hash, derivedHandshake, zeros), 'HKDF-Extract(derived, 0)');
    for (const [side, label, logLabel] of [['client', 'c ap traffic', 'CLIENT_TRAFFIC_SECRET_0'], ['server', 's ap traffic', 'SERVER_TRAFFIC_SECRET_0']]) {
      const name = side + '_application_traffic_secret_0';
      report(handshake, name, deriveSecret(hash, master, label, finishedHash), 'Derive-Secret(master_secret, "' + label + '", ClientHello..server Finished)', logLabel);
      traffic.push([name, logLabel]);
    }
    report(handshake, 'exporter_master_secret', deriveSecret(hash, master, 'exp master', finishedHash), 'Derive-Secret(master_secret, "exp master", ClientHello..server Finished)', 'EXPORTER_SECRET');
    // RFC 8446 §7.1: what a later connection resumes with, derived at the first NewSessionTicket.
    if (shows(handshake, 'resumption_master_secret')) {
      const clientFinishedHash = input(handshake, 'transcript_hash(ClientHello..client Finished)');
      const resumptionMaster = report(handshake, 'resumption_master_secret', deriveSecret(hash, master, 'res master', clientFinishedHash), 'Derive-Secret(master_secret, "res master", ClientHello..client Finished)');
      carried[RUN.handshakes.indexOf(handshake)] = { resumptionMaster };
    }
  }
  // Keys, IVs and Finished keys, from the traffic secrets as the key log has them (RFC 8446 §7.3, §4.4.4).
  const secrets = new Map();
  for (const [name, logLabel] of traffic) secrets.set(name, { secret: fromKeyLog(handshake, logLabel), from: 'the key log\'s ' + logLabel });
  // KeyUpdate (RFC 8446 §7.2): application_traffic_secret_N+1 from _N.
  for (const [label] of handshake.shown) {
    const update = /^(client|server)_application_traffic_secret_(\d+)$/.exec(label);
    if (!update || update[2] === '0') continue;
    const previous = secrets.get(update[1] + '_application_traffic_secret_' + (Number(update[2]) - 1));
    if (!previous?.secret) continue;
    const next = report(handshake, label, expandLabel(hash, previous.secret, 'traffic upd', Buffer.alloc(0), hashLength(hash)), 'HKDF-Expand-Label(previous secret, "traffic upd", "", Hash.length)');
    secrets.set(label, { secret: next, from: label });
  }
  for (const [name, { secret, from }] of secrets) {
    if (!secret) {
      console.log('  (' + name + ': no key log line, so its keys are not recomputed)');
      continue;
    }
    report(handshake, name + ' key', expandLabel(hash, secret, 'key', Buffer.alloc(0), keyLength), 'HKDF-Expand-Label(' + from + ', "key", "", ' + keyLength + ')');
    report(handshake, name + ' iv', expandLabel(hash, secret, 'iv', Buffer.alloc(0), 12), 'HKDF-Expand-Label(' + from + ', "iv", "", 12)');
    if (name.includes('handshake')) {
      report(handshake, name + ' finished_key', expandLabel(hash, secret, 'finished', Buffer.alloc(0), hashLength(hash)), 'HKDF-Expand-Label(' + from + ', "finished", "", Hash.length)');
    }
  }
}

function tls12(handshake) {
  const { hash, keyLength, macLength, fixedIvLength } = suiteParameters(handshake.cipherSuite);
  const clientRandom = fromHex(handshake.clientRandom);
  const serverRandom = fromHex(handshake.serverRandom);
  console.log('  client_random  (from the ClientHello)');
  console.log('    ' + handshake.clientRandom);
  console.log('  server_random  (from the ServerHello)');
  console.log('    ' + handshake.serverRandom);
  let master;
  if (handshake.kind === 'resumed') {
    // RFC 5246 §7.3: an abbreviated handshake keeps the session's master secret; only the randoms are new.
    master = carried[handshake.resumes]?.master;
    if (!master) throw new Error('handshake ' + (handshake.resumes + 1) + ' has no master secret to resume with');
    report(handshake, 'master_secret', master, 'handshake ' + (handshake.resumes + 1) + '\'s, recomputed above (the session resumed)', 'CLIENT_RANDOM');
  } else {
    const preMaster = input(handshake, 'pre_master_secret');
    if (shows(handshake, 'session_hash')) {
      const sessionHash = input(handshake, 'session_hash');
      master = prf(hash, preMaster, 'extended master secret', sessionHash, 48);
      report(handshake, 'master_secret', master, 'PRF(pre_master_secret, "extended master secret", session_hash)', 'CLIENT_RANDOM');
    } else {
      report(handshake, 'client_random ‖ server_random', Buffer.concat([clientRandom, serverRandom]), 'the two hello randoms');
      master = prf(hash, preMaster, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48);
      report(handshake, 'master_secret', master, 'PRF(pre_master_secret, "master secret", client_random + server_random)', 'CLIENT_RANDOM');
    }
  }
  carried[RUN.handshakes.indexOf(handshake)] = { master };
  const logged = fromKeyLog(handshake, 'CLIENT_RANDOM');
  const from = logged ? 'the key log\'s master secret' : 'master_secret';
  const blockLength = 2 * (macLength + keyLength + fixedIvLength);
  const block = report(handshake, 'key_block', prf(hash, logged ?? master, 'key expansion', Buffer.concat([serverRandom, clientRandom]), blockLength), 'PRF(' + from + ', "key expansion", server_random + client_random), ' + blockLength + ' bytes');
  let offset = 0;
  for (const [label, length] of [['client_write_MAC_key', macLength], ['server_write_MAC_key', macLength], ['client_write_key', keyLength], ['server_write_key', keyLength], ['client_write_IV', fixedIvLength], ['server_write_IV', fixedIvLength]]) {
    if (length === 0) continue;
    report(handshake, label, block.subarray(offset, offset + length), 'key_block[' + offset + '..' + (offset + length) + ']');
    offset += length;
  }
}

function title(handshake, i) {
  const connections = new Set(RUN.handshakes.map((h) => h.connection)).size;
  const where = connections > 1 ? 'connection ' + handshake.connection + ', ' : '';
  const what =
    handshake.kind === 'resumed'
      ? 'resumes handshake ' + (handshake.resumes + 1) + '\'s session' + (handshake.psk && !handshake.psk.accepted ? ', refused by the server' : '')
      : handshake.kind === 'renegotiation' ? 'renegotiation' : connections > 1 ? 'full handshake' : '';
  const words = where + what;
  return (RUN.handshakes.length > 1 ? 'Handshake ' + (i + 1) + (words ? ' (' + words + ')' : '') : 'Handshake') + ': ' + handshake.cipherSuite + ', client_random ' + handshake.clientRandom;
}

console.log('Key schedule of ' + RUN.url + ' (' + RUN.version + '), recomputed with node:crypto');
console.log('key log: ' + keyLogPath + ' (' + keyLog.size + ' lines)');
let notRecomputed = 0;
let failed = 0;
RUN.handshakes.forEach((handshake, i) => {
  console.log('');
  console.log(title(handshake, i));
  handshake.taken = new Set();
  try {
    if (RUN.version === 'TLSv1.3') tls13(handshake);
    else tls12(handshake);
  } catch (error) {
    failed++;
    console.log('  FAILED: ' + error.message);
  }
  handshake.shown.forEach(([label], j) => {
    if (handshake.taken.has(j)) return;
    notRecomputed++;
    console.log('  ' + label + '  NOT RECOMPUTED by this script (shown on the page)');
  });
});
console.log('');
const ok = differ === 0 && notRecomputed === 0 && failed === 0;
console.log((ok ? 'ALL MATCH: ' : 'MISMATCH: ') + matched + ' values match the page, ' + keyLogMatched + ' match the key log' + (bytesMatched ? ', ' + bytesMatched + ' match the bytes sent' : '') + (differ ? ', ' + differ + ' differ' : '') + (notRecomputed ? ', ' + notRecomputed + ' not recomputed' : '') + (failed ? ', ' + failed + ' handshakes failed' : '') + '.');
process.exit(ok ? 0 : 1);
`;
