/**
 * The two languages in a real browser against the production build: a visitor whose browser asks for
 * Chinese (Accept-Language: zh-CN) runs the IIS demo as rustls and reads the summary, the advice and
 * the step explanations in Chinese, with no English sentence left anywhere a person reads: every step
 * of the run, the key schedule and the certificate tabs, a URL the form refuses, a target the relay
 * refuses, the doctor and the comparison with their saved pages (/d/, /c/), the light embed, the live
 * embed framed by another site, and the 404 pages. The header's switch changes the language in place
 * without losing the run; saved runs and their embeds honour ?lang=zh-CN.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { iisRustlsTrace } from '../view/fixtures/traces';
import { savedId } from './axe';
import { HAN, assertChinese, assertRunChinese, englishSentences, runDone } from './chinese';
import { freePort, screenshotPath, startStack, type Stack } from './harness';

let stack: Stack;
let dbDir: string;
/** A page on another origin (another loopback port), to frame the live embed as another site would. */
let host: { server: Server; origin: string; page: string };

before(async () => {
  dbDir = mkdtempSync(join(tmpdir(), 'tlspg-i18n-'));
  process.env.RESULTS_DB = join(dbDir, 'results.db');
  stack = await startStack();
  const port = await freePort();
  host = { server: createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(host.page)), origin: `http://127.0.0.1:${port}`, page: '' };
  await new Promise<void>((resolve) => host.server.listen(port, '127.0.0.1', resolve));
});

after(async () => {
  await stack?.close();
  await new Promise((resolve) => host?.server.close(resolve));
  rmSync(dbDir, { recursive: true, force: true });
});

