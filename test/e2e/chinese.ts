/**
 * Reading a page as a Chinese reader does, for the zh-CN e2e tests (i18n.test.ts, i18nPages.test.ts):
 * what a person reads on it, with the tokens that stay as they are in Chinese technical writing taken
 * out, must hold no English sentence.
 */
import assert from 'node:assert/strict';
import type { Frame, Locator, Page } from 'playwright-core';

export const HAN = /\p{Script=Han}/u;

/**
 * Tokens that stay as they are in Chinese technical writing (docs/glossary.zh.md): protocol and
 * product names, the error as users see it, commands and what machines print. Removed before the
 * text is searched for English sentences.
 */
const ALLOWED = [
  // Quoted text first, whole: certificate names as the certificates spell them, and what programs
  // print (the engine's own English, quoted after 引擎的诊断, until its diagnostic has Chinese words).
  /“[^”\n]*”/g,
  /“?Connection reset by peer”?/g,
  // Go's error as its programs print it.
  /\btls: no renegotiation\b/g,
  // The TLS 1.2 PRF's labels (RFC 5246 §5, §8.1; RFC 7627 §4), quoted in the key schedule's formulas.
  /"(?:extended master secret|master secret|key expansion|client finished|server finished)"/g,
  /\bnpx tls-playground[^\n，。）]*/g,
  /\bnetsh http [^\n，。）]*/g,
  /\bhttps?:\/\/\S+/g,
  /\b[\w.-]+\.test\b\S*/g,
  /\bTLS Playground\b/g,
  /\b(?:BoringSSL|OpenSSL|SChannel|rustls|Go crypto\/tls|IIS|http\.sys)\b/g,
  /\bRFC \d+(?: §[\d.]+)?/g,
  // Certificate names after CN=, O=.
  /\b(?:CN|O|OU|C)=[^,\n]*/g,
];

/** Runs of three or more Latin words: an English phrase or sentence (protocol names are single words). */
export function englishSentences(text: string): string[] {
  let rest = text;
  for (const token of ALLOWED) rest = rest.replace(token, ' ');
  return rest.match(/\b[A-Za-z][a-z']+(?:[ ,]+[A-Za-z][a-z']+){2,}\b/g) ?? [];
}

/**
 * What a person reads in `root`, as text: its rendered text (screen-reader-only text included), and
 * the names and hints of its elements (aria-label, title, placeholder, alt), which screen readers and
 * tooltips say. Left out: the step's data as recorded ([data-testid=step-data]) and what the page
 * marks translate="no": the hex view's field names, decoded values and bytes (protocol tokens and
 * data). The hex view's own words — its headings, hints, sizes, the field's offset and the RFC link's
 * text — are read, and so are the values the codecs record as data (Field.words: sizes, counts,
 * phrases), which the view words in the reader's language and does not mark.
 */
export async function readable(root: Locator): Promise<string> {
  return root.evaluate((element) => {
    const hidden = [...element.querySelectorAll<HTMLElement>('[data-testid=step-data], [translate=no]')];
    const before = hidden.map((h) => h.style.display);
    for (const h of hidden) h.style.display = 'none';
    const text = (element as HTMLElement).innerText;
    hidden.forEach((h, i) => (h.style.display = before[i]));
    // (No named functions in here: the test runner's transform would name them with a helper the page lacks.)
    const attributes = [...element.querySelectorAll('[aria-label], [title], [placeholder], img[alt]')]
      .filter((e) => !hidden.some((h) => h.contains(e)))
      .flatMap((e) => ['aria-label', 'title', 'placeholder', 'alt'].map((a) => e.getAttribute(a) ?? ''));
    return [text, ...attributes].join('\n');
  });
}

/**
 * The engine's English quoted on Chinese pages (引擎的诊断：“…”), by page: allowed, as program output
 * is, and collected so that a test can report what is still quoted rather than worded.
 */
export const engineQuotes = new Map<string, string>();

/** Fails with every English sentence `root` shows, named by `where`. */
export async function assertChinese(root: Locator, where: string): Promise<void> {
  const text = await readable(root);
  for (const [, quote] of text.matchAll(/引擎的诊断：“([^”\n]*)”/g)) if (!engineQuotes.has(quote)) engineQuotes.set(quote, where);
  assert.match(text, HAN, `${where} shows Chinese`);
  assert.deepEqual(englishSentences(text), [], `${where}: English sentences`);
}

export async function runDone(where: Page | Frame): Promise<void> {
  await where.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 60_000 });
}

/**
 * Every step of the run on the page, one after the other (key derivations shown too), then the key
 * schedule and the certificate tabs: each in Chinese.
 */
