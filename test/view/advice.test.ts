import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adviceFor as adviceIn, renegotiationAdvice as renegotiationAdviceIn } from '../../lib/view/advice';
import { tEn } from '../helpers/i18n';
import type { CertificateCheck, ChainEntry, Step, Trace } from '../../lib/trace/schema';
import { iisRustlsTrace, relayRefusalTrace, tls13OkTrace } from './fixtures/traces';
import { isHelloRequest } from '../../lib/trace/steps';

const adviceFor = (trace: Trace) => adviceIn(trace, tEn);
const renegotiationAdvice = (trace: Trace) => renegotiationAdviceIn(trace, tEn);

/** The IIS run as another client: its verdict step on the HelloRequest, and how the run ended. */
function asClient(personality: string, reaction: string, outcome: Trace['outcome']): Trace {
  const base = iisRustlsTrace();
  const at = base.steps.findIndex(isHelloRequest) + 1;
  const verdict: Step = { seq: 0, timeMs: base.steps[at].timeMs, direction: 'local', layer: 'verdict', kind: 'personality', data: { personality, trigger: 'hello_request', reaction, renegotiations: 0 } };
  return { ...base, personality, outcome, alerts: [], steps: [...base.steps.slice(0, at), verdict, ...base.steps.slice(at)] };
}

describe('the summary’s renegotiation hint', () => {
  it('explains the rustls reset, the fixes, and links to the doctor and the comparison for this URL', () => {
    const hint = renegotiationAdvice(iisRustlsTrace())!;
    assert.match(hint.explanation, /HelloRequest/);
    assert.match(hint.explanation, /rustls refused with a warning no_renegotiation alert, which RFC 5246 §7\.4\.1\.1 allows/);
    assert.match(hint.explanation, /resets the TCP connection[^.]*“Connection reset by peer”/);
    assert.deepEqual(hint.fixes.map((f) => f.who), ['server', 'server', 'client']);
    assert.match(hint.fixes[0].text, /clientcertnegotiation=enable/);
    assert.match(hint.fixes[1].text, /TLS 1\.3/);
    assert.deepEqual(hint.links, [
      { label: 'Diagnose this URL with every client', href: '/doctor?url=https%3A%2F%2Fiis.test%2Fsecure' },
      // Run at once, with the demo client certificate on a demo target: OpenSSL then gets 200.
      { label: 'Compare rustls with OpenSSL', href: '/compare?url=https%3A%2F%2Fiis.test%2Fsecure&a=rustls&cert=demo&run=1' },
    ]);
  });

  it('says what each refusing client did and how the run ended', () => {
    const cases: [string, string, Trace['outcome'], RegExp][] = [
      ['boringssl-ignore', 'ignore', 'timeout', /BoringSSL \(ignore\) ignored it[\s\S]*never comes/],
      ['boringssl', 'refuse-fatal', 'alert', /BoringSSL refused with a fatal no_renegotiation alert[\s\S]*ended with an alert/],
      ['go', 'refuse-warning-then-fail', 'error', /Go crypto\/tls refused with a warning no_renegotiation alert and then stopped using the connection[\s\S]*No response/],
    ];
    for (const [personality, reaction, outcome, expected] of cases) {
      const hint = renegotiationAdvice(asClient(personality, reaction, outcome));
      assert.ok(hint, personality);
      assert.match(hint.explanation, expected);
      assert.match(hint.links[1].href, new RegExp(`&a=${personality}&cert=demo&run=1$`));
    }
  });

  it('stays silent when the client renegotiated, when nothing asked it to, and when the run succeeded', () => {
    assert.equal(renegotiationAdvice(asClient('openssl', 'renegotiate', 'alert')), undefined);
    assert.equal(renegotiationAdvice(tls13OkTrace()), undefined);
    const ok = { ...iisRustlsTrace(), outcome: 'ok' as const };
    assert.equal(renegotiationAdvice(ok), undefined);
    const noHelloRequest = iisRustlsTrace();
    noHelloRequest.steps = noHelloRequest.steps.filter((s) => !isHelloRequest(s));
    assert.equal(renegotiationAdvice(noHelloRequest), undefined);
  });
});

/** A TLS 1.3 run whose certificate failed these checks, ended by the client's alert (or continued). */
function rejected(checks: CertificateCheck[], chain: ChainEntry[], insecure = false): Trace {
  const base = tls13OkTrace();
  return { ...base, outcome: insecure ? 'ok' : 'alert', certificate: { verdict: 'untrusted', alert: 'bad_certificate', insecure: insecure || undefined, chain, checks } };
}
const entry = (subject: string, issuer: string): ChainEntry => ({ subject, issuer, notBefore: '2025-01-01T00:00:00Z', notAfter: '2027-01-01T00:00:00Z', serialNumber: '01', source: 'server', sha256: 'ab'.repeat(32) });
const fail = (check: string, detail: string, certificate?: number): CertificateCheck => ({ check, ok: false, certificate, detail });
const pass = (check: string): CertificateCheck => ({ check, ok: true, detail: 'fine' });

