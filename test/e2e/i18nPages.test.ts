/**
 * Every page a Chinese reader can reach, read in Chromium against the production build, with no
 * English sentence outside the protocol tokens that Chinese technical writing keeps (./chinese.ts):
 * the IIS story, the lessons (every stop of each, its step revealed), the doctor and the comparison
 * before a run, the runs of other demo targets (TLS 1.3, an expired certificate, an untrusted root, a
 * resumed connection) with the hex view of their messages unfolded field by field, a saved TLS 1.2
 * run with a ServerKeyExchange (/r/{id}?lang=zh-CN) and its embeds, full and light, and the 404
 * pages of saved comparisons, lessons and embeds. (The IIS run as rustls, the doctor and the
 * comparison with their saved pages, the live embed and the other 404 pages: i18n.test.ts.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { LESSONS } from '../../lib/view/lessons';
import { savedId } from './axe';
import { HAN, assertChinese, assertHexViewsChinese, assertRunChinese, engineQuotes, runDone } from './chinese';
import { startStack, type Stack } from './harness';

let stack: Stack;
let dbDir: string;

before(async () => {
  dbDir = mkdtempSync(join(tmpdir(), 'tlspg-i18n-pages-'));
  process.env.RESULTS_DB = join(dbDir, 'results.db');
  stack = await startStack();
});

after(async () => {
  // What the engine still says in English on these pages (its diagnostics are being given words).
  for (const [quote, where] of engineQuotes) console.log(`engine English quoted at ${where}: “${quote}”`);
  await stack?.close();
  rmSync(dbDir, { recursive: true, force: true });
});

/** Opens the playground in Chinese with `query` (a recipe: ?url=…&resume=…) and runs it. */
async function runInChinese(query: string): Promise<Page> {
  const page = await stack.newPage({ locale: 'zh-CN' });
  await page.goto(`${stack.baseUrl}/?${query}`);
  await page.getByTestId('run-button').click();
  await runDone(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  return page;
}

describe('the pages around the runs, in Chinese', () => {
  it('the IIS story, before and after its chapters run', async () => {
    const page = await stack.newPage({ locale: 'zh-CN' });
    await page.goto(`${stack.baseUrl}/renegotiation`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await assertChinese(page.locator('body'), '/renegotiation');
    await page.getByTestId('story-run-all').click();
    for (const i of [0, 1, 2]) await page.getByTestId(`chapter-${i}`).getByTestId('chapter-result').waitFor({ timeout: 60_000 });
    await assertChinese(page.locator('body'), '/renegotiation after its runs');
  });

  it('the doctor and the comparison before a run', async () => {
    const page = await stack.newPage({ locale: 'zh-CN' });
    for (const path of ['/doctor', '/compare']) {
      await page.goto(`${stack.baseUrl}${path}`);
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN', path);
      await assertChinese(page.locator('body'), path);
    }
  });

  it('the lessons: the list, and every stop of each lesson with its step revealed', async () => {
    const page = await stack.newPage({ locale: 'zh-CN' });
    await page.goto(`${stack.baseUrl}/lessons`);
    await assertChinese(page.locator('body'), '/lessons');
    for (const lesson of LESSONS) {
      for (const [i, stop] of lesson.stops.entries()) {
        // A link with an answer opens the stop revealed (the first choice: right or wrong, both are worded).
        const answer = stop.choices?.[0] ? `&answer=${stop.choices[0].id}` : '';
        const where = `/lessons/${lesson.id}?stop=${i + 1}${answer}`;
        await page.goto(`${stack.baseUrl}${where}`);
        await page.getByTestId('reveal').waitFor({ timeout: 90_000 });
        assert.equal(await page.getByTestId('lesson-stop').getAttribute('data-stop-id'), stop.id, where);
        await assertChinese(page.locator('main'), where);
      }
    }
  });

  it('says “nothing here” in Chinese for a saved comparison, a lesson and embeds that do not exist', async () => {
    const page = await stack.newPage({ locale: 'zh-CN' });
    for (const path of ['/c/AAAAAAAAAAAAAAAAAAAAAA', '/lessons/no-such-lesson', '/embed/lessons/no-such-lesson', '/embed/d/AAAAAAAAAAAAAAAAAAAAAA', '/embed/c/AAAAAAAAAAAAAAAAAAAAAA']) {
      const response = await page.goto(`${stack.baseUrl}${path}`);
      assert.equal(response?.status(), 404, path);
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN', path);
      await assertChinese(page.locator('body'), `404 at ${path}`);
      assert.match(await page.title(), HAN, `${path}: title`);
    }
  });
});

describe('runs of other demo targets in Chinese, their messages field by field', () => {
  for (const [name, query, messages] of [
    ['tls13', `url=${encodeURIComponent('https://tls13.test/')}`, ['ClientHello', 'ServerHello', 'Certificate', 'NewSessionTicket']],
    ['an expired certificate', `url=${encodeURIComponent('https://expired.test/')}`, ['ClientHello', 'Certificate']],
    ['an untrusted root', `url=${encodeURIComponent('https://untrusted-root.test/')}`, ['Certificate']],
    // The resumed connection's ClientHello ends with pre_shared_key: the ticket and its binder.
    ['a resumed connection', `url=${encodeURIComponent('https://tls13.test/')}&resume=1`, ['ClientHello', 'ServerHello']],
  ] as const satisfies readonly (readonly [string, string, readonly string[]])[]) {
    it(`${name}: every step, the tabs, and the fields of ${messages.join(', ')}`, async () => {
      const page = await runInChinese(query);
      await assertRunChinese(page, name);
      assert.deepEqual(await assertHexViewsChinese(page, messages, name), messages);
    });
  }
});

describe('a saved TLS 1.2 run in Chinese: its page, its fields, its embeds', () => {
  let id: string;

  before(async () => {
    // The IIS demo as openssl: TLS 1.2 with ECDHE (a ServerKeyExchange), renegotiated; saved from a Chinese page.
    const page = await runInChinese(`url=${encodeURIComponent('https://iis-renegotiation.test/secure/')}&as=openssl`);
    await page.getByTestId('save-button').click();
    id = await savedId(page, 'result-link');
  });

  it('/r/{id}?lang=zh-CN for an English browser: the page, every step, the fields of ClientHello, Certificate and ServerKeyExchange', async () => {
    const page = await stack.newPage({ locale: 'en-US' });
    await page.goto(`${stack.baseUrl}/r/${id}?lang=zh-CN`);
    await runDone(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await assertChinese(page.locator('main'), '/r/{id}');
    await assertRunChinese(page, '/r/{id}');
    assert.deepEqual(await assertHexViewsChinese(page, ['ClientHello', 'Certificate', 'ServerKeyExchange'], '/r/{id}'), ['ClientHello', 'Certificate', 'ServerKeyExchange']);
  });

  it('/embed/r/{id}?lang=zh-CN, light and then full', async () => {
    const page = await stack.newPage({ locale: 'en-US' });
    await page.goto(`${stack.baseUrl}/embed/r/${id}?lang=zh-CN`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await assertChinese(page.locator('body'), 'the light embed');
    await page.locator('[data-testid=embed-expand]').click();
    await runDone(page);
    await assertChinese(page.locator('body'), 'the full embed');
    assert.deepEqual(await assertHexViewsChinese(page, ['ServerKeyExchange'], 'the full embed'), ['ServerKeyExchange']);
  });

  it('logged no errors in any page', () => {
    // The 404s are expected answers, not errors of the page.
    assert.deepEqual(stack.consoleErrors.filter((e) => !/404|Failed to load resource/.test(e)), []);
  });
});
