/**
 * The Public Suffix List is loaded on demand, in chromium: only a certificate with a wildcard name
 * asks whether a name is a public suffix (lib/tls/x509/hostname.ts), so the list's chunk (tldts,
 * kept out of the engine's bundle: test/architecture) is fetched by the first run that meets one —
 * the wildcard demo target — and not by a run whose certificate names its host outright.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, stackForFile } from './harness';

const stack = stackForFile();

/**
 * The built chunk that carries the list: the one holding top-level domains only the list names
 * (the .amsterdam gTLD and Israel's IDN ccTLD), whatever name the bundler gave it.
 */
function publicSuffixChunk(): string {
  const dir = join(ROOT, '.next', 'static', 'chunks');
  const holding = readdirSync(dir).filter((name) => {
    if (!name.endsWith('.js')) return false;
    const code = readFileSync(join(dir, name), 'utf8');
    return code.includes('amsterdam') && code.includes('xn--4dbrk0ce');
  });
  assert.equal(holding.length, 1, `exactly one chunk carries the Public Suffix List: ${holding.join(', ')}`);
  return holding[0];
}

/** Every script the page fetches, by file name, in order. */
function scriptsFetched(page: Page): string[] {
  const fetched: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'script') fetched.push(new URL(request.url()).pathname.split('/').pop() ?? '');
  });
  return fetched;
}

async function runCard(page: Page, name: string): Promise<{ outcome: string | null; certificate: string }> {
  await page.locator(`[data-testid=demo-target][data-target="${name}"]`).click();
  await page.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 40_000 });
  const outcome = await page.getByTestId('summary-card').getAttribute('data-outcome');
  await page.getByTestId('tab-certificate').click();
  const certificate = await page.getByTestId('certificate-panel').innerText();
  await page.getByTestId('tab-step').click();
  return { outcome, certificate };
}

describe('the Public Suffix List, loaded on demand', () => {
  it('a run without a wildcard name does not fetch it; the wildcard target does, once, and its check passes', async () => {
    const chunk = publicSuffixChunk();
    const page = await stack().newPage();
    const fetched = scriptsFetched(page);
    await page.goto(stack().baseUrl);

    const exact = await runCard(page, 'tls13');
    assert.equal(exact.outcome, 'ok');
    assert.match(exact.certificate, /hostname — tls13\.test matches the subjectAltName DNS name tls13\.test/);
    assert.ok(fetched.length > 0, 'the page fetched its scripts');
    assert.ok(!fetched.includes(chunk), `no wildcard yet, so no Public Suffix List (${chunk}); fetched: ${fetched.join(', ')}`);

    const wildcard = await runCard(page, 'wildcard');
    assert.equal(wildcard.outcome, 'ok');
    assert.match(wildcard.certificate, /Certificate trusted/);
    assert.match(wildcard.certificate, /hostname — www\.wildcard\.test matches the subjectAltName wildcard \*\.wildcard\.test/);
    assert.equal(fetched.filter((name) => name === chunk).length, 1, `the wildcard fetched the list's chunk ${chunk}`);

    // A second wildcard run asks the list already loaded.
    const again = await runCard(page, 'wildcard');
    assert.equal(again.outcome, 'ok');
    assert.equal(fetched.filter((name) => name === chunk).length, 1, 'the list is fetched once per page');
  });
});