describe('advice on a rejected certificate', () => {
  it('names a missing intermediate, a self-signed certificate and an unknown root apart', () => {
    const chainFail = fail('chain', 'no path to a trusted root');
    const incomplete = adviceFor(rejected([chainFail], [entry('CN=site.test', 'CN=Some Intermediate')]))!;
    assert.equal(incomplete.kind, 'certificate');
    assert.equal(incomplete.title, 'The server does not send its intermediate certificate');
    assert.match(incomplete.explanation, /CN=site\.test is signed by CN=Some Intermediate, which the server did not send/);
    assert.match(incomplete.fixes[0].text, /^Send the full chain/);
    assert.equal(adviceFor(rejected([chainFail], [entry('CN=a', 'CN=i1'), entry('CN=i1', 'CN=i2')]))!.title, 'The chain is missing a certificate');
    assert.equal(adviceFor(rejected([chainFail], [entry('CN=me', 'CN=me')]))!.title, 'The certificate is self-signed');
    const root = adviceFor(rejected([chainFail], [entry('CN=site', 'CN=Private Root'), entry('CN=Private Root', 'CN=Private Root')]))!;
    assert.equal(root.title, 'The chain ends at a root nobody trusts');
    assert.match(root.explanation, /CN=Private Root/);
  });

  it('explains expiry of the certificate and of an intermediate, a future start, a wrong name, a bad signature and a wrong purpose', () => {
    const chain = [entry('CN=site.test', 'CN=CA')];
    const cases: [CertificateCheck, string, RegExp][] = [
      [fail('validity', 'expired on 2024-01-01T00:00:00Z (700 days before this check)', 0), 'The certificate has expired', /^Renew the certificate/],
      [fail('validity', 'expired on 2024-01-01T00:00:00Z (700 days before this check)', 1), 'A certificate in the chain has expired', /current intermediate/],
      [fail('validity', 'not valid before 2030-01-01T00:00:00Z (1000 days after this check)', 0), 'The certificate is not valid yet', /valid now/],
      [fail('hostname', 'site.test does not match any name the certificate is valid for (DNS:other.test)', 0), 'The certificate is for another name', /subjectAltName lists tls13\.test/],
      [fail('signature', 'the signature by CN=CA does not verify', 0), 'A signature in the chain does not verify', /exactly as the CA issued them/],
      [fail('extendedKeyUsage', 'its extKeyUsage (clientAuth) does not allow serverAuth', 0), 'The certificate may not be used for this', /serverAuth/],
    ];
    const future = [{ ...entry('CN=site.test', 'CN=CA'), notBefore: '2030-01-01T00:00:00Z' }];
    for (const [check, title, fix] of cases) {
      // Which validity failure it was is read from the dates, not from the check's wording.
      const advice = adviceFor(rejected([pass('chain'), check], title.endsWith('not valid yet') ? future : chain))!;
      assert.equal(advice.title, title, check.detail);
      assert.match(advice.fixes[0].text, fix, title);
      assert.match(advice.fixes[advice.fixes.length - 1].text, /continue on certificate errors/, 'the way to look anyway comes last');
    }
  });

  it('names the names a certificate for another host does list', () => {
    const listing = [{ ...entry('CN=other.test', 'CN=CA'), names: ['other.test', '*.other.test', '192.0.2.1'] }];
    const advice = adviceFor(rejected([pass('chain'), fail('hostname', 'no match', 0)], listing))!;
    assert.equal(advice.explanation, 'The certificate lists other.test, *.other.test, 192.0.2.1, not tls13.test. A certificate is only good for the names it lists.');
    const older = adviceFor(rejected([pass('chain'), fail('hostname', 'no match', 0)], [entry('CN=other.test', 'CN=CA')]))!;
    assert.match(older.explanation, /^The certificate does not list tls13\.test\./, 'a trace recorded before names were kept still gets advice');
  });

  it('leads with the chain when several checks failed, mentions the others, and drops the "continue anyway" tip once chosen', () => {
    const advice = adviceFor(rejected([fail('hostname', 'x does not match', 0), fail('chain', 'no path'), fail('validity', 'expired on 2024-01-01T00:00:00Z (1 day before this check)', 0)], [entry('CN=me', 'CN=me')], true))!;
    assert.equal(advice.title, 'The certificate is self-signed');
    assert.match(advice.explanation, /Also: the certificate has expired\. Also: the certificate is for another name\./);
    assert.ok(!advice.fixes.some((f) => /continue on certificate errors/.test(f.text)));
    assert.equal(adviceFor(tls13OkTrace()), undefined, 'a trusted certificate needs no advice');
  });
});