describe('the playground in Chinese', () => {
  let page: Page;

  it('follows Accept-Language: zh-CN on the first visit', async () => {
    page = await stack.newPage({ locale: 'zh-CN' });
    await page.goto(`${stack.baseUrl}/`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.match(await page.locator('h1').innerText(), HAN);
    assert.equal(await page.locator('[data-testid=language-switch] [aria-pressed=true]').getAttribute('data-locale'), 'zh-CN');
    await assertChinese(page.locator('body'), '/');
  });

  it('runs the IIS demo as rustls and explains it in Chinese: summary, advice and the reset step', async () => {
    await page.locator('[data-testid=demo-target][data-target=iis-renegotiation]').click();
    await runDone(page);
    const card = page.locator('[data-testid=summary-card]');
    assert.equal(await card.getAttribute('data-outcome'), 'reset');
    assert.match(await card.locator('h2').innerText(), /连接被重置/);
    const advice = await page.locator('[data-testid=advice]').innerText();
    assert.match(advice, /服务器要求重协商，而这个客户端不肯/);
    assert.match(advice, /rustls 用一条警告级告警 no_renegotiation 拒绝了/);
    assert.match(advice, /“Connection reset by peer”（连接被对方重置）/);
    assert.match(advice, /如何修复/);
    // The failed run opens on the step that explains it: the server's reset.
    const detail = await page.locator('[data-testid=step-detail]').innerText();
    assert.match(detail, HAN);
    await page.screenshot({ path: screenshotPath('i18n-zh-run'), fullPage: true });
  });

  it('shows no English sentence in the run, outside protocol names and commands', async () => {
    const text = await page.locator('[data-testid=run]').innerText();
    assert.deepEqual(englishSentences(text), []);
  });

  it('reads every step, the key schedule and the certificate in Chinese, and the page around them', async () => {
    await assertRunChinese(page, 'the IIS run');
    await assertChinese(page.locator('body'), 'the playground after the run');
  });

  it('says in Chinese why the server would not save the run (the API answers English and a code)', async () => {
    // The real server refuses the upload: the test only replaces the request's body with one that is
    // not a trace, and the server answers 400 {error: "Not saved: …", code: "INVALID"}.
    await page.route('**/api/results', (route) =>
      route.continue({ postData: JSON.stringify({ schema: 'not-a-trace' }), headers: { ...Object.fromEntries(Object.entries(route.request().headers()).filter(([name]) => name !== 'content-encoding')), 'content-type': 'application/json' } }),
    );
    await page.getByTestId('save-button').click();
    const error = page.getByTestId('save-error');
    await error.waitFor();
    await assertChinese(error, 'the failed save');
    await page.unroute('**/api/results');
  });

  it('switches to English and back in place: the run stays on the page, nothing reloads', async () => {
    await page.evaluate(() => ((window as unknown as { __stayed: boolean }).__stayed = true));
    await page.locator('[data-testid=language-switch] [data-locale=en]').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en' && document.querySelector('[data-testid=summary-card] h2')?.textContent?.includes('Connection reset'));
    assert.match(await page.locator('[data-testid=advice]').innerText(), /The server asked to renegotiate, and this client would not/);
    assert.equal(await page.locator('[data-testid=run][data-status=done]').count(), 1);
    await page.locator('[data-testid=language-switch] [data-locale=zh-CN]').click();
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN' && document.querySelector('[data-testid=summary-card] h2')?.textContent?.includes('连接被重置'));
    assert.equal(await page.evaluate(() => (window as unknown as { __stayed?: boolean }).__stayed), true, 'the page did not reload');
    assert.equal(await page.locator('[data-testid=run][data-status=done]').count(), 1);
    // The choice is remembered: the next visit is Chinese even with an English Accept-Language.
    const cookies = await page.context().cookies();
    assert.equal(cookies.find((c) => c.name === 'tlspg-locale')?.value, 'zh-CN');
  });

  it('says in Chinese why a URL cannot be run', async () => {
    for (const typed of ['asdf qwer!!', 'http://example.com/', 'htps//example.com']) {
      await page.getByTestId('url-input').fill(typed);
      await page.getByTestId('run-button').click();
      const error = page.getByTestId('form-error');
      await error.waitFor();
      await assertChinese(error, `the form's answer to ${typed}`);
    }
  });

  it('says in Chinese why the relay refused a target, and what to do', async () => {
    // An IP literal: the relay refuses it by policy before it connects anywhere.
    await page.getByTestId('url-input').fill('https://192.0.2.1/');
    await page.getByTestId('run-button').click();
    await runDone(page);
    const refusal = page.locator('[data-testid=step-detail]');
    assert.match(await refusal.innerText(), /中继拒绝：目标是 IP 地址，而中继只连接主机名/);
    assert.match(await page.locator('[data-testid=advice]').innerText(), /中继/);
    await assertRunChinese(page, 'the relay refusal');
  });
});

describe('a tamper experiment in Chinese', () => {
  it('words the tampered run, its tamper row and the server’s answer in Chinese', async () => {
    const page = await stack.newPage({ locale: 'zh-CN' });
    await page.goto(`${stack.baseUrl}/?url=${encodeURIComponent('https://tls13.test/')}&tamper=finished.verify_data:flip=0`);
    await page.getByTestId('run-button').click();
    await runDone(page);
    const labels = await page.locator('[data-testid=step-row]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    assert.ok(labels.some((l) => l.startsWith('篡改实验：')), labels.join('\n'));
    await assertRunChinese(page, 'the tampered run');
  });

  it('says in Chinese why a tamper cannot run, naming the SPEC', async () => {
    const page = await stack.newPage({ locale: 'zh-CN' });
    await page.goto(`${stack.baseUrl}/?url=${encodeURIComponent('https://tls13.test/')}&tamper=finished.verify_data:flip=0`);
    await page.locator('[data-testid=run-options] summary').click();
    // A bit number that is not a number: the engine's tamper parser refuses it, as a diagnostic the page words.
    await page.getByTestId('tamper-value').fill('x');
    await page.getByTestId('run-button').click();
    const error = page.getByTestId('form-error');
    await error.waitFor();
    assert.match(await error.innerText(), /^这个篡改无法运行：“finished\.verify_data:flip=x”：flip 需要一个位序号/);
    assert.doesNotMatch(await error.innerText(), /needs a bit number|引擎的诊断/);
    await assertChinese(error, 'the refused tamper');
    await assertChinese(page.getByTestId('tamper-control'), 'the tamper control with a refused tamper');
  });
});

describe('a file that is not a trace, in Chinese', () => {
  it('says what is wrong with it in Chinese, naming the place in the file', async () => {
    const page = await stack.newPage({ locale: 'zh-CN' });
    await page.goto(stack.baseUrl);
    const broken = iisRustlsTrace() as unknown as { steps: Record<string, unknown>[] };
    broken.steps[3] = { ...broken.steps[3], seq: 'three' };
    await page.getByTestId('open-trace').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
    const error = page.getByTestId('form-error');
    await error.waitFor();
    assert.equal(await error.innerText(), 'broken.json：steps[3].seq 必须是数字。');
    await assertChinese(error, 'a trace with a broken step');
    assert.equal(await page.getByTestId('run').count(), 0, 'nothing is shown as a run');

    await page.getByTestId('open-trace').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"schema": "tls-playground/trace",') });
    await page.getByText(/^notes\.json：这不是有效的 JSON（解析器的原话：“.+”）。$/).waitFor();
    await assertChinese(error, 'a file that is not JSON');

    await page.getByTestId('open-trace').setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ schema: 'something-else' })) });
    await page.getByText('other.json：这不是 TLS Playground 的运行记录：“schema”是 "something-else"，应为“tls-playground/trace”。').waitFor();
    await assertChinese(error, 'a file of another schema');
  });
});

