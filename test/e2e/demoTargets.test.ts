/**
 * Every demo target run from the page, in chromium, with the TLS client running in the page and
 * its bytes going through the relay to the demo servers on loopback. The steps the diagram shows
 * are asserted, in order.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page, WebSocket } from 'playwright-core';
import { assertIisRustlsReset, assertInOrder, runResult, type RunResult } from './expectations';
import { screenshotPath, startStack, type Stack } from './harness';

let stack: Stack;
let page: Page;

before(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await page.goto(stack.baseUrl);
  await page.locator('[data-testid=run-options] summary').click();
});

after(async () => {
  await stack?.close();
});

interface RunSettings {
  personality?: string;
  clientCertificate?: boolean;
  postHandshakeAuth?: boolean;
  insecure?: boolean;
}


async function setCheckbox(name: RegExp, checked: boolean) {
  const box = page.getByRole('checkbox', { name });
  if ((await box.isChecked()) !== checked) await box.click();
}

async function configure({ personality = 'rustls', clientCertificate = false, postHandshakeAuth = false, insecure = false }: RunSettings) {
  await page.getByRole('radio', { name: new RegExp(`^${personality}\\s`) }).check();
  await page.getByRole('radio', { name: clientCertificate ? /^Demo certificate/ : /^None$/ }).check();
  await setCheckbox(/post_handshake_auth/, postHandshakeAuth);
  await setCheckbox(/Continue on certificate errors/, insecure);
}

async function result(): Promise<RunResult> {
  await page.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 40_000 });
  const card = page.getByTestId('summary-card');
  const labels = await page.locator('[data-testid=step-row]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return runResult(await card.getAttribute('data-outcome'), await card.innerText(), labels);
}

async function runUrl(url: string, settings: RunSettings = {}): Promise<RunResult> {
  await configure(settings);
  await page.getByTestId('url-input').fill(url);
  await page.getByTestId('run-button').click();
  return result();
}

async function runDemo(name: string, settings: RunSettings = {}): Promise<RunResult> {
  await configure(settings);
  await page.locator(`[data-testid=demo-target][data-target="${name}"]`).click();
  return result();
}


function assertAbsent(steps: string[], pattern: RegExp) {
  assert.ok(!steps.some((s) => pattern.test(s)), `no step should match ${pattern}; steps:\n${steps.join('\n')}`);
}

describe('demo targets run from the page', () => {
  it('IIS renegotiation as rustls: HelloRequest, warning no_renegotiation, connection reset', async () => {
    // While steps stream in, rows already drawn must not move: watch the first rows' positions.
    await page.evaluate(() => {
      const positions: Record<string, number[]> = {};
      (window as unknown as { __rowPositions: typeof positions }).__rowPositions = positions;
      new MutationObserver(() => {
        for (const row of document.querySelectorAll<HTMLElement>('[data-testid=step-row]')) {
          const seq = row.dataset.seq!;
          if (Number(seq) > 5) continue;
          (positions[seq] ??= []).push(row.offsetTop);
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    const run = await runDemo('iis-renegotiation', { personality: 'rustls' });
    const positions = await page.evaluate(() => (window as unknown as { __rowPositions: Record<string, number[]> }).__rowPositions);
    assert.ok(Object.keys(positions).length >= 3, 'rows were observed while streaming');
    for (const [seq, tops] of Object.entries(positions)) {
      assert.equal(new Set(tops).size, 1, `row ${seq} stayed in place while later steps arrived (offsets ${[...new Set(tops)].join(', ')})`);
    }
    assertIisRustlsReset(run);
    // The failed run opens the reset and says why.
    const detail = page.getByTestId('step-detail');
    assert.match(await detail.locator('h3').innerText(), /Connection reset by peer/);
    await detail.getByText('Why did this happen?').waitFor();
    // The summary names the renegotiation the client refused, the fixes, and where to dig further.
    const hint = page.getByTestId('advice');
    assert.match(await hint.innerText(), /rustls refused with a warning no_renegotiation alert[\s\S]*Connection reset by peer[\s\S]*clientcertnegotiation=enable/);
    await page.screenshot({ path: screenshotPath('demo-iis-rustls-reset'), fullPage: true });
    // Its links open the comparison and the doctor with this URL (and client) filled in.
    const links = hint.getByRole('link');
    assert.deepEqual(await links.allInnerTexts(), ['Diagnose this URL with every client →', 'Compare rustls with OpenSSL →']);
    const other = await stack.newPage();
    try {
      for (const href of await links.evaluateAll((els) => els.map((e) => (e as HTMLAnchorElement).href))) {
        await other.goto(href);
        assert.equal(await other.getByLabel('https URL').inputValue(), 'https://iis-renegotiation.test/secure/', href);
        if (href.includes('/compare')) assert.deepEqual([await other.getByTestId('compare-a').inputValue(), await other.getByTestId('compare-b').inputValue()], ['rustls', 'openssl']);
      }
      // Another client in ?a= is compared with OpenSSL; an unknown one or a non-https URL is ignored.
      await other.goto(`${stack.baseUrl}/compare?url=${encodeURIComponent('https://iis-renegotiation.test/secure/')}&a=go`);
      assert.deepEqual([await other.getByTestId('compare-a').inputValue(), await other.getByTestId('compare-b').inputValue()], ['go', 'openssl']);
      await other.goto(`${stack.baseUrl}/doctor?url=${encodeURIComponent('ftp://example.test/')}&a=nobody`);
      assert.equal(await other.getByLabel('https URL').inputValue(), 'https://iis-renegotiation.test/secure/');
    } finally {
      await other.close();
    }
  });

  it('IIS renegotiation as OpenSSL: renegotiates with a CertificateRequest; 403 without a certificate', async () => {
    const run = await runUrl('https://iis-renegotiation.test/secure/', { personality: 'openssl' });
    assert.equal(run.outcome, 'ok');
    assertInOrder(run.steps, [
      /^HTTP request: GET \/secure\//,
      /^HelloRequest/,
      /^ClientHello, \d+ B, client to server/,
      /^ServerHello, \d+ B, server to client/,
      /^CertificateRequest, \d+ B, server to client/,
      /^Certificate, \d+ B, client to server/,
      /^Finished, \d+ B, server to client/,
      /^HTTP response: 403/,
    ]);
    assertAbsent(run.steps, /^CertificateVerify, \d+ B, client to server/);
    assert.match(await page.getByTestId('advice').innerText(), /^The server wants a client certificate\n[\s\S]*The server answered with HTTP 403/);
  });

  it('IIS renegotiation as OpenSSL with the demo certificate: 200', async () => {
    const run = await runUrl('https://iis-renegotiation.test/secure/', { personality: 'openssl', clientCertificate: true });
    assert.equal(run.outcome, 'ok');
    assertInOrder(run.steps, [/^HelloRequest/, /^CertificateRequest/, /^Certificate, \d+ B, client to server/, /^CertificateVerify, \d+ B, client to server/, /^HTTP response: 200/]);
    assert.equal(await page.getByTestId('advice').count(), 0, 'a run that worked needs no advice');
    await page.screenshot({ path: screenshotPath('demo-iis-openssl-200'), fullPage: true });
  });

  it('IIS renegotiation with a request body: up to 48 KB is buffered while renegotiating, more gets 413', async () => {
    await page.getByRole('radio', { name: /POST/ }).check();
    const bodySize = page.getByRole('spinbutton', { name: 'Body size in bytes' });
    await bodySize.fill('1024');
    let run = await runUrl('https://iis-renegotiation.test/secure/upload', { personality: 'openssl', clientCertificate: true });
    assertInOrder(run.steps, [/^HTTP request: POST \/secure\/upload/, /^HelloRequest/, /^HTTP response: 200/]);
    await bodySize.fill('60000');
    run = await runUrl('https://iis-renegotiation.test/secure/upload', { personality: 'openssl', clientCertificate: true });
    assertInOrder(run.steps, [/^HTTP request: POST \/secure\/upload/, /^HTTP response: 413/]);
    await page.getByRole('radio', { name: 'GET' }).check();
  });

  it('IIS renegotiation as BoringSSL (ignore): nothing is sent back and the request hangs until the timeout', async () => {
    const run = await runDemo('iis-renegotiation', { personality: 'boringssl-ignore' });
    assert.equal(run.outcome, 'timeout');
    assertInOrder(run.steps, [/^HTTP request: GET \/secure\//, /^HelloRequest/, /^Timeout: Timed out after \d+ ms waiting for the HTTP response/]);
    assertAbsent(run.steps, /^Alert: no_renegotiation/);
  });

  it('IIS renegotiation as BoringSSL: a fatal no_renegotiation alert ends it', async () => {
    const run = await runDemo('iis-renegotiation', { personality: 'boringssl' });
    assert.equal(run.outcome, 'alert');
    assertInOrder(run.steps, [/^HelloRequest/, /^Alert: no_renegotiation \(fatal\), \d+ B, client to server/]);
    assertAbsent(run.steps, /^HTTP response/);
  });

  it('IIS renegotiation as Go: a warning no_renegotiation, then the connection is unusable', async () => {
    const run = await runDemo('iis-renegotiation', { personality: 'go' });
    assert.equal(run.outcome, 'error');
    assertInOrder(run.steps, [/^HelloRequest/, /^Alert: no_renegotiation \(warning\), \d+ B, client to server/]);
    assert.match(run.summary, /no renegotiation/);
  });

  it('IIS renegotiation as SChannel: renegotiates like OpenSSL', async () => {
    const run = await runDemo('iis-renegotiation', { personality: 'schannel', clientCertificate: true });
    assert.equal(run.outcome, 'ok');
    assertInOrder(run.steps, [/^HelloRequest/, /^ClientHello, \d+ B, client to server/, /^CertificateRequest/, /^CertificateVerify, \d+ B, client to server/, /^HTTP response: 200/]);
  });

  it('IIS fixed: the certificate is requested in the first handshake, so rustls gets 200', async () => {
    const run = await runDemo('iis-fixed', { personality: 'rustls', clientCertificate: true });
    assert.equal(run.outcome, 'ok');
    assertInOrder(run.steps, [/^ServerHello/, /^CertificateRequest, \d+ B, server to client/, /^Certificate, \d+ B, client to server/, /^CertificateVerify, \d+ B, client to server/, /^HTTP request/, /^HTTP response: 200/]);
    assertAbsent(run.steps, /^HelloRequest/);
  });

  it('TLS 1.3: one round trip, everything after ServerHello encrypted, keys derived', async () => {
    const run = await runDemo('tls13');
    assert.equal(run.outcome, 'ok');
    assert.match(run.summary, /TLSv1\.3/);
    assertInOrder(run.steps, [/^ClientHello/, /^ServerHello/, /^EncryptedExtensions/, /^Certificate, \d+ B, server to client/, /^CertificateVerify, \d+ B, server to client/, /^Finished, \d+ B, server to client/, /^Finished, \d+ B, client to server/, /^HTTP response: 200/]);
    await page.getByTestId('tab-keys').click();
    const secrets = await page.locator('[data-testid=key-node]').evaluateAll((els) => els.map((e) => e.getAttribute('data-key-id')));
    for (const label of ['handshake_secret', 'client_handshake_traffic_secret', 'server_handshake_traffic_secret', 'master_secret']) {
      assert.ok(secrets.some((id) => id?.startsWith(`${label}#`) || id?.includes(label)), `key schedule shows ${label}: ${secrets.join(', ')}`);
    }
    await page.screenshot({ path: screenshotPath('demo-tls13-key-schedule'), fullPage: true });
    await page.getByTestId('tab-certificate').click();
    assert.match(await page.getByTestId('certificate-panel').innerText(), /Certificate trusted/);
    await page.getByTestId('tab-step').click();
  });

  it('TLS 1.3 post-handshake auth: a client that offers it is asked for a certificate after the request', async () => {
    const run = await runDemo('tls13-pha', { personality: 'openssl', postHandshakeAuth: true, clientCertificate: true });
    assert.equal(run.outcome, 'ok');
    assertInOrder(run.steps, [/^HTTP request: GET \/secure\//, /^CertificateRequest, \d+ B, server to client/, /^Certificate, \d+ B, client to server/, /^CertificateVerify, \d+ B, client to server/, /^Finished, \d+ B, client to server/, /^HTTP response: 200/]);
  });

  it('TLS 1.3 post-handshake auth: rustls does not offer it and gets 403 without a CertificateRequest', async () => {
    const run = await runDemo('tls13-pha', { personality: 'rustls' });
    assert.equal(run.outcome, 'ok');
    assertInOrder(run.steps, [/^HTTP request: GET \/secure\//, /^HTTP response: 403/]);
    assertAbsent(run.steps, /^CertificateRequest/);
  });

  it('legacy TLS 1.2: static RSA key exchange with a CBC suite', async () => {
    const run = await runDemo('legacy-tls12', { personality: 'openssl' });
    assert.equal(run.outcome, 'ok');
    assert.match(run.summary, /TLS_RSA_WITH_AES_\d+_CBC_SHA/);
    assertInOrder(run.steps, [/^ServerHello/, /^Certificate, \d+ B, server to client/, /^ServerHelloDone/, /^ClientKeyExchange/, /^HTTP response: 200/]);
    assertAbsent(run.steps, /^ServerKeyExchange/);
  });

  it('legacy TLS 1.2 with extended_master_secret and encrypt_then_mac switched off in the options', async () => {
    const extension = (name: string) => page.getByRole('checkbox', { name: new RegExp(`^${name}`) });
    try {
      for (const name of ['extended_master_secret', 'encrypt_then_mac']) await extension(name).uncheck();
      assert.match(await page.locator('[data-testid=run-options] summary').innerText(), /TLS 1\.2 without extended_master_secret, encrypt_then_mac/);
      const run = await runDemo('legacy-tls12', { personality: 'openssl' });
      assert.equal(run.outcome, 'ok');
      // A real click, with nothing selected yet (the run succeeded): it must choose this row, not
      // the first one (which focusing the list used to select, scrolling this row away mid-click).
      await page.locator('[data-testid=step-row][aria-label^="Check: TLS 1.2 with"]').first().click();
      await page.waitForFunction(() => document.querySelector('[data-testid=step-detail] h3')?.textContent?.startsWith('TLS 1.2 with'));
      const detail = await page.getByTestId('step-detail').innerText();
      assert.match(detail, /No extended master secret \(RFC 7627\)/);
      assert.match(detail, /classic MAC-then-encrypt/);
    } finally {
      for (const name of ['extended_master_secret', 'encrypt_then_mac']) await extension(name).check();
    }
  });

  // Each failure with the alert it maps to and the advice the summary gives (title, then a fix).
  const certificateFailures: [string, RegExp, RegExp][] = [
    ['expired', /^Alert: certificate_expired \(fatal\), \d+ B, client to server/, /^The certificate has expired\n[\s\S]*Server: Renew the certificate/],
    ['wrong-host', /^Alert: (bad_certificate|certificate_unknown) \(fatal\), \d+ B, client to server/, /^The certificate is for another name\n[\s\S]*other-host\.test[\s\S]*subjectAltName lists wrong-host\.test/],
    ['self-signed', /^Alert: (unknown_ca|bad_certificate) \(fatal\), \d+ B, client to server/, /^The certificate is self-signed\n[\s\S]*Server: Use a certificate from a public CA/],
    ['untrusted-root', /^Alert: unknown_ca \(fatal\), \d+ B, client to server/, /^The chain ends at a root nobody trusts\n/],
    ['incomplete-chain', /^Alert: unknown_ca \(fatal\), \d+ B, client to server/, /^The server does not send its intermediate certificate\n[\s\S]*Server: Send the full chain/],
  ];
  for (const [name, alert, advice] of certificateFailures) {
    it(`${name}: the certificate is rejected, the client sends the alert it maps to, and the summary says how to fix it`, async () => {
      const run = await runDemo(name);
      assert.equal(run.outcome, 'alert');
      assertInOrder(run.steps, [/^Certificate, \d+ B, server to client/, /^Check: Certificate rejected/, alert]);
      assertAbsent(run.steps, /^HTTP request/);
      assert.match(await page.getByTestId('advice').innerText(), advice);
      await page.getByTestId('tab-certificate').click();
      assert.match(await page.getByTestId('certificate-panel').innerText(), /Certificate not trusted/);
      if (name === 'expired') await page.screenshot({ path: screenshotPath('demo-expired-certificate'), fullPage: true });
      await page.getByTestId('tab-step').click();
    });
  }

  it('tls13 offered only TLS 1.2: the server refuses with protocol_version, and the summary says what to offer', async () => {
    const tls13 = page.getByRole('checkbox', { name: 'TLSv1.3' });
    await tls13.uncheck();
    try {
      const run = await runDemo('tls13');
      assert.equal(run.outcome, 'alert');
      assertInOrder(run.steps, [/^ClientHello, \d+ B, client to server/, /^Alert: protocol_version \(fatal\), \d+ B, server to client/]);
      assert.match(await page.getByTestId('advice').innerText(), /^The server speaks none of the TLS versions offered\n[\s\S]*\(TLSv1\.2\)[\s\S]*This run: Offer both TLS 1\.3 and TLS 1\.2/);
    } finally {
      await tls13.check();
    }
  });

  it('expired, continuing anyway: the rest of the handshake runs and is marked insecure', async () => {
    const run = await runDemo('expired', { insecure: true });
    assert.equal(run.outcome, 'ok');
    assert.match(run.summary, /untrusted.*continued anyway/);
    assertInOrder(run.steps, [/^Check: Certificate rejected/, /^HTTP response: 200/]);
  });
});

describe('keyboard only', () => {
  it('types a URL, runs it, walks the steps and reads a field, without the mouse', async () => {
    const kb = await stack.newPage();
    await kb.goto(stack.baseUrl);
    // Skip link first, then the header links and the theme toggle, then the URL field.
    let focused = '';
    for (let presses = 0; presses < 12 && focused !== 'url-input'; presses++) {
      await kb.keyboard.press('Tab');
      focused = await kb.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
    }
    assert.equal(focused, 'url-input');
    await kb.keyboard.type('https://iis-renegotiation.test/secure/');
    await kb.keyboard.press('Enter');
    await kb.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 40_000 });

    // Focus the diagram with Tab, walk to the HelloRequest with the arrow keys.
    let role = '';
    for (let presses = 0; presses < 30 && role !== 'listbox'; presses++) {
      await kb.keyboard.press('Tab');
      role = await kb.evaluate(() => document.activeElement?.getAttribute('role') ?? '');
    }
    assert.equal(role, 'listbox');
    await kb.keyboard.press('Home');
    let label = '';
    for (let presses = 0; presses < 80 && !label.startsWith('HelloRequest'); presses++) {
      await kb.keyboard.press('ArrowDown');
      label = await kb.evaluate(() => {
        const id = document.activeElement?.getAttribute('aria-activedescendant');
        return (id && document.getElementById(id)?.getAttribute('aria-label')) || '';
      });
    }
    assert.match(label, /^HelloRequest, \d+ B, server to client/);
    assert.equal(await kb.getByTestId('step-detail').locator('h3').innerText(), 'HelloRequest');

    // On into the field tree: the HelloRequest's msg_type is 0.
    let treeItem = '';
    for (let presses = 0; presses < 8 && !treeItem; presses++) {
      await kb.keyboard.press('Tab');
      treeItem = await kb.evaluate(() => (document.activeElement?.getAttribute('role') === 'treeitem' ? document.activeElement.textContent ?? '' : ''));
    }
    assert.ok(treeItem, 'the field tree is reachable by Tab');
    await kb.keyboard.press('ArrowDown');
    assert.match(await kb.getByTestId('field-detail').innerText(), /msg_type/);
    await kb.screenshot({ path: screenshotPath('keyboard-hello-request'), fullPage: true });
  });
});

describe('the first run is prepared while the user gets ready', () => {
  it('focus in the form loads the engine and opens the relay WebSocket ahead; the run then uses it', async () => {
    const fresh = await stack.newPage();
    const sockets: string[] = [];
    const openSockets: WebSocket[] = [];
    fresh.on('websocket', (ws) => {
      sockets.push(ws.url());
      openSockets.push(ws);
    });
    await fresh.goto(stack.baseUrl);
    assert.deepEqual(sockets, [], 'nothing is opened before the user shows the intent to run');
    await fresh.getByTestId('url-input').focus();
    for (const started = Date.now(); sockets.length === 0; await fresh.waitForTimeout(20)) {
      assert.ok(Date.now() - started < 10_000, 'no WebSocket opened within 10 s of the focus');
    }
    // A preconnected WebSocket names its target later, in its first frame: no host in its URL.
    assert.equal(sockets.length, 1);
    assert.doesNotMatch(sockets[0], /[?&]host=/);
    await fresh.getByTestId('url-input').fill('https://tls13.test/');
    await fresh.getByTestId('run-button').click();
    await fresh.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 20_000 });
    assert.equal(await fresh.getByTestId('summary-card').getAttribute('data-outcome'), 'ok');
    // The run took the prepared WebSocket (and warmed the next one): none was opened for a target.
    assert.ok(sockets.every((url) => !/[?&]host=/.test(url)), sockets.join('\n'));

    // Sent to the background, the page gives its spare back; the next intent opens a new one.
    // Two WebSockets so far: the prepared one the run used, and the spare warmed behind it.
    assert.equal(openSockets.length, 2, sockets.join('\n'));
    const spare = openSockets[1];
    assert.equal(spare.isClosed(), false, 'the spare is open while the page is in front');
    const closed = new Promise<void>((resolve) => spare.on('close', () => resolve()));
    await fresh.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await closed;
    await fresh.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const before = sockets.length;
    await fresh.getByTestId('url-input').blur();
    await fresh.getByTestId('url-input').focus();
    for (const started = Date.now(); sockets.length === before; await fresh.waitForTimeout(20)) {
      assert.ok(Date.now() - started < 10_000, 'no new WebSocket after the page came back');
    }
    await fresh.close();
  });
});

describe('errors the user can cause', () => {
  it('a URL that is not https is refused in the form', async () => {
    await page.getByTestId('url-input').fill('ftp://example.com/');
    await page.getByTestId('run-button').click();
    assert.match(await page.getByTestId('form-error').innerText(), /Only https URLs/);
  });

  it('a target the relay refuses ends the run with the relay’s reason', async () => {
    const run = await runUrl('https://10.0.0.1/');
    assert.equal(run.outcome, 'error');
    assertInOrder(run.steps, [/^Relay refused/]);
    assert.match(run.summary, /relay only connects to host names/);
    assert.match(await page.getByTestId('advice').innerText(), /^The relay will not connect there\n[\s\S]*npx tls-playground https:\/\/10\.0\.0\.1\//);
    assert.match(await page.getByTestId('step-detail').innerText(), /Why did this happen\?/);
    await page.screenshot({ path: screenshotPath('error-relay-refused'), fullPage: true });
  });

  it('a port the relay does not allow is refused with the list of allowed ports', async () => {
    const run = await runUrl('https://tls13.test:1/');
    assert.equal(run.outcome, 'error');
    assert.match(run.summary, /port 1 is not allowed/);
  });

  it('leaves no console errors behind', () => {
    assert.deepEqual(stack.consoleErrors, []);
  });
});