describe('advice when the server finds nothing in common', () => {
  const refused = (description: string, options: Partial<Trace['options']> = {}): Trace => {
    const base = tls13OkTrace();
    return {
      ...base,
      outcome: 'alert',
      certificate: undefined,
      options: { ...base.options, ...options },
      alerts: [{ from: 'server', level: 'fatal', description }],
      steps: base.steps.filter((s) => !(s.direction === 'server->client' && s.layer === 'handshake')),
    };
  };

  it('protocol_version: says what was offered, and to offer both versions when the run narrowed them', () => {
    const narrowed = adviceFor(refused('protocol_version', { versions: ['TLSv1.2'] }))!;
    assert.equal(narrowed.title, 'The server speaks none of the TLS versions offered');
    assert.match(narrowed.explanation, /\(TLSv1\.2\)/);
    assert.deepEqual(narrowed.fixes.map((f) => f.who), ['you', 'server']);
    assert.deepEqual(adviceFor(refused('protocol_version', { versions: ['TLSv1.3', 'TLSv1.2'] }))!.fixes.map((f) => f.who), ['server']);
  });

  it('handshake_failure: names the narrowed choices, if any', () => {
    const narrowed = adviceFor(refused('handshake_failure', { cipherSuites: ['TLS_CHACHA20_POLY1305_SHA256'], groups: ['secp384r1'] }))!;
    assert.equal(narrowed.title, 'The server found nothing to agree on');
    assert.match(narrowed.explanation, /offered only cipher suites: TLS_CHACHA20_POLY1305_SHA256; groups: secp384r1\./);
    assert.deepEqual(narrowed.fixes.map((f) => f.who), ['you', 'server']);
    assert.deepEqual(adviceFor(refused('handshake_failure'))!.fixes.map((f) => f.who), ['server']);
  });

  it('says nothing once the server answered with a ServerHello, or for other alerts', () => {
    const answered = refused('handshake_failure');
    answered.steps = tls13OkTrace().steps;
    assert.equal(adviceFor(answered), undefined);
    assert.equal(adviceFor(refused('decode_error')), undefined);
  });
});

describe('advice when the server wanted a client certificate', () => {
  const withoutCertificate = (which: 'none configured' | 'unusable', end: Partial<Trace>): Trace => {
    const base = tls13OkTrace();
    const none: Step = { seq: 0, timeMs: 1, direction: 'local', layer: 'verdict', kind: 'no-client-certificate', data: { configured: which === 'unusable' } };
    return { ...base, steps: [...base.steps.slice(0, 8), none, ...base.steps.slice(8)], ...end };
  };

  it('says the server asked, the run had none, and how the server answered', () => {
    const http403 = adviceFor(withoutCertificate('none configured', { http: { status: 403, reason: 'Forbidden', headers: [], bodyBytes: 0, chunked: false } }))!;
    assert.equal(http403.kind, 'client-certificate');
    assert.equal(http403.title, 'The server wants a client certificate');
    assert.match(http403.explanation, /this run has none, so the client sent an empty Certificate message\. The server answered with HTTP 403 Forbidden\./);
    assert.match(http403.fixes[0].text, /--client-cert FILE --client-key FILE/);
    const alert = adviceFor(withoutCertificate('none configured', { outcome: 'alert', http: undefined, alerts: [{ from: 'server', level: 'fatal', description: 'certificate_required' }] }))!;
    assert.match(alert.explanation, /answered with a fatal certificate_required alert/);
    const unusable = adviceFor(withoutCertificate('unusable', { http: { status: 403, reason: 'Forbidden', headers: [], bodyBytes: 0, chunked: false } }))!;
    assert.equal(unusable.title, 'The server cannot use this client certificate');
  });

  it('stays silent when the server let the run through, or never asked', () => {
    assert.equal(adviceFor(withoutCertificate('none configured', {})), undefined, 'HTTP 200: the certificate was optional');
    assert.equal(adviceFor({ ...tls13OkTrace(), http: { status: 403, reason: 'Forbidden', headers: [], bodyBytes: 0, chunked: false } }), undefined, 'a 403 that no certificate request explains');
  });
});

describe('advice on a trace from an older engine', () => {
  it('copes with the lists such a trace may lack', () => {
    const old = { ...tls13OkTrace(), outcome: 'alert', options: { url: 'https://legacy.example/' }, alerts: [{ from: 'server', level: 'fatal', description: 'handshake_failure' }], steps: [], certificate: undefined } as unknown as Trace;
    assert.equal(adviceFor(old)?.title, 'The server found nothing to agree on');
    assert.equal(adviceFor({ ...old, alerts: undefined, steps: undefined } as unknown as Trace), undefined);
    const cert = { ...old, certificate: { verdict: 'untrusted' } } as unknown as Trace;
    assert.equal(adviceFor(cert)?.kind, 'negotiation', 'an untrusted verdict without checks says nothing of the certificate');
  });
});

describe('advice when the relay refused the target', () => {
  it('gives the relay’s reason, the CLI command that connects directly, and the settings an operator has', () => {
    const advice = adviceFor(relayRefusalTrace())!;
    assert.equal(advice.kind, 'relay-policy');
    assert.equal(advice.title, 'The relay will not connect there');
    assert.match(advice.explanation, /^The relay refused before connecting: private addresses are not reachable through the relay\.$/);
    assert.deepEqual(advice.fixes.map((f) => f.who), ['you', 'relay']);
    assert.match(advice.fixes[0].text, /npx tls-playground https:\/\/10\.0\.0\.1\/$/);
    assert.match(advice.fixes[1].text, /RELAY_ALLOWED_PORTS/);
  });
});
