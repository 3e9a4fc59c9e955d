/**
 * The hello stage both protocol versions share (rustls' hs.rs): the first ClientHello, a
 * HelloRetryRequest and the second ClientHello it asks for, and the ServerHello that decides the
 * version. From there tls13.ts or tls12.ts continues; neither imports this module back.
 */
import type { GroupName, KeyShare } from '../crypto/provider';
import { said } from '../diagnostics';
import { TlsAlertError } from '../errors';
import { encodeClientHello, readServerHello, type ServerHello } from '../handshake/messages';
import { clientHelloExtensionList, type PskOffer } from '../handshake/extensions';
import { helloExtensions } from './helloExtensions';
import { checkServerExtensions } from '../handshake/solicited';
import { cipherSuiteInfo, cipherSuites, groups, suitesForVersions, type CipherSuiteName } from '../registry/crypto';
import { equalBytes } from '../wire/bytes';
import type { Common, EarlyData, HandshakeIn, Hello, State } from './connection';
import { sentExtensionTypes } from '../tamper/apply';
import { encodeHelloWithPsk, offeredStep, preparePskOffer } from './resumption';
import { continueTls12, tls12Resumption } from './tls12';
import { handleServerHello13, sendCompatibilityCcs, sendEarlyData } from './tls13';

function defaultKeyShareGroups(offered: GroupName[]): GroupName[] {
  const first = offered[0];
  // Like current browsers: a hybrid share goes with a classical x25519 share in case the server lacks ML-KEM.
  if (first === 'X25519MLKEM768' && offered.includes('x25519')) return [first, 'x25519'];
  return first ? [first] : [];
}

/**
 * The first ClientHello's key shares, one per group the client guesses the server takes. Drawn
 * from the injected randomness before anything else in the ClientHello, whenever this runs.
 */
export async function makeKeyShares(c: Common): Promise<KeyShare[]> {
  const o = c.options;
  if (!o.versions.includes('TLSv1.3')) return [];
  const shares: KeyShare[] = [];
  for (const g of o.keyShareGroups ?? defaultKeyShareGroups(o.groups)) shares.push(await c.deps.crypto.generateKeyShare(g, c.deps.random));
  return shares;
}

/** Builds and sends the first ClientHello; returns the state that waits for ServerHello. */
export async function startHandshake(c: Common, early?: EarlyData): Promise<State> {
  const o = c.options;
  const offers13 = o.versions.includes('TLSv1.3');
  const offers12 = o.versions.includes('TLSv1.2');
  if (!offers13 && !offers12) throw new TlsAlertError('internal_error', said('client.noVersion'));
  const suites = suitesForVersions(o.cipherSuites, o.versions);
  if (!suites.length) throw new TlsAlertError('internal_error', said('client.noSuite'));
  const shares = await (c.preparedKeyShares ?? makeKeyShares(c));
  const random = c.deps.random(32);
  // RFC 8446 §D.4: a non-empty legacy_session_id puts the client in middlebox-compatibility mode.
  const tls12Session = tls12Resumption(c);
  // RFC 5246 §7.4.1.2: a TLS 1.2 session is resumed by its id (or, RFC 5077 §3.4, by a ticket with
  // an id of the client's choosing, echoed by a server that takes the ticket).
  const sessionId = tls12Session?.sessionId.length ? tls12Session.sessionId : offers13 || tls12Session?.ticket ? c.deps.random(32) : new Uint8Array(0);
  const psk = preparePskOffer(c, suites, early?.bytes.length ?? 0);
  const hello: Hello = { random, sessionId, suites, shares, retried: false, offeredExtensions: [], psk, tls12Session };
  if (psk) c.summary.resumption = { offered: true, accepted: false, mode: psk.modes[0] };
  await sendClientHello(c, hello);
  if (psk?.earlyData && early) await sendEarlyData(c, hello, early);
  return expectServerHello(c, hello);
}

async function sendClientHello(c: Common, hello: Hello): Promise<void> {
  const o = c.options;
  const extensions = (preSharedKey?: PskOffer) =>
    clientHelloExtensionList(
      helloExtensions(o, {
        keyShares: hello.shares.map((s) => ({ group: s.group, publicKey: s.publicKey })),
        cookie: hello.cookie,
        sessionTicketToResume: hello.tls12Session?.ticket,
        earlyData: Boolean(hello.psk?.earlyData) && !hello.retried,
        preSharedKey,
      }),
    );
  const params = { random: hello.random, legacySessionId: hello.sessionId, cipherSuites: hello.suites };
  let message;
  if (hello.psk) {
    const offered = encodeHelloWithPsk(c.deps.now(), params, extensions, hello.psk, c.transcript);
    message = offered.message;
    c.emit({ direction: 'local', layer: 'handshake', kind: 'resumption', data: offeredStep(hello.psk, offered.offer, offered.ticketAgeMs, hello.retried), rfc: 'RFC 8446 §4.2.11' });
  } else {
    message = encodeClientHello({ ...params, extensions: extensions() });
  }
  const [sent] = await c.sendHandshake([message]);
  // What the server answers is checked against what was sent (a tamper experiment may differ from what was built).
  const built = extensions(hello.psk ? { identity: new Uint8Array(1), obfuscatedTicketAge: 0, binder: new Uint8Array(32) } : undefined).map((e) => e.type);
  hello.offeredExtensions = sent === message ? built : sentExtensionTypes(sent);
  c.records.outgoingVersion = 0x0303;
}

