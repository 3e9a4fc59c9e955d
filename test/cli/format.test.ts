/** The CLI's closing summary, from a trace (the transcript's last lines). */
import { describe, it } from 'node:test';
import { tEn } from '../helpers/i18n';
import assert from 'node:assert/strict';
import { formatSummary, painter } from '../../cli/format';
import { iisRustlsTrace, tls13OkTrace } from '../view/fixtures/traces';

const plain = painter(false);

describe('the CLI summary', () => {
  it('after the IIS reset, says why, how to fix it, and which command diagnoses the URL', () => {
    const text = formatSummary(iisRustlsTrace(), plain, tEn);
    assert.match(text, /^outcome: reset/);
    assert.match(text, /^why: The server asked to renegotiate, and this client would not\.$/m);
    assert.match(text, /rustls refused with a warning no_renegotiation alert/);
    assert.equal(text.match(/^fix \((server|client)\): /gm)?.length, 3);
    assert.match(text, /^fix \(server\): Ask for the client certificate in the initial handshake .*clientcertnegotiation=enable/m);
    assert.match(text, /^more: npx tls-playground diagnose https:\/\/iis\.test\/secure /m);
  });

  it('says nothing of renegotiation for a run that went well', () => {
    const text = formatSummary(tls13OkTrace(), plain, tEn);
    assert.match(text, /^outcome: ok/);
    assert.doesNotMatch(text, /why:|fix \(|diagnose/);
  });
});
