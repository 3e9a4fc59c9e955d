/**
 * "Reproduce it yourself" in Chromium, on a saved run (/r/{id}) of a real handshake with the IIS demo
 * target: the tab shows the openssl s_client and curl commands the run's options make, their copy
 * buttons put exactly those lines on the clipboard, and the downloaded key schedule script, run with
 * node next to the downloaded key log, recomputes every secret the page shows. Keyboard only.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { runTls } from '../../lib/run/run';
import type { Trace } from '../../lib/trace/schema';
import { pageCommandPlace, reproduceCommands } from '../../lib/view/reproduce/commands';
import { nodeRunDeps } from '../../server/runtime/nodeRun';
import { violations } from './axe';
import { startStack, type Stack } from './harness';

let stack: Stack;
let trace: Trace;
let id: string;
let downloads: string;

before(async () => {
  stack = await startStack();
  downloads = await mkdtemp(join(tmpdir(), 'tlspg-reproduce-e2e-'));
  // A real run against the IIS demo target as OpenSSL with the demo certificate: two handshakes.
  const target = stack.demo.targets.find((t) => t.name === 'iis-renegotiation')!;
  const { req, deps } = await nodeRunDeps(
    { url: 'https://iis-renegotiation.test/secure/', connect: `127.0.0.1:${target.port}`, personality: 'openssl' },
    { caFiles: [stack.demo.ca.certPath], clientCertFile: stack.demo.clientCert.certPath, clientKeyFile: stack.demo.clientCert.keyPath, timeoutMs: 15000 },
  );
  trace = await runTls(req, deps);
  assert.equal(trace.outcome, 'ok');
  const response = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(trace) });
  assert.ok(response.status === 201 || response.status === 200, `status ${response.status}`);
  ({ id } = (await response.json()) as { id: string });
});

after(async () => {
  await stack?.close();
  await rm(downloads, { recursive: true, force: true });
});

/** Opens the saved run and its Reproduce tab with the keyboard: focus the tab list, arrow right to the last tab. */
async function openReproduceTab(page: Page): Promise<void> {
  await page.goto(`${stack.baseUrl}/r/${id}`);
  await page.getByTestId('run').waitFor();
  await page.getByTestId('tab-step').focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.getByTestId('reproduce-panel').waitFor();
  assert.equal(await page.getByTestId('tab-reproduce').getAttribute('aria-selected'), 'true');
}

function node(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script], { timeout: 20000 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? null) : 0;
      resolve({ code: typeof code === 'number' ? code : null, output: `${stdout}${stderr}` });
    });
  });
}

