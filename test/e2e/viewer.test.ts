/**
 * The page as a viewer of saved traces, in a real browser against the production build: the
 * diagram, a step's detail, the field ↔ byte linkage both ways, keyboard-only navigation, themes and
 * phone width. The traces are the view-model fixtures, saved to files and opened through the page.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { iisRustlsTrace, tls13OkTrace } from '../view/fixtures/traces';
import { RESULTS_DIR, screenshotPath, startStack, type Stack } from './harness';

let stack: Stack;

before(async () => {
  stack = await startStack();
});

after(async () => {
  await stack?.close();
});

async function openTrace(page: Page, name: string, trace: object): Promise<void> {
  const file = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, JSON.stringify(trace));
  await page.goto(stack.baseUrl);
  await page.getByTestId('open-trace').setInputFiles(file);
  await page.getByTestId('run').waitFor();
}

describe('viewing a saved trace', () => {
  it('draws the IIS failure with its TCP reset and explains why', async () => {
    const page = await stack.newPage();
    await openTrace(page, 'iis-rustls', iisRustlsTrace());
    const rows = page.getByTestId('step-row');
    assert.equal(await rows.count(), iisRustlsTrace().steps.length - 1, 'every step but the key derivation (hidden by default)');
    const titles = await page.locator('[data-testid=step-row]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    const helloRequest = titles.findIndex((t) => t.startsWith('HelloRequest'));
    const alert = titles.findIndex((t) => t.startsWith('Alert: no_renegotiation (warning)'));
    const reset = titles.findIndex((t) => t.startsWith('RST (connection reset)'));
    assert.ok(helloRequest >= 0 && helloRequest < alert && alert < reset, titles.join('\n'));
    assert.equal(await page.getByTestId('summary-card').getAttribute('data-outcome'), 'reset');
    // A failed run opens its last step: the reset, with the "why" box.
    const detail = page.getByTestId('step-detail');
    await detail.getByText('Why did this happen?').waitFor();
    assert.match(await detail.innerText(), /The server aborted the TCP connection with a reset \(RST\) instead of closing it or sending a TLS alert/);
    await page.screenshot({ path: screenshotPath('viewer-iis-reset'), fullPage: true });
  });

  it('links a field to its bytes and a byte to its field', async () => {
    const page = await stack.newPage();
    await openTrace(page, 'tls13-ok', tls13OkTrace());
    await page.locator('[data-testid=step-row][data-layer=handshake]').first().click();
    const detail = page.getByTestId('step-detail');
    assert.equal(await detail.locator('h3').innerText(), 'ClientHello');

    // Field → bytes: hovering legacy_version lights exactly its two bytes (offset 4 and 5).
    const tree = detail.getByRole('tree');
    await tree.getByRole('treeitem').filter({ hasText: 'legacy_version' }).first().hover();
    const lit = await detail.locator('[data-testid=hex-grid] [data-lit=true]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-byte'), e.textContent]));
    assert.deepEqual(lit, [
      ['4', '03'],
      ['5', '03'],
    ]);

    // Byte → field: hovering byte 0 (msg_type = 1) selects msg_type in the tree.
    await detail.locator('[data-testid=hex-grid] [data-byte="0"]').hover();
    const selected = tree.locator('[role=treeitem][aria-selected=true]');
    assert.match(await selected.innerText(), /^.?\s*msg_type/);
    assert.match(await detail.getByTestId('field-detail').innerText(), /ClientHello › msg_type/);
    // The field says what it is and why it has its value, with its RFC section linked.
    assert.equal(await detail.getByTestId('field-explanation').innerText(), 'HandshakeType: the first byte of every handshake message; 1 means ClientHello.');
    await detail.getByTestId('field-detail').getByRole('link', { name: /RFC 8446 §4/ }).waitFor();
    await page.screenshot({ path: screenshotPath('viewer-field-byte-linkage'), fullPage: true });
  });

  it('shows ciphertext and decrypted plaintext of a protected record', async () => {
    const page = await stack.newPage();
    await openTrace(page, 'tls13-ok', tls13OkTrace());
    await page.locator('[data-testid=step-row][data-layer=record]').filter({ hasText: 'Record: handshake (encrypted)' }).first().click();
    const detail = page.getByTestId('step-detail');
    await detail.getByText('On the wire (ciphertext)').waitFor();
    await detail.getByText('Decrypted plaintext').waitFor();
    assert.equal(await detail.getByTestId('hex-view').count(), 2);
    const plaintextTree = detail.getByRole('tree', { name: /decrypted/ });
    for (const name of ['EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished']) {
      await plaintextTree.getByRole('treeitem').filter({ hasText: name }).first().waitFor();
    }
  });

  it('shows a megabyte of bytes without freezing: only the lines in view are drawn, scrolling and the keyboard reach the end', async () => {
    const trace = tls13OkTrace();
    const size = 1024 * 1024;
    const body = 'ab'.repeat(size);
    trace.steps.push({
      seq: trace.steps.length,
      timeMs: 99,
      direction: 'server->client',
      layer: 'http',
      kind: 'http',
      data: { message: 'response', status: 200, reason: 'OK' },
      bytes: { hex: body, field: { name: 'HTTP response', offset: 0, length: size, children: [{ name: 'body', offset: 0, length: size, value: `${size} bytes` }] } },
    });
    const page = await stack.newPage();
    await openTrace(page, 'megabyte-response', trace);
    const started = Date.now();
    await page.locator('[data-testid=step-row][data-layer=http]').last().click();
    const grid = page.getByTestId('step-detail').getByTestId('hex-grid');
    await grid.waitFor();
    assert.ok(Date.now() - started < 10_000, `the detail took ${Date.now() - started} ms`);
    assert.equal(await grid.getAttribute('aria-rowcount'), String(size / 16));
    const drawn = await grid.locator('[data-byte]').count();
    assert.ok(drawn > 0 && drawn < 4096, `${drawn} byte cells drawn for ${size} bytes`);
    // Scrolling to the end draws the last line.
    await grid.evaluate((g) => (g.scrollTop = g.scrollHeight));
    await grid.locator(`[data-byte="${size - 1}"]`).waitFor();
    // Ctrl+Home, then Ctrl+End: the byte cursor moves and its line is scrolled into view each time.
    await grid.focus();
    await page.keyboard.press('Control+Home');
    await grid.locator('[data-byte="0"]').waitFor();
    await page.keyboard.press('Control+End');
    await grid.locator(`[data-byte="${size - 1}"]`).waitFor();
    assert.equal(await grid.getAttribute('aria-activedescendant'), await grid.locator(`[data-byte="${size - 1}"]`).getAttribute('id'));
    // Small byte views are drawn whole, as before.
    await page.locator('[data-testid=step-row][data-layer=handshake]').first().click();
    const small = page.getByTestId('step-detail').getByTestId('hex-grid').first();
    assert.equal(await small.locator('[data-byte]').count(), Number((await page.getByTestId('step-detail').innerText()).match(/(\d+) bytes/)![1]));
  });

  it('can be used with the keyboard alone', async () => {
    const page = await stack.newPage();
    await openTrace(page, 'tls13-ok', tls13OkTrace());
    const diagram = page.getByRole('listbox', { name: 'Steps of the run' });
    await diagram.focus();
    // Focusing the diagram selects the first step; arrows move through the steps.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const active = await diagram.getAttribute('aria-activedescendant');
    assert.ok(active, 'the diagram names its active step');
    const selectedLabel = await page.locator(`#${active}`).getAttribute('aria-label');
    assert.match(selectedLabel ?? '', /^ClientHello/);
    assert.equal(await page.getByTestId('step-detail').locator('h3').innerText(), 'ClientHello');

    // Tab on (past the tab list and the RFC link) into the field tree; the bytes follow the focus.
    let focusedRole: string | null | undefined;
    for (let presses = 0; presses < 6 && focusedRole !== 'treeitem'; presses++) {
      await page.keyboard.press('Tab');
      focusedRole = await page.evaluate(() => document.activeElement?.getAttribute('role'));
    }
    assert.equal(focusedRole, 'treeitem');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const lit = await page.locator('[data-testid=hex-grid] [data-lit=true]').count();
    assert.ok(lit > 0, 'the focused field lights its bytes');

    // The tabs are reachable and switch with the arrow keys.
    await page.getByRole('tab', { name: 'Step' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('key-schedule').waitFor();
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('certificate-panel').waitFor();
    await page.screenshot({ path: screenshotPath('viewer-keyboard-certificate'), fullPage: true });
  });

  it('renders in dark mode and at phone width without console errors', async () => {
    const dark = await stack.newPage({ colorScheme: 'dark' });
    await openTrace(dark, 'tls13-ok', tls13OkTrace());
    assert.equal(await dark.evaluate(() => document.documentElement.getAttribute('data-theme')), 'dark');
    await dark.getByRole('tab', { name: 'Key schedule' }).click();
    await dark.screenshot({ path: screenshotPath('viewer-dark-key-schedule'), fullPage: true });

    const phone = await stack.newPage({ width: 390, height: 844 });
    await openTrace(phone, 'iis-rustls', iisRustlsTrace());
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at phone width (overflow ${overflow}px)`);
    await phone.screenshot({ path: screenshotPath('viewer-phone'), fullPage: true });
    assert.deepEqual(stack.consoleErrors, []);
  });

  it('saves the trace back as JSON and as a pcapng capture', async () => {
    const page = await stack.newPage();
    await openTrace(page, 'tls13-ok', tls13OkTrace());
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save this trace' }).click()]);
    const jsonPath = join(RESULTS_DIR, 'saved.json');
    await json.saveAs(jsonPath);
    assert.equal(JSON.parse(readFileSync(jsonPath, 'utf8')).steps.length, tls13OkTrace().steps.length);
    const [pcap] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download pcapng' }).click()]);
    const pcapPath = join(RESULTS_DIR, 'saved.pcapng');
    await pcap.saveAs(pcapPath);
    assert.deepEqual([...readFileSync(pcapPath).subarray(0, 4)], [0x0a, 0x0d, 0x0d, 0x0a], 'a pcapng Section Header Block');
  });

  it('says so when the file is not a trace', async () => {
    const page = await stack.newPage();
    const file = join(RESULTS_DIR, 'not-a-trace.json');
    writeFileSync(file, '{"hello": "world"}');
    await page.goto(stack.baseUrl);
    await page.getByTestId('open-trace').setInputFiles(file);
    assert.match(await page.getByTestId('form-error').innerText(), /not a TLS Playground trace/);
  });
});
