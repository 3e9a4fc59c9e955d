import { describe, it } from 'node:test';
import { tEn } from '../helpers/i18n';
import assert from 'node:assert/strict';
import { isHandshakeMessage, transportEvent } from '../../lib/trace/steps';
import { buildCertificatePanel } from '../../lib/view/certificate';
import { buildSummary, explainingStep, formatMs } from '../../lib/view/summary';
import { rfcLink } from '../../lib/view/rfc';
import { iisRustlsTrace, relayRefusalTrace, tls13OkTrace } from './fixtures/traces';

describe('certificate panel', () => {
  it('shows a trusted chain leaf first, with each check under its certificate', () => {
    const panel = buildCertificatePanel(tls13OkTrace())!;
    assert.equal(panel.verdict, 'trusted');
    assert.equal(panel.tone, 'good');
    assert.deepEqual(panel.cards.map((c) => [c.role, c.entry.subject, c.checks.length, c.ok]), [
      ['leaf', 'CN=tls13.test', 4, true],
      ['root', 'CN=TLS Playground Demo CA', 1, true],
    ]);
    assert.deepEqual(panel.chainChecks.map((c) => c.check), ['chain']);
    assert.equal(panel.cards[0].validity.state, 'valid');
    assert.equal(panel.cards[0].validity.daysLeft, 336);
    assert.equal(panel.cards[1].sourceLabel, 'the demo CA, trusted for the demo targets only');
    assert.equal(panel.stepSeqs.length, 1);
    assert.ok(isHandshakeMessage(tls13OkTrace().steps[panel.certificateMessageSeq!], 'certificate', 'server'));
  });

  it('explains an untrusted certificate and marks "continue anyway" as insecure', () => {
    const panel = buildCertificatePanel(iisRustlsTrace())!;
    assert.equal(panel.verdict, 'untrusted');
    assert.equal(panel.insecure, true);
    assert.equal(panel.tone, 'warning');
    assert.match(panel.headline, /^Certificate not trusted: expired on 2026-01-01\. You chose to continue anyway/);
    assert.equal(panel.cards[0].validity.state, 'expired');
    assert.equal(panel.cards[0].ok, false);
    assert.deepEqual(panel.failed.map((c) => c.check), ['validity', 'chain']);
    assert.equal(panel.alert, 'unknown_ca');
    const real = { ...iisRustlsTrace(), options: { ...iisRustlsTrace().options, url: 'https://example.com/' } };
    real.certificate!.chain[0].source = 'user-ca';
    assert.equal(buildCertificatePanel(real)!.cards[0].sourceLabel, 'from your CA list', 'only demo hosts name the demo CA');
  });

  it('is absent when the run never got a certificate', () => {
    assert.equal(buildCertificatePanel(relayRefusalTrace()), undefined);
  });
});