/** The ServerHello decides the version: without supported_versions it is TLS 1.2 (RFC 8446 §4.2.1). */
function expectServerHello(c: Common, hello: Hello): State {
  return {
    name: 'ExpectServerHello',
    async handle(m: HandshakeIn): Promise<State> {
      if (m.type !== 'server_hello') throw new TlsAlertError('unexpected_message', said('client.expectedServerHello', { type: m.type }));
      const sh = c.parse(m, (r) => readServerHello(r));
      if (sh.extensions.supportedVersion === undefined) {
        return continueTls12(c, hello, sh, m);
      }
      if (sh.extensions.supportedVersion !== 'TLSv1.3' || !c.options.versions.includes('TLSv1.3')) {
        throw new TlsAlertError('illegal_parameter', said('client.versionNotOffered', { version: sh.extensions.supportedVersion }));
      }
      if (sh.legacyVersion !== 0x0303) throw new TlsAlertError('illegal_parameter', said('client.legacyVersion'));
      if (!equalBytes(sh.sessionId, hello.sessionId)) throw new TlsAlertError('illegal_parameter', said('client.sessionIdEcho'));
      if (sh.compression !== 0) throw new TlsAlertError('illegal_parameter', said('client.compression'));
      const suite = cipherSuites.name(sh.cipherSuite);
      if (!suite || !hello.suites.includes(suite) || cipherSuiteInfo(suite).version !== 'TLSv1.3') {
        throw new TlsAlertError('illegal_parameter', said('client.suiteNotOffered', { suite: codeNamed(cipherSuites, sh.cipherSuite) }));
      }
      checkServerExtensions(sh.extensions.seen, hello.offeredExtensions, sh.isHelloRetryRequest ? 'hello_retry_request' : 'server_hello');
      c.version = 'TLSv1.3';
      c.summary.version = 'TLSv1.3';
      c.summary.cipherSuite = suite;
      if (sh.isHelloRetryRequest) return handleHelloRetryRequest(c, hello, sh, suite, m);
      return handleServerHello13(c, hello, sh, suite, m);
    },
  };
}

async function handleHelloRetryRequest(c: Common, hello: Hello, hrr: ServerHello, suite: CipherSuiteName, m: HandshakeIn): Promise<State> {
  // RFC 8446 §4.1.4: at most one HelloRetryRequest, and it must change something.
  if (hello.retried) throw new TlsAlertError('unexpected_message', said('client.secondRetry'));
  const info = cipherSuiteInfo(suite);
  const selected = hrr.extensions.selectedGroup;
  let group: GroupName | undefined;
  if (selected !== undefined) {
    group = groups.name(selected);
    if (!group || !c.options.groups.includes(group)) throw new TlsAlertError('illegal_parameter', said('client.retryGroupNotOffered', { group: codeNamed(groups, selected) }));
    if (hello.shares.some((s) => s.group === group)) throw new TlsAlertError('illegal_parameter', said('client.retryGroupShared', { group }));
  }
  if (group === undefined && !hrr.extensions.cookie) throw new TlsAlertError('illegal_parameter', said('client.retryNoChange'));
  // Transcript: ClientHello1 is replaced by message_hash(ClientHello1), then the HRR follows.
  c.transcript.replaceWithMessageHash(info.hash);
  c.transcript.add(m.bytes);
  c.emit({
    direction: 'local',
    layer: 'handshake',
    kind: 'hello-retry',
    data: { ...(group ? { group } : {}), cookie: Boolean(hrr.extensions.cookie) },
    rfc: 'RFC 8446 §4.1.4',
  });
  const shares = group ? [await c.deps.crypto.generateKeyShare(group, c.deps.random)] : hello.shares;
  // RFC 8446 §4.2.10: no early data after a HelloRetryRequest; what was sent is lost, and the
  // second ClientHello goes in the clear. §4.1.4: a PSK whose hash differs from the suite's is dropped.
  if (hello.psk?.earlyData && c.summary.earlyData === 'sent') {
    c.records.write = undefined;
    c.summary.earlyData = 'rejected';
    if (c.summary.resumption) c.summary.resumption.earlyData = 'rejected';
    c.emit({ direction: 'local', layer: 'handshake', kind: 'early-data', data: { event: 'rejected', reason: 'hello-retry' }, rfc: 'RFC 8446 §4.2.10' });
  }
  const psk = hello.psk && hello.psk.hash === info.hash ? { ...hello.psk, earlyData: false } : undefined;
  const retry: Hello = { ...hello, shares, cookie: hrr.extensions.cookie, retried: true, suites: hello.suites, psk };
  // RFC 8446 §D.4: in compatibility mode the client sends its dummy CCS before the second ClientHello.
  await sendCompatibilityCcs(c);
  await sendClientHello(c, retry);
  return expectServerHelloAfterRetry(c, retry, suite);
}

function expectServerHelloAfterRetry(c: Common, hello: Hello, hrrSuite: CipherSuiteName): State {
  const inner = expectServerHello(c, hello);
  return {
    name: 'ExpectServerHello (after HelloRetryRequest)',
    async handle(m) {
      const next = await inner.handle(m);
      // RFC 8446 §4.1.4: the ServerHello must use the cipher suite of the HelloRetryRequest.
      if (c.summary.cipherSuite !== hrrSuite) throw new TlsAlertError('illegal_parameter', said('client.retrySuiteChanged'));
      return next;
    },
  };
}

/** A code the server sent, with its name when it has one: "0x001d (x25519)", or "0xfafa" (no word for "unknown": it reads in any language). */
function codeNamed(table: { name(code: number): string | undefined; describe(code: number): string }, code: number): string {
  return table.name(code) ? table.describe(code) : `0x${code.toString(16).padStart(4, '0')}`;
}