describe('the doctor and the comparison in Chinese, live and saved', () => {
  it('diagnoses in Chinese, and its saved page /d/{id} and embed read Chinese', async () => {
    const page = await stack.newPage({ locale: 'zh-CN' });
    await page.goto(`${stack.baseUrl}/doctor?url=${encodeURIComponent('https://iis-renegotiation.test/secure/')}`);
    await page.getByTestId('doctor-run').click();
    await page.getByTestId('doctor-verdict').waitFor({ timeout: 120_000 });
    await page.getByTestId('save-bundle-button').click();
    const id = await savedId(page, 'bundle-link');
    await assertChinese(page.locator('main'), '/doctor');
    await page.goto(`${stack.baseUrl}/d/${id}`);
    await runDone(page);
    assert.match(await page.locator('h1').innerText(), /^iis-renegotiation\.test\/secure\/ 的重协商诊断：部分客户端失败$/);
    assert.match(await page.title(), /的重协商诊断/);
    await assertChinese(page.locator('main'), '/d/{id}');
    await assertRunChinese(page, '/d/{id} run');
    await page.goto(`${stack.baseUrl}/embed/d/${id}`);
    await runDone(page);
    await assertChinese(page.locator('body'), '/embed/d/{id}');
    const oembed = (await (await fetch(`${stack.baseUrl}/api/oembed?url=${encodeURIComponent(`${stack.baseUrl}/d/${id}?lang=zh-CN`)}&format=json`)).json()) as { title: string; html: string };
    assert.match(oembed.title, /的重协商诊断/);
    assert.match(oembed.html, new RegExp(`/embed/d/${id}\\?lang=zh-CN"`));
  });

  it('compares in Chinese, and its saved page /c/{id} reads Chinese', async () => {
    const page = await stack.newPage({ locale: 'zh-CN' });
    await page.goto(`${stack.baseUrl}/compare?url=${encodeURIComponent('https://iis-renegotiation.test/secure/')}&a=rustls`);
    await page.getByTestId('compare-run').click();
    await page.getByTestId('comparison').waitFor({ timeout: 60_000 });
    await page.getByTestId('save-bundle-button').click();
    const id = await savedId(page, 'bundle-link');
    await assertChinese(page.locator('main'), '/compare');
    await page.goto(`${stack.baseUrl}/c/${id}`);
    await runDone(page);
    assert.match(await page.locator('h1').innerText(), /^iis-renegotiation\.test\/secure\/ 上的 rustls 与 openssl 对比$/);
    await assertChinese(page.locator('main'), '/c/{id}');
    await assertRunChinese(page, '/c/{id} run');
  });
});