export async function assertRunChinese(page: Page, where: string): Promise<void> {
  const run = page.locator('[data-testid=run]');
  await assertChinese(run, where);
  const showKeys = run.locator('label:has(input[type=checkbox]) input[type=checkbox]');
  if ((await showKeys.count()) > 0 && !(await showKeys.first().isChecked())) await showKeys.first().check();
  const rows = run.locator('[data-testid=step-row]');
  const count = await rows.count();
  assert.ok(count > 0, `${where}: steps`);
  const found: string[] = [];
  for (let i = 0; i < count; i++) {
    await rows.nth(i).click();
    await run.locator(`[data-testid=step-detail][data-seq="${await rows.nth(i).getAttribute('data-seq')}"]`).waitFor();
    const text = await readable(run.locator('[data-testid=step-detail]'));
    found.push(...englishSentences(`${text}\n${(await rows.nth(i).getAttribute('aria-label')) ?? ''}`).map((s) => `step ${i + 1}: ${s}`));
  }
  assert.deepEqual(found, [], `${where}: English sentences in the steps`);
  // The first step with bytes, one of its fields focused: the field's detail (offset, size, the RFC
  // link) and the status line.
  for (let i = 0; i < count; i++) {
    await rows.nth(i).click();
    await run.locator(`[data-testid=step-detail][data-seq="${await rows.nth(i).getAttribute('data-seq')}"]`).waitFor();
    const field = run.locator('[data-testid=hex-field]').first();
    if ((await field.count()) === 0) continue;
    await field.focus();
    await run.getByTestId('field-detail').waitFor();
    await assertChinese(run.locator('[data-testid=hex-view]').first(), `${where}, a field of step ${i + 1}`);
    break;
  }
  for (const tab of ['keys', 'certificate'] as const) {
    if ((await run.getByTestId(`tab-${tab}`).count()) === 0) continue;
    await run.getByTestId(`tab-${tab}`).click();
    await assertChinese(run, `${where}, ${tab} tab`);
  }
  if ((await run.getByTestId('tab-step').count()) > 0) await run.getByTestId('tab-step').click();
}

/**
 * English words the codecs once wrote into a field's value (sizes, counts, phrases). A value the page
 * marks translate="no" is a protocol token or the bytes' data, so none of these may be in one: such a
 * phrase must be recorded as Field.words and worded in the reader's language.
 */
const CODEC_ENGLISH = /\b(?:bytes?|bits?|of|with|empty|point|signature|extensions?|none|salt|seconds?|qualifiers?|initial handshake|parameters|signed|timestamps?|identifier)\b/;

/**
 * The hex view of each message named (its first step whose row label starts with the name), every
 * field of it unfolded: the tree with every value, and the detail of the deepest field, in Chinese;
 * no value marked translate="no" holds a codec's English phrase. Returns the names it found.
 */
export async function assertHexViewsChinese(page: Page, messages: readonly string[], where: string): Promise<string[]> {
  const run = page.locator('[data-testid=run]');
  if ((await run.getByTestId('tab-step').count()) > 0) await run.getByTestId('tab-step').click();
  const rows = run.locator('[data-testid=step-row][data-kind=message]');
  const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  const opened: string[] = [];
  for (const name of messages) {
    const index = labels.findIndex((l) => new RegExp(`^${name}(?![A-Za-z])`).test(l));
    if (index < 0) continue;
    await rows.nth(index).click();
    const detail = run.locator(`[data-testid=step-detail][data-seq="${await rows.nth(index).getAttribute('data-seq')}"]`);
    await detail.waitFor();
    const view = detail.locator('[data-testid=hex-view]').first();
    if ((await view.count()) === 0) continue;
    // Unfold every field, one click each (a click toggles one branch of the tree).
    const folded = view.locator('[data-testid=hex-field][aria-expanded=false]');
    for (let clicks = 0; (await folded.count()) > 0; clicks++) {
      assert.ok(clicks < 2000, `${where}, ${name}: the tree unfolds`);
      await folded.first().evaluate((e) => (e as HTMLElement).click());
    }
    await view.locator('[data-testid=hex-field]').last().focus();
    await view.getByTestId('field-detail').waitFor();
    await assertChinese(view, `${where}, the fields of ${name}`);
    const tokens = await view.locator('[data-testid=hex-field-value][translate=no]').allInnerTexts();
    assert.ok(tokens.length > 0, `${where}, ${name}: values kept as they are`);
    assert.deepEqual(tokens.filter((t) => CODEC_ENGLISH.test(t)), [], `${where}, ${name}: English phrases among the values kept as they are`);
    opened.push(name);
  }
  return opened;
}
