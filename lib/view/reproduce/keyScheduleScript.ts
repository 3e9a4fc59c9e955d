import type { Step, Trace } from '../../trace/schema';

/**
 * "Reproduce it yourself", the keys: a short Node script, needing only Node's built-in modules, that
 * recomputes a run's key schedule on its own (RFC 8446 §7.1 and §7.3 for TLS 1.3; RFC 5246 §8.1 and
 * §6.3, RFC 7627 §4 for TLS 1.2) and checks each value against what the page shows for the run and
 * against the run's key log (the SSLKEYLOGFILE the page and the CLI export).
 *
 * What the script takes from the run, it says: the (EC)DHE shared secret or pre-master secret, the
 * transcript hashes, the hello randoms and the suite. Everything else it derives itself and compares.
 */

/** One handshake's inputs and the values the page shows for it (label → hex, in the page's order). */
export interface ScriptHandshake {
  /** The ClientHello's random: the key log's lines are keyed by it. */
  clientRandom: string;
  /** The ServerHello's random (TLS 1.2's key block and master secret need it). */
  serverRandom?: string;
  cipherSuite: string;
  shown: [string, string][];
}

export interface ScriptInputs {
  url: string;
  version: 'TLSv1.3' | 'TLSv1.2';
  handshakes: ScriptHandshake[];
  /** The key log file the script reads by default, next to itself. */
  keyLogFile: string;
}

function helloRandom(step: Step): string | undefined {
  const bytes = step.bytes ?? step.plaintext;
  const field = bytes?.field?.children?.find((f) => f.name === 'random');
  if (!bytes || !field || field.length !== 32) return undefined;
  return bytes.hex.slice(2 * field.offset, 2 * (field.offset + field.length));
}

/**
 * The run's key schedule as the script's inputs: the key steps grouped by handshake (a TLS 1.2
 * renegotiation starts a new one at its pre_master_secret), each with the randoms of the hello
 * messages before it. Undefined when the run derived no keys.
 */