describe('summary card', () => {
  it('summarises a good run: negotiated parameters, verdict, HTTP status, timings', () => {
    const card = buildSummary(tls13OkTrace(), tEn);
    assert.equal(card.outcomeLabel, 'Handshake complete');
    assert.equal(card.tone, 'good');
    assert.equal(card.host, 'tls13.test');
    const items = Object.fromEntries(card.items.map((i) => [i.label, i.value]));
    assert.deepEqual(items, {
      Version: 'TLSv1.3',
      'Cipher suite': 'TLS_AES_128_GCM_SHA256',
      Group: 'x25519',
      'Signature scheme': 'ecdsa_secp256r1_sha256',
      ALPN: 'http/1.1',
      Certificate: 'trusted',
      HTTP: '200 OK',
      Personality: 'rustls',
    });
    const trace = tls13OkTrace();
    const connectedAt = trace.steps.find((s) => transportEvent(s) === 'connected')!.timeMs;
    assert.deepEqual(card.timings, [
      { label: 'TCP connected', value: `at ${formatMs(connectedAt)} (took 1.2 ms)` },
      { label: 'Handshake done', value: `at ${formatMs(connectedAt + 9.8)} (took 9.8 ms)` },
      { label: 'Server’s first byte', value: 'at 12 ms' },
      { label: 'Total', value: formatMs(trace.timings.totalMs) },
    ]);
    assert.deepEqual(card.alerts, []);
  });

  it('does not list close_notify among the alerts: it is how a connection ends normally', () => {
    const trace = tls13OkTrace();
    trace.alerts = [{ from: 'server', level: 'warning', description: 'close_notify' }];
    assert.deepEqual(buildSummary(trace, tEn).alerts, []);
  });

  it('summarises the IIS reset with the client’s warning alert', () => {
    const card = buildSummary(iisRustlsTrace(), tEn);
    assert.equal(card.outcomeLabel, 'Connection reset');
    assert.equal(card.tone, 'bad');
    assert.deepEqual(card.alerts, [{ text: 'Client sent warning alert no_renegotiation', tone: 'warning' }]);
    const cert = card.items.find((i) => i.label === 'Certificate')!;
    assert.equal(cert.value, 'untrusted (unknown_ca), continued anyway');
    assert.equal(cert.tone, 'warning');
    assert.equal(card.items.find((i) => i.label === 'HTTP')!.value, '—');
  });

  it('shows dashes for what a failed run never negotiated', () => {
    const card = buildSummary(relayRefusalTrace(), tEn);
    assert.equal(card.outcomeLabel, 'Failed');
    assert.match(card.detail, /relay refused/i);
    assert.equal(card.items.find((i) => i.label === 'Version')!.value, '—');
    assert.equal(card.timings[0].value, '—');
  });

  it('reads its timings as one timeline: moments since the start, in the order they happened, with durations beside them', () => {
    // A renegotiating run: the server's first byte (its ServerHello) comes long before the handshake
    // the request waited for is done. Bare, "Handshake 271 ms" beside "First byte 263 ms" said the opposite.
    const trace = tls13OkTrace();
    const connected = trace.steps.find((s) => transportEvent(s) === 'connected')!;
    connected.timeMs = 8;
    trace.timings = { connectMs: 6, handshakeMs: 271, firstByteMs: 263, totalMs: 540 };
    assert.deepEqual(
      buildSummary(trace, tEn).timings.map((t) => `${t.label} ${t.value}`),
      ['TCP connected at 8.0 ms (took 6.0 ms)', 'Server’s first byte at 263 ms', 'Handshake done at 279 ms (took 271 ms)', 'Total 540 ms'],
    );
    trace.timings = { connectMs: 6, handshakeMs: 20, firstByteMs: 15, totalMs: 40 };
    assert.deepEqual(buildSummary(trace, tEn).timings.map((t) => t.label), ['TCP connected', 'Server’s first byte', 'Handshake done', 'Total']);
    trace.timings = { totalMs: 3 };
    assert.deepEqual(buildSummary(trace, tEn).timings.map((t) => t.value).slice(1), ['—', '—', '3.0 ms']);
  });

  it('opens the step that explains a failure, not the closing notes after it', () => {
    const iis = iisRustlsTrace();
    iis.steps.push({ seq: iis.steps.length, timeMs: 20, direction: 'local', layer: 'verdict', kind: 'outcome', data: { outcome: 'reset', personality: 'rustls', cause: { cause: 'reset' } } });
    assert.equal(transportEvent(iis.steps[explainingStep(iis)!]), 'reset');
    const relay = relayRefusalTrace();
    assert.equal(explainingStep(relay), 0);
    const ok = tls13OkTrace();
    assert.equal(explainingStep(ok), ok.steps.length - 1);
    assert.equal(explainingStep({ steps: [], outcome: 'error' }), undefined);
  });

  it('formats durations for people', () => {
    assert.deepEqual([formatMs(0.25), formatMs(42.4), formatMs(1534)], ['0.3 ms', '42 ms', '1.53 s']);
  });
});

describe('RFC links', () => {
  it('points at the section anchor of the RFC Editor rendering', () => {
    assert.deepEqual(rfcLink('RFC 8446 §4.1.2'), { label: 'RFC 8446 §4.1.2', href: 'https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2' });
    assert.equal(rfcLink('RFC 5246 §7.4.1.1')!.href, 'https://www.rfc-editor.org/rfc/rfc5246#section-7.4.1.1');
    assert.equal(rfcLink('RFC 8446 §D.4')!.href, 'https://www.rfc-editor.org/rfc/rfc8446#appendix-D.4');
    assert.equal(rfcLink('RFC 5746')!.href, 'https://www.rfc-editor.org/rfc/rfc5746');
  });

  it('gives no link for text that is not an RFC reference', () => {
    assert.equal(rfcLink(undefined), undefined);
    assert.equal(rfcLink('see the manual'), undefined);
  });
});
