/**
 * Every "nothing here" answer as the server sends it, before any script runs: a saved run, diagnosis
 * or comparison that does not exist, their embeds, and a lesson no lesson has. Each is a real page
 * with status 404, the reader's <html lang> and the not-found words in English and Chinese — never
 * Next's error shell (<html id="__next_error__">), which draws nothing until the browser has run it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServers, type Servers } from './harness';

let servers: Servers;

before(async () => {
  servers = await startServers();
});

after(async () => {
  await servers?.close();
});

const UNKNOWN = 'AAAAAAAAAAAAAAAAAAAAAA';
const SAVED_VIEWS = [`/r/${UNKNOWN}`, '/r/not-an-id', `/d/${UNKNOWN}`, `/c/${UNKNOWN}`, `/embed/r/${UNKNOWN}`, `/embed/r/${UNKNOWN}/steps`, `/embed/d/${UNKNOWN}`, `/embed/c/${UNKNOWN}`];
const LESSONS = ['/lessons/no-such-lesson', '/embed/lessons/no-such-lesson'];
const WORDS = {
  en: /Nothing here|does not exist|No such saved run/,
  'zh-CN': /这里什么也没有|不存在|没有这次已保存的运行/,
};

async function notFoundAnswer(path: string, lang: 'en' | 'zh-CN', how: 'query' | 'accept-language'): Promise<void> {
  const url = how === 'query' ? `${servers.baseUrl}${path}?lang=${lang}` : `${servers.baseUrl}${path}`;
  const response = await fetch(url, { headers: { 'accept-language': how === 'query' ? 'en' : lang } });
  const html = await response.text();
  const what = `${path} (${lang}, ${how})`;
  assert.equal(response.status, 404, what);
  assert.doesNotMatch(html, /__next_error__/, `${what}: Next's error shell`);
  assert.equal(/<html[^>]*\blang="([^"]+)"/.exec(html)?.[1], lang, `${what}: <html lang>`);
  assert.match(html, /data-testid="not-found"/, what);
  const text = html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ');
  assert.match(text, WORDS[lang], `${what}: the words are in the page itself`);
  assert.match(/<title>([^<]*)</.exec(html)?.[1] ?? '', WORDS[lang], `${what}: title`);
}

describe('not-found answers, as the server sends them', () => {
  for (const lang of ['en', 'zh-CN'] as const) {
    it(`saved runs, diagnoses, comparisons and their embeds that do not exist (${lang}, ?lang=)`, async () => {
      for (const path of SAVED_VIEWS) await notFoundAnswer(path, lang, 'query');
    });

    it(`a lesson no lesson has, its page and its embed (${lang}, the browser's language)`, async () => {
      for (const path of LESSONS) await notFoundAnswer(path, lang, 'accept-language');
    });
  }

  it('a lesson that exists is still its page (200)', async () => {
    for (const path of ['/lessons/tls13', '/embed/lessons/tls13']) assert.equal((await fetch(`${servers.baseUrl}${path}`)).status, 200, path);
  });
});