describe('Reproduce it yourself, on a saved run', () => {
  it('shows the run’s openssl s_client and curl commands and copies them exactly', async () => {
    const page = await stack.newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.baseUrl });
    await openReproduceTab(page);
    const expected = reproduceCommands(trace, pageCommandPlace(trace.options.url));
    const openssl = await page.getByTestId('reproduce-openssl').innerText();
    assert.equal(openssl, expected.openssl.line);
    assert.match(openssl, /openssl s_client -connect 127\.0\.0\.1:\d+ -servername iis-renegotiation\.test /);
    assert.match(openssl, /-cert data\/demo\/pki\/demo-client\.crt -key data\/demo\/pki\/demo-client\.key/);
    assert.doesNotMatch(openssl, /-no_renegotiation/, 'OpenSSL renegotiates, as the run did');
    assert.equal(await page.getByTestId('reproduce-curl').innerText(), expected.curl.line);
    assert.match(await page.getByTestId('reproduce-notes').innerText(), /iis-renegotiation\.test is a demo target/);

    // Keyboard only: Enter on a copy button copies; Tab goes on to the next command's.
    const copyOpenssl = page.getByRole('button', { name: 'Copy the openssl s_client command' });
    await copyOpenssl.focus();
    await page.keyboard.press('Enter');
    await copyOpenssl.getByText('Copied').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected.openssl.line);
    await page.keyboard.press('Tab');
    const copyCurl = page.getByRole('button', { name: 'Copy the curl command' });
    assert.ok(await copyCurl.evaluate((el) => el === document.activeElement), 'Tab moves on to the curl copy button');
    await page.keyboard.press('Enter');
    await copyCurl.getByText('Copied').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected.curl.line);
  });

  it('downloads the key schedule script and the key log; node recomputes every secret the page shows', async () => {
    const page = await stack.newPage();
    await openReproduceTab(page);
    const save = async (testId: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).press('Enter')]);
      const path = join(downloads, download.suggestedFilename());
      await download.saveAs(path);
      return path;
    };
    const script = await save('reproduce-download-script');
    const keyLog = await save('reproduce-download-keylog');
    assert.match(script, /\.keys\.cjs$/);
    assert.match(keyLog, /\.keylog\.txt$/);
    assert.equal(await page.getByTestId('reproduce-node').innerText(), `node ${script.slice(downloads.length + 1)}`);
    const { code, output } = await node(script);
    assert.equal(code, 0, output);
    assert.match(output, /Handshake 2 \(renegotiation\)/);
    for (const step of trace.steps) {
      if (step.kind === 'key' && step.data.inputs.length > 0) assert.ok(output.includes(`    ${step.data.value}  [page: match`), step.data.label);
    }
    assert.equal(output.match(/key log CLIENT_RANDOM: match/g)?.length, 2);
  });

  it('has no axe-core violations, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await stack.newPage({ colorScheme });
      await openReproduceTab(page);
      assert.deepEqual(await violations(page, `reproduce tab, ${colorScheme}`), []);
    }
  });

  it('in the full embed: the light embed links to it, the tab opens from #reproduce or the keyboard, and its code loads only then', async () => {
    const page = await stack.newPage();
    // The light embed stays one document with nothing to load; its link opens the full embed on the tab.
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(request.url());
    });
    await page.goto(`${stack.baseUrl}/embed/r/${id}`);
    const link = page.getByTestId('embed-reproduce');
    assert.equal(await link.innerText(), 'Reproduce it yourself');
    assert.equal(await link.getAttribute('href'), `/embed/r/${id}/steps?lang=en#reproduce`);
    assert.deepEqual(scripts, [], 'the light embed loads no script');
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${stack.baseUrl}/embed/r/${id}/steps?lang=en#reproduce`);
    await page.getByTestId('reproduce-panel').waitFor();
    assert.equal(await page.getByTestId('tab-reproduce').getAttribute('aria-selected'), 'true');
    const expected = reproduceCommands(trace, pageCommandPlace(trace.options.url));
    assert.equal(await page.getByTestId('reproduce-openssl').innerText(), expected.openssl.line);
    assert.equal(await page.getByTestId('reproduce-curl').innerText(), expected.curl.line);
    assert.deepEqual(await violations(page, 'full embed, reproduce tab'), []);

    // Opened on a step, the full embed has not fetched the tab's code; → on the tab list fetches and shows it.
    const embed = await stack.newPage();
    const fetched: string[] = [];
    embed.on('request', (request) => {
      if (request.resourceType() === 'script') fetched.push(request.url());
    });
    await embed.goto(`${stack.baseUrl}/embed/r/${id}/steps#step-${trace.steps[2].seq}`);
    await embed.getByTestId('run').waitFor();
    await embed.waitForLoadState('networkidle');
    assert.equal(await embed.getByTestId('tab-step').getAttribute('aria-selected'), 'true');
    assert.equal(await embed.getByTestId('reproduce-panel').count(), 0);
    const before = fetched.length;
    await embed.getByTestId('tab-step').focus();
    await embed.keyboard.press('ArrowRight');
    await embed.getByTestId('reproduce-panel').waitFor();
    assert.ok(fetched.length > before, 'the tab’s code came with the tab');
    assert.equal(await embed.getByTestId('reproduce-openssl').innerText(), expected.openssl.line);
    // Selecting a step in the diagram goes back to the step's detail.
    await embed.getByTestId('step-row').first().click();
    assert.equal(await embed.getByTestId('tab-step').getAttribute('aria-selected'), 'true');
  });

  it('reads in Simplified Chinese, commands unchanged', async () => {
    const page = await stack.newPage({ locale: 'zh-CN' });
    await openReproduceTab(page);
    const panel = await page.getByTestId('reproduce-panel').innerText();
    assert.match(panel, /自己动手复现/);
    assert.match(panel, /iis-renegotiation\.test 是本演练场的演示目标/);
    assert.equal(await page.getByTestId('reproduce-openssl').innerText(), reproduceCommands(trace, pageCommandPlace(trace.options.url)).openssl.line);
  });
});