describe('saved runs and embeds with ?lang=zh-CN', () => {
  let id: string;

  before(async () => {
    const response = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(iisRustlsTrace()) });
    assert.ok(response.ok, await response.clone().text());
    id = ((await response.json()) as { id: string }).id;
  });

  it('renders /r/{id}?lang=zh-CN in Chinese for an English browser, and /r/{id} in English', async () => {
    const page = await stack.newPage({ locale: 'en-US' });
    await page.goto(`${stack.baseUrl}/r/${id}?lang=zh-CN`);
    await runDone(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.match(await page.locator('h1').innerText(), /^与 .* 的 TLS 握手：连接被重置$/);
    assert.match(await page.locator('[data-testid=advice]').innerText(), /服务器要求重协商/);
    assert.match((await page.locator('[data-testid=share-url]').innerText()).trim(), new RegExp(`/r/${id}\\?lang=zh-CN$`));
    // The step the page opens on is drawn from the trace and the catalog it loads after the page: in Chinese too.
    assert.match(await page.getByTestId('step-detail').innerText({ timeout: 30_000 }), /[\u4e00-\u9fff]/);
    await assertChinese(page.locator('main'), '/r/{id}');
    const english = await stack.newPage({ locale: 'en-US' });
    await english.goto(`${stack.baseUrl}/r/${id}`);
    await runDone(english);
    assert.equal(await english.getAttribute('html', 'lang'), 'en');
    assert.match(await english.locator('h1').innerText(), /Connection reset$/);
  });

  it('renders the light embed /embed/r/{id}?lang=zh-CN in Chinese, and its steps too', async () => {
    const page = await stack.newPage({ locale: 'en-US' });
    await page.goto(`${stack.baseUrl}/embed/r/${id}?lang=zh-CN`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    const text = await page.locator('body').innerText();
    assert.match(text, /连接被重置/);
    assert.match(text, /服务器要求重协商，而这个客户端不肯/);
    await assertChinese(page.locator('body'), 'the light embed');
    await page.locator('[data-testid=embed-expand]').click();
    await runDone(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.match(await page.locator('[data-testid=summary-card]').innerText(), /连接被重置/);
    await assertChinese(page.locator('body'), 'the interactive embed');
  });

  it('runs the live embed in Chinese inside another site: the notice, the run and its steps', async () => {
    host.page = `<!doctype html><meta charset="utf-8"><title>文档</title>
<iframe sandbox="allow-scripts allow-same-origin" src="${stack.baseUrl}/embed?url=${encodeURIComponent('https://iis-renegotiation.test/secure/')}&run=1&lang=zh-CN" style="width:720px;height:900px;border:0"></iframe>`;
    const page = await stack.newPage({ locale: 'en-US' });
    await page.goto(`${host.origin}/`);
    let frame: Frame | undefined;
    for (let tries = 0; !frame && tries < 100; tries++) {
      frame = page.frames().find((f) => f.url().startsWith(`${stack.baseUrl}/embed?`));
      if (!frame) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(frame, 'the live embed frame');
    await frame.getByTestId('run-held-back').waitFor();
    await assertChinese(frame.locator('body'), 'the live embed, before its run');
    await frame.getByTestId('run-button').click();
    await runDone(frame);
    assert.match(await frame.locator('[data-testid=summary-card]').innerText(), /连接被重置/);
    await assertChinese(frame.locator('body'), 'the live embed, after its run');
  });

  it('answers oEmbed for a Chinese link with a Chinese title and a Chinese iframe', async () => {
    const link = `${stack.baseUrl}/r/${id}?lang=zh-CN`;
    const answer = (await (await fetch(`${stack.baseUrl}/api/oembed?url=${encodeURIComponent(link)}&format=json`)).json()) as { title: string; html: string };
    assert.match(answer.title, /^与 .* 的 TLS 握手：连接被重置$/);
    assert.match(answer.html, new RegExp(`/embed/r/${id}\\?lang=zh-CN"`));
  });

  it('says “nothing here” in Chinese: an unknown page, saved run, embed and saved diagnosis', async () => {
    const page = await stack.newPage({ locale: 'zh-CN' });
    for (const path of ['/no-such-page', '/r/AAAAAAAAAAAAAAAAAAAAAA', '/embed/r/AAAAAAAAAAAAAAAAAAAAAA', '/d/AAAAAAAAAAAAAAAAAAAAAA', '/embed/r/AAAAAAAAAAAAAAAAAAAAAA/steps']) {
      const response = await page.goto(`${stack.baseUrl}${path}`);
      assert.equal(response?.status(), 404, path);
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN', path);
      await assertChinese(page.locator('body'), `404 at ${path}`);
      assert.match(await page.title(), HAN, `${path}: title`);
    }
  });

  it('logged no errors in any page', () => {
    // The relay refusal and the 404s are expected answers, not errors of the page.
    assert.deepEqual(stack.consoleErrors.filter((e) => !/404|Failed to load resource/.test(e)), []);
  });
});
