/**
 * Saved diagnoses and comparisons in a real browser against the production build: the doctor runs
 * against the IIS-like demo target, saves, and its /d link opens in a fresh browser context with the
 * verdict, the fixes and each probe step by step; its embed renders inside a sandboxed iframe on
 * another origin; oEmbed, the share card and the evidence archive (a pcapng per probe, read by
 * tshark); a comparison saved and opened at /c; and the CLI's `diagnose --save` to the same app.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { ensureTshark, tshark } from '../export/tshark';
import { frameAt, freePort, ROOT, screenshotPath, type Stack, startStack } from './harness';

let stack: Stack;
let host: { server: Server; origin: string; page: string };

before(async () => {
  stack = await startStack();
  const port = await freePort();
  host = { server: undefined as unknown as Server, origin: `http://127.0.0.1:${port}`, page: '' };
  host.server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(host.page);
  });
  await new Promise<void>((resolve) => host.server.listen(port, '127.0.0.1', resolve));
});

after(async () => {
  await stack?.close();
  await new Promise((resolve) => host?.server.close(resolve));
});

interface ShownDiagnosis {
  severity: string | null;
  verdict: string;
  fixes: string[];
  probes: string[];
}

async function shownDiagnosis(where: Page | Frame): Promise<ShownDiagnosis> {
  const verdict = where.getByTestId('doctor-verdict');
  await verdict.waitFor({ timeout: 120_000 });
  return {
    severity: await verdict.getAttribute('data-severity'),
    verdict: (await verdict.locator('p').innerText()).trim(),
    fixes: await where.getByTestId('doctor-fix').locator('h3, h4').allInnerTexts(),
    probes: (await where.getByTestId('doctor-probe').allInnerTexts()).map((t) => t.replace(/\s*(Show|Open) step by step.*$/s, '').replace(/\s+/g, ' ').trim()),
  };
}


/** Filled in by the first test: the saved diagnosis the later tests open, embed and download. */
let diagnosis: { id: string; url: string; live: ShownDiagnosis };

