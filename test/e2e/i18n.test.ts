/**
 * The two languages in a real browser against the production build: a visitor whose browser asks for
 * Chinese (Accept-Language: zh-CN) runs the IIS demo as rustls and reads the summary, the advice and
 * the step explanations in Chinese, with no English sentence left; the header's switch changes the
 * language in place without losing the run; saved runs and their embeds honour ?lang=zh-CN.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { iisRustlsTrace } from '../view/fixtures/traces';
import { screenshotPath, startStack, type Stack } from './harness';

let stack: Stack;

before(async () => {
  stack = await startStack();
});

after(async () => {
  await stack?.close();
});

const HAN = /\p{Script=Han}/u;

/**
 * Tokens that stay as they are in Chinese technical writing (docs/glossary.zh.md): protocol and
 * product names, the error as users see it, commands and what machines print. Removed before the
 * text is searched for English sentences.
 */
const ALLOWED = [
  /“?Connection reset by peer”?/g,
  /\bnpx tls-playground[^\n，。）]*/g,
  /\bnetsh http [^\n，。）]*/g,
  /\bhttps?:\/\/\S+/g,
  /\b[\w.-]+\.test\b\S*/g,
  /\bTLS Playground\b/g,
  /\b(?:BoringSSL|OpenSSL|SChannel|rustls|Go crypto\/tls|IIS|http\.sys)\b/g,
  /\bRFC \d+(?: §[\d.]+)?/g,
];

/** Runs of three or more Latin words: an English phrase or sentence (protocol names are single words). */
function englishSentences(text: string): string[] {
  let rest = text;
  for (const token of ALLOWED) rest = rest.replace(token, ' ');
  return rest.match(/\b[A-Za-z][a-z']+(?:[ ,]+[A-Za-z][a-z']+){2,}\b/g) ?? [];
}

async function runDone(page: Page): Promise<void> {
  await page.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 60_000 });
}

describe('the playground in Chinese', () => {
  let page: Page;

  it('follows Accept-Language: zh-CN on the first visit', async () => {
    page = await stack.newPage({ locale: 'zh-CN' });
    await page.goto(`${stack.baseUrl}/`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.match(await page.locator('h1').innerText(), HAN);
    assert.equal(await page.locator('[data-testid=language-switch] [aria-pressed=true]').getAttribute('data-locale'), 'zh-CN');
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
    const english = await stack.newPage({ locale: 'en-US' });
    await english.goto(`${stack.baseUrl}/r/${id}`);
    await runDone(english);
    assert.equal(await english.getAttribute('html', 'lang'), 'en');
    assert.match(await english.locator('h1').innerText(), /Connection reset$/);
  });

  it('renders /embed/r/{id}?lang=zh-CN in Chinese, and its steps too', async () => {
    const page = await stack.newPage({ locale: 'en-US' });
    await page.goto(`${stack.baseUrl}/embed/r/${id}?lang=zh-CN`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    const text = await page.locator('body').innerText();
    assert.match(text, /连接被重置/);
    assert.match(text, /服务器要求重协商，而这个客户端不肯/);
    await page.locator('[data-testid=embed-expand]').click();
    await runDone(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.match(await page.locator('[data-testid=summary-card]').innerText(), /连接被重置/);
  });

  it('answers oEmbed for a Chinese link with a Chinese title and a Chinese iframe', async () => {
    const link = `${stack.baseUrl}/r/${id}?lang=zh-CN`;
    const answer = (await (await fetch(`${stack.baseUrl}/api/oembed?url=${encodeURIComponent(link)}&format=json`)).json()) as { title: string; html: string };
    assert.match(answer.title, /^与 .* 的 TLS 握手：连接被重置$/);
    assert.match(answer.html, new RegExp(`/embed/r/${id}\\?lang=zh-CN"`));
  });

  it('logged no errors in any page', () => {
    assert.deepEqual(stack.consoleErrors, []);
  });
});