export function keyScheduleInputs(trace: Pick<Trace, 'options' | 'steps' | 'version' | 'cipherSuite'>, keyLogFile: string): ScriptInputs | undefined {
  const keySteps = trace.steps.filter((s) => s.kind === 'key' && s.data.label !== '');
  if (keySteps.length === 0) return undefined;
  const version = keySteps.some((s) => s.kind === 'key' && s.data.label === 'early_secret') ? 'TLSv1.3' : 'TLSv1.2';
  const handshakes: ScriptHandshake[] = [];
  let clientRandom: string | undefined;
  let serverRandom: string | undefined;
  let cipherSuite = trace.cipherSuite ?? '';
  let current: ScriptHandshake | undefined;
  for (const step of trace.steps) {
    if (step.kind === 'handshake' && step.data.message === 'client_hello' && step.data.from === 'client') clientRandom = helloRandom(step) ?? clientRandom;
    if (step.kind === 'handshake' && step.data.message === 'server_hello' && step.data.from === 'server') serverRandom = helloRandom(step) ?? serverRandom;
    if (step.kind === 'negotiated') cipherSuite = step.data.cipherSuite;
    if (step.kind === 'handshake-complete') cipherSuite = step.data.cipherSuite;
    if (step.kind !== 'key' || step.data.label === '') continue;
    const starts = current === undefined || (version === 'TLSv1.2' && step.data.label === 'pre_master_secret');
    if (starts) {
      current = { clientRandom: clientRandom ?? '', serverRandom, cipherSuite: version === 'TLSv1.3' ? (trace.cipherSuite ?? cipherSuite) : cipherSuite, shown: [] };
      handshakes.push(current);
    }
    current!.shown.push([step.data.label, step.data.value]);
  }
  return { url: trace.options.url, version, handshakes, keyLogFile };
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
// TLS 1.3: RFC 8446 §7.1 (secrets) and §7.3 (keys, IVs). TLS 1.2: RFC 5246 §8.1 (master secret),
// RFC 7627 §4 (extended master secret), RFC 5246 §6.3 (key block).
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
let differ = 0;
let keyLogMatched = 0;
function report(handshake, seen, label, value, from, keyLogLabel) {
  seen.add(label);
  const shown = handshake.shown.find(([l]) => l === label);
  const verdicts = [];
  if (shown) {
    if (shown[1] === hex(value)) {
      matched++;
      verdicts.push('page: match');
    } else {
      differ++;
      verdicts.push('page: DIFFERS, the page shows ' + shown[1]);
    }
  } else verdicts.push('not on the page');
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
  console.log('  ' + label + '  = ' + from);
  console.log('    ' + hex(value) + '  [' + verdicts.join('] [') + ']');
}
function input(handshake, seen, label) {
  const shown = handshake.shown.find(([l]) => l === label);
  if (!shown) throw new Error('the run does not show ' + label);
  seen.add(label);
  console.log('  ' + label + '  (input, as the page shows it)');
  console.log('    ' + shown[1]);
  return fromHex(shown[1]);
}
const fromKeyLog = (handshake, label) => {
  const logged = keyLog.get(label + ' ' + handshake.clientRandom);
  return logged === undefined ? undefined : fromHex(logged);
};

function tls13(handshake, seen) {
  const { hash, keyLength } = suiteParameters(handshake.cipherSuite);
  const zeros = Buffer.alloc(hashLength(hash));
  const empty = hashOf(hash, Buffer.alloc(0));
  const shared = input(handshake, seen, '(EC)DHE shared secret');
  const helloHash = input(handshake, seen, 'transcript_hash(ClientHello..ServerHello)');
  const early = hkdfExtract(hash, zeros, zeros);
  report(handshake, seen, 'early_secret', early, 'HKDF-Extract(0, 0) (no PSK)');
  const derivedEarly = deriveSecret(hash, early, 'derived', empty);
  report(handshake, seen, 'derived (early)', derivedEarly, 'Derive-Secret(early_secret, "derived", "")');
  const handshakeSecret = hkdfExtract(hash, derivedEarly, shared);
  report(handshake, seen, 'handshake_secret', handshakeSecret, 'HKDF-Extract(derived, (EC)DHE shared secret)');
  const traffic = [];
  for (const [side, label, logLabel] of [['client', 'c hs traffic', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET'], ['server', 's hs traffic', 'SERVER_HANDSHAKE_TRAFFIC_SECRET']]) {
    const name = side + '_handshake_traffic_secret';
    report(handshake, seen, name, deriveSecret(hash, handshakeSecret, label, helloHash), 'Derive-Secret(handshake_secret, "' + label + '", ClientHello..ServerHello)', logLabel);
    traffic.push([name, logLabel]);
  }
  if (handshake.shown.some(([l]) => l === 'master_secret')) {
    const finishedHash = input(handshake, seen, 'transcript_hash(ClientHello..server Finished)');
    const derivedHandshake = deriveSecret(hash, handshakeSecret, 'derived', empty);
    report(handshake, seen, 'derived (handshake)', derivedHandshake, 'Derive-Secret(handshake_secret, "derived", "")');
    const master = hkdfExtract(hash, derivedHandshake, zeros);
    report(handshake, seen, 'master_secret', master, 'HKDF-Extract(derived, 0)');
    for (const [side, label, logLabel] of [['client', 'c ap traffic', 'CLIENT_TRAFFIC_SECRET_0'], ['server', 's ap traffic', 'SERVER_TRAFFIC_SECRET_0']]) {
      const name = side + '_application_traffic_secret_0';
      report(handshake, seen, name, deriveSecret(hash, master, label, finishedHash), 'Derive-Secret(master_secret, "' + label + '", ClientHello..server Finished)', logLabel);
      traffic.push([name, logLabel]);
    }
    report(handshake, seen, 'exporter_master_secret', deriveSecret(hash, master, 'exp master', finishedHash), 'Derive-Secret(master_secret, "exp master", ClientHello..server Finished)', 'EXPORTER_SECRET');
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
    const next = expandLabel(hash, previous.secret, 'traffic upd', Buffer.alloc(0), hashLength(hash));
    report(handshake, seen, label, next, 'HKDF-Expand-Label(previous secret, "traffic upd", "", Hash.length)');
    secrets.set(label, { secret: next, from: label });
  }
  for (const [name, { secret, from }] of secrets) {
    if (!secret) {
      console.log('  (' + name + ': no key log line, so its keys are not recomputed)');
      continue;
    }
    report(handshake, seen, name + ' key', expandLabel(hash, secret, 'key', Buffer.alloc(0), keyLength), 'HKDF-Expand-Label(' + from + ', "key", "", ' + keyLength + ')');
    report(handshake, seen, name + ' iv', expandLabel(hash, secret, 'iv', Buffer.alloc(0), 12), 'HKDF-Expand-Label(' + from + ', "iv", "", 12)');
    if (name.includes('handshake')) {
      report(handshake, seen, name + ' finished_key', expandLabel(hash, secret, 'finished', Buffer.alloc(0), hashLength(hash)), 'HKDF-Expand-Label(' + from + ', "finished", "", Hash.length)');
    }
  }
}

function tls12(handshake, seen) {
  const { hash, keyLength, macLength, fixedIvLength } = suiteParameters(handshake.cipherSuite);
  const clientRandom = fromHex(handshake.clientRandom);
  const serverRandom = fromHex(handshake.serverRandom);
  console.log('  client_random  (from the ClientHello)');
  console.log('    ' + handshake.clientRandom);
  console.log('  server_random  (from the ServerHello)');
  console.log('    ' + handshake.serverRandom);
  const preMaster = input(handshake, seen, 'pre_master_secret');
  let master;
  if (handshake.shown.some(([l]) => l === 'session_hash')) {
    const sessionHash = input(handshake, seen, 'session_hash');
    master = prf(hash, preMaster, 'extended master secret', sessionHash, 48);
    report(handshake, seen, 'master_secret', master, 'PRF(pre_master_secret, "extended master secret", session_hash)', 'CLIENT_RANDOM');
  } else {
    report(handshake, seen, 'client_random ‖ server_random', Buffer.concat([clientRandom, serverRandom]), 'the two hello randoms');
    master = prf(hash, preMaster, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48);
    report(handshake, seen, 'master_secret', master, 'PRF(pre_master_secret, "master secret", client_random + server_random)', 'CLIENT_RANDOM');
  }
  const logged = fromKeyLog(handshake, 'CLIENT_RANDOM');
  const from = logged ? 'the key log\'s master secret' : 'master_secret';
  const blockLength = 2 * (macLength + keyLength + fixedIvLength);
  const block = prf(hash, logged ?? master, 'key expansion', Buffer.concat([serverRandom, clientRandom]), blockLength);
  report(handshake, seen, 'key_block', block, 'PRF(' + from + ', "key expansion", server_random + client_random), ' + blockLength + ' bytes');
  let offset = 0;
  for (const [label, length] of [['client_write_MAC_key', macLength], ['server_write_MAC_key', macLength], ['client_write_key', keyLength], ['server_write_key', keyLength], ['client_write_IV', fixedIvLength], ['server_write_IV', fixedIvLength]]) {
    if (length === 0) continue;
    report(handshake, seen, label, block.subarray(offset, offset + length), 'key_block[' + offset + '..' + (offset + length) + ']');
    offset += length;
  }
}

function hashOf(hash, data) {
  return createHash(hash).update(data).digest();
}

console.log('Key schedule of ' + RUN.url + ' (' + RUN.version + '), recomputed with node:crypto');
console.log('key log: ' + keyLogPath + ' (' + keyLog.size + ' lines)');
let notRecomputed = 0;
RUN.handshakes.forEach((handshake, i) => {
  console.log('');
  console.log((RUN.handshakes.length > 1 ? 'Handshake ' + (i + 1) + (i > 0 ? ' (renegotiation)' : '') : 'Handshake') + ': ' + handshake.cipherSuite + ', client_random ' + handshake.clientRandom);
  const seen = new Set();
  if (RUN.version === 'TLSv1.3') tls13(handshake, seen);
  else tls12(handshake, seen);
  for (const [label] of handshake.shown) {
    if (seen.has(label)) continue;
    notRecomputed++;
    console.log('  ' + label + '  NOT RECOMPUTED by this script (shown on the page)');
  }
});
console.log('');
const ok = differ === 0 && notRecomputed === 0;
console.log((ok ? 'ALL MATCH: ' : 'MISMATCH: ') + matched + ' values match the page, ' + keyLogMatched + ' match the key log' + (differ ? ', ' + differ + ' differ' : '') + (notRecomputed ? ', ' + notRecomputed + ' not recomputed' : '') + '.');
process.exit(ok ? 0 : 1);
`;