describe('a saved diagnosis', () => {
  it('is offered by the doctor and opens from its link in a fresh browser: verdict, fixes and each probe step by step', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.baseUrl}/doctor?url=${encodeURIComponent('https://iis-renegotiation.test/secure/')}`);
    await page.getByTestId('doctor-run').click();
    const live = await shownDiagnosis(page);
    assert.equal(live.severity, 'problem');
    assert.ok(live.fixes.length >= 2);
    await page.getByTestId('save-bundle-button').click();
    const link = page.getByTestId('bundle-link');
    await link.waitFor({ timeout: 30_000 });
    const url = (await link.getAttribute('href')) ?? '';
    const id = new RegExp(`^${stack.baseUrl}/d/([A-Za-z0-9_-]{22})$`).exec(url)?.[1];
    assert.ok(id, url);
    diagnosis = { id, url, live };

    // A fresh browser context: nothing but the link.
    const fresh = await stack.newPage();
    const response = await fresh.goto(url);
    assert.equal(response?.status(), 200);
    const opened = await shownDiagnosis(fresh);
    assert.deepEqual(opened, live, 'the saved diagnosis says what the live one said');
    assert.match(await fresh.locator('h1').innerText(), /^Renegotiation diagnosis of iis-renegotiation\.test\/secure\/: some clients fail$/);
    // It opens on the probe that shows the failure: rustls refusing the renegotiation, then the reset.
    const run = fresh.getByTestId('bundle-run');
    assert.equal(await run.getAttribute('data-role'), 'tls12:rustls');
    await run.locator('[data-testid=run][data-status=done]').waitFor();
    const steps = await run.locator('[data-testid=step-row]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    assert.ok(steps.some((s) => s.startsWith('Alert: no_renegotiation (warning)')), steps.join('\n'));
    await fresh.screenshot({ path: screenshotPath('evidence-diagnosis'), fullPage: true });

    // Every other probe opens step by step too, and on a page of its own.
    await fresh.locator('[data-testid=doctor-probe][data-role="tls12:openssl"] [data-testid=probe-link]').click();
    await fresh.waitForURL(/\?run=tls12%3Aopenssl#run$/);
    assert.equal(await fresh.getByTestId('bundle-run').getAttribute('data-role'), 'tls12:openssl');
    const opensslSteps = await fresh.getByTestId('bundle-run').locator('[data-testid=step-row]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    assert.ok(opensslSteps.some((s) => s.startsWith('HelloRequest')), opensslSteps.join('\n'));
    await fresh.getByTestId('bundle-run-alone').click();
    await fresh.waitForURL(/\/r\/[A-Za-z0-9_-]{22}$/);
    await fresh.locator('[data-testid=run][data-status=done]').waitFor();
    assert.match(await fresh.locator('h1').innerText(), /^TLS handshake with iis-renegotiation\.test\/secure\//);

    // The same id under the comparison's path is not found.
    assert.equal((await fetch(`${stack.baseUrl}/c/${id}`)).status, 404);
    assert.equal((await fetch(`${stack.baseUrl}/d/AAAAAAAAAAAAAAAAAAAAAA`)).status, 404);
  });

  it('is served like a saved run: each form (the page, a ?run= probe, the embed) rendered once, then from memory, immutable, with its own hashed policy', async () => {
    const forms = [diagnosis.url, `${diagnosis.url}?run=tls12%3Aopenssl`, `${stack.baseUrl}/embed/d/${diagnosis.id}`, `${stack.baseUrl}/d/${diagnosis.id}?lang=zh-CN`];
    for (const form of forms) {
      const first = await fetch(form);
      const again = await fetch(form);
      assert.equal(first.status, 200, form);
      assert.ok(['render', 'memory'].includes(String(first.headers.get('x-render-cache'))), `${form}: ${first.headers.get('x-render-cache')}`);
      assert.equal(again.headers.get('x-render-cache'), 'memory', `${form}: not rendered again`);
      assert.equal(again.headers.get('cache-control'), 'public, max-age=31536000, immutable', form);
      const policy = again.headers.get('content-security-policy') ?? '';
      assert.match(policy, /script-src 'self' 'sha256-/, `${form}: ${policy}`);
      assert.doesNotMatch(policy, /nonce-/, form);
      assert.match(policy, form.includes('/embed/') ? /frame-ancestors \*/ : /frame-ancestors 'self'/, form);
      assert.equal(await again.text(), await first.text(), form);
    }
    const chinese = await (await fetch(forms[3])).text();
    assert.match(chinese, /<html lang="zh-CN"/);
    // An unknown id stays a 404 that no cache keeps.
    for (const path of [`/d/AAAAAAAAAAAAAAAAAAAAAA`, `/embed/c/AAAAAAAAAAAAAAAAAAAAAA`]) {
      const missing = await fetch(`${stack.baseUrl}${path}`);
      assert.equal(missing.status, 404, path);
      assert.equal(missing.headers.get('cache-control'), 'no-store', path);
    }
  });

  it('renders from its embed code inside a sandboxed iframe on another origin', async () => {
    const source = await stack.newPage();
    await source.goto(diagnosis.url);
    await source.getByText('Embed this diagnosis in a page').click();
    const snippet = await source.getByTestId('embed-snippet').inputValue();
    assert.match(snippet, new RegExp(`^<iframe src="${stack.baseUrl}/embed/d/${diagnosis.id}" .*sandbox="allow-scripts[^"]*"></iframe>$`));
    assert.doesNotMatch(snippet, /allow-same-origin/);
    host.page = `<!doctype html><meta charset="utf-8"><title>Ticket</title><h1>Ticket</h1>\n${snippet}`;
    const page = await stack.newPage({ height: 2400 });
    await page.goto(`${host.origin}/`);
    const frame = await frameAt(page, `${stack.baseUrl}/embed/d/${diagnosis.id}`);
    const shown = await shownDiagnosis(frame);
    assert.equal(shown.verdict, diagnosis.live.verdict);
    assert.deepEqual(shown.probes, diagnosis.live.probes);
    assert.equal(await frame.evaluate(() => window.origin), 'null');
    assert.equal(await frame.locator('h1').count(), 1);
    await frame.locator('[data-testid=run][data-status=done]').waitFor();
    assert.ok((await frame.locator('[data-testid=step-row]').count()) > 5);
    await page.screenshot({ path: screenshotPath('evidence-diagnosis-embed') });
  });

  it('has oEmbed, share-card tags and a PNG preview', async () => {
    const html = await (await fetch(diagnosis.url)).text();
    const head = html.slice(0, html.indexOf('</head>'));
    const discovery = /<link rel="alternate" type="application\/json\+oembed" href="([^"]+)"/.exec(head)?.[1];
    assert.ok(discovery, 'oEmbed discovery link in <head>');
    const oembed = (await (await fetch(discovery.replace(/&amp;/g, '&'))).json()) as Record<string, unknown>;
    assert.equal(oembed.type, 'rich');
    assert.equal(oembed.title, 'Renegotiation diagnosis of iis-renegotiation.test/secure/: some clients fail');
    assert.match(String(oembed.html), new RegExp(`^<iframe src="${stack.baseUrl}/embed/d/${diagnosis.id}" `));
    assert.equal(oembed.thumbnail_url, `${stack.baseUrl}/d/${diagnosis.id}/preview.png`);
    assert.match(head, new RegExp(`<meta property="og:image" content="${stack.baseUrl}/d/${diagnosis.id}/preview.png"`));
    const png = Buffer.from(await (await fetch(String(oembed.thumbnail_url))).arrayBuffer());
    assert.equal(png.toString('latin1', 1, 4), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1200, 630]);
  });

  it('downloads as evidence: a ZIP with the report and each probe as trace JSON and a pcapng tshark decrypts', async () => {
    const page = await stack.newPage();
    await page.goto(diagnosis.url);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-zip').click()]);
    assert.equal(download.suggestedFilename(), 'tls-diagnosis-iis-renegotiation.test.zip');
    const dir = mkdtempSync(join(tmpdir(), 'tlspg-evidence-zip-'));
    try {
      const path = join(dir, 'evidence.zip');
      await download.saveAs(path);
      execFileSync('python3', ['-c', 'import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nz.extractall(sys.argv[2])', path, dir]);
      const folder = join(dir, 'tls-diagnosis-iis-renegotiation.test');
      const readme = execFileSync('cat', [join(folder, 'README.txt')]).toString();
      assert.ok(readme.includes(diagnosis.live.verdict), readme);
      assert.ok(readme.includes(`Open it step by step: ${diagnosis.url}`));
      const files = execFileSync('ls', [folder]).toString().trim().split('\n');
      assert.equal(files.filter((f) => f.endsWith('.pcapng')).length, diagnosis.live.probes.length, files.join(' '));
      const rustls = files.find((f) => /^\d+-tls12-rustls\.pcapng$/.test(f))!;
      await ensureTshark();
      const decoded = await tshark(join(folder, rustls), ['-Y', 'tls.alert_message.desc == 100', '-T', 'fields', '-e', 'tls.alert_message.desc']);
      assert.match(decoded, /^100$/m, 'the no_renegotiation alert, decrypted from the capture alone');
      const json = await (await fetch(`${stack.baseUrl}/api/bundles/${diagnosis.id}`)).json() as { kind: string; runs: { role: string; traceId: string }[] };
      assert.equal(json.kind, 'diagnosis');
      assert.equal(json.runs.length, diagnosis.live.probes.length);
      // The multi-trace JSON saves again under the same id.
      const again = await fetch(`${stack.baseUrl}/api/bundles`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(json) });
      assert.equal(again.status, 200);
      assert.equal(((await again.json()) as { id: string }).id, diagnosis.id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a saved comparison', () => {
  it('is offered by the compare page and opens at /c with both runs aligned and each step by step', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.baseUrl}/compare?url=${encodeURIComponent('https://iis-renegotiation.test/secure/')}&a=rustls`);
    await page.getByTestId('compare-run').click();
    await page.getByTestId('comparison').waitFor({ timeout: 60_000 });
    const rows = await page.getByTestId('comparison-row').count();
    await page.getByTestId('save-bundle-button').click();
    const url = (await page.getByTestId('bundle-link').getAttribute('href')) ?? '';
    assert.match(url, new RegExp(`^${stack.baseUrl}/c/[A-Za-z0-9_-]{22}$`));

    const fresh = await stack.newPage();
    await fresh.goto(url);
    await fresh.getByTestId('comparison').waitFor();
    assert.equal(await fresh.getByTestId('comparison-row').count(), rows);
    assert.match(await fresh.locator('h1').innerText(), /^rustls vs openssl on iis-renegotiation\.test\/secure\/$/);
    assert.equal(await fresh.getByTestId('bundle-run').getAttribute('data-role'), 'a', 'the failing run is shown first');
    await fresh.getByTestId('probe-link').click();
    await fresh.waitForURL(/\?run=b#run$/);
    await fresh.locator('[data-testid=bundle-run][data-role=b] [data-testid=run][data-status=done]').waitFor();
    await fresh.screenshot({ path: screenshotPath('evidence-comparison'), fullPage: true });
  });
});

describe('the CLI', () => {
  it('diagnose --save saves the diagnosis on the app and prints its link', async () => {
    const iis = stack.demo.targets.find((t) => t.name === 'iis-renegotiation')!;
    const args = ['--import', 'tsx', 'cli/main.ts', 'diagnose', 'https://iis-renegotiation.test/secure/', '--connect', `127.0.0.1:${iis.port}`, '--ca', stack.demo.ca.certPath, '--timeout', '3000', '--no-color', '--save', stack.baseUrl];
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, args, { cwd: ROOT, timeout: 120_000 }, (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err })),
    );
    assert.equal(code, 0, stderr);
    const link = new RegExp(`^Saved: (${stack.baseUrl}/d/[A-Za-z0-9_-]{22})$`, 'm').exec(stdout)?.[1];
    assert.ok(link, stdout);
    const page = await stack.newPage();
    await page.goto(link);
    const shown = await shownDiagnosis(page);
    assert.equal(shown.severity, 'problem');
    assert.match(stdout, new RegExp(shown.verdict.slice(0, 60).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

    const unreachable = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, [...args.slice(0, -1), 'http://127.0.0.1:9/'], { cwd: ROOT, timeout: 120_000 }, (error, _out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr: err })),
    );
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /^error: could not reach http:\/\/127\.0\.0\.1:9 to save the diagnosis/m);
  });
});
