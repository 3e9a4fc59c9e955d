/**
 * The guided renegotiation story and the side-by-side comparison, run for real from the page.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { screenshotPath, startStack, type Stack } from './harness';

let stack: Stack;

before(async () => {
  stack = await startStack();
});

after(async () => {
  await stack?.close();
});

describe('the IIS renegotiation story', () => {
  it('runs rustls, OpenSSL without and with a certificate, and explains each', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.baseUrl}/renegotiation`);
    await page.getByTestId('story-run-all').click();
    for (const i of [0, 1, 2]) await page.getByTestId(`chapter-${i}`).getByTestId('chapter-result').waitFor({ timeout: 60_000 });

    const chapter = (i: number) => page.getByTestId(`chapter-${i}`);
    const moments = async (i: number) => chapter(i).getByTestId('moment').evaluateAll((els) => els.map((e) => e.querySelector('span')?.textContent ?? ''));
    assert.equal(await chapter(0).getByTestId('chapter-result').getAttribute('data-outcome'), 'reset');
    const rustls = await moments(0);
    const expected = [/^HelloRequest$/, /^rustls on HelloRequest: refuse/, /^Alert: no_renegotiation \(warning\)$/, /^Connection reset by peer/];
    assert.equal(rustls.length, expected.length, rustls.join(' | '));
    expected.forEach((pattern, i) => assert.match(rustls[i], pattern));
    const opensslNoCert = await moments(1);
    assert.ok(opensslNoCert.includes('ClientHello (renegotiation)') && opensslNoCert.includes('CertificateRequest'), opensslNoCert.join(' | '));
    assert.match(opensslNoCert[opensslNoCert.length - 1], /HTTP response: 403/);
    const opensslCert = await moments(2);
    assert.match(opensslCert[opensslCert.length - 1], /HTTP response: 200/);

    // rustls and OpenSSL side by side: identical up to the HelloRequest, then apart.
    const rows = page.getByTestId('comparison').getByTestId('comparison-row');
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-same') ?? '', ...[...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')]));
    const firstDifferent = cells.findIndex((c) => c[0] === 'false');
    assert.ok(firstDifferent > 0);
    assert.match(cells[firstDifferent - 1][1], /HelloRequest/);
    assert.match(cells[firstDifferent - 1][2], /HelloRequest/);
    assert.match(await page.getByTestId('comparison-outcome-a').innerText(), /Connection reset/);
    assert.match(await page.getByTestId('comparison-advice-a').innerText(), /^Why: The server asked to renegotiate, and this client would not\.$/);
    assert.match(await page.getByTestId('comparison-outcome-b').innerText(), /HTTP 200/);
    assert.equal(await page.getByTestId('comparison-advice-b').count(), 0);
    await page.screenshot({ path: screenshotPath('story-iis'), fullPage: true });
  });
});

describe('comparing two clients', () => {
  it('aligns rustls and BoringSSL against the IIS target and highlights where they differ', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.baseUrl}/compare`);
    await page.getByTestId('compare-b').selectOption('boringssl');
    await page.getByTestId('compare-run').click();
    await page.getByTestId('comparison').waitFor({ timeout: 60_000 });
    const different = await page.locator('[data-testid=comparison-row][data-same=false]').evaluateAll((trs) => trs.map((tr) => tr.textContent ?? ''));
    assert.ok(different.some((t) => /no_renegotiation \(warning\)/.test(t)), different.join('\n'));
    assert.ok(different.some((t) => /no_renegotiation \(fatal\)/.test(t)), different.join('\n'));
    await page.screenshot({ path: screenshotPath('compare-rustls-boringssl'), fullPage: true });
    assert.deepEqual(stack.consoleErrors, []);
  });
});

describe('the renegotiation doctor', () => {
  it('diagnoses the IIS target from the browser: the verdict names the failing clients and the netsh fix', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.baseUrl}/doctor`);
    await page.getByTestId('doctor-run').click();
    const verdict = page.getByTestId('doctor-verdict');
    await verdict.waitFor({ timeout: 90_000 });
    assert.equal(await verdict.getAttribute('data-severity'), 'problem');
    assert.match(await verdict.innerText(), /renegotiation/);
    assert.match(await verdict.innerText(), /connection reset by peer/i);
    assert.ok((await page.getByTestId('doctor-probe').count()) >= 6);
    const fixes = await page.getByTestId('doctor-fix').allInnerTexts();
    assert.ok(fixes.some((f) => /clientcertnegotiation=enable/.test(f)), fixes.join('\n'));
    await page.screenshot({ path: screenshotPath('doctor-iis'), fullPage: true });
  });
});
