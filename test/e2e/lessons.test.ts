/**
 * The guided lessons in Chromium, driven by the keyboard alone, over live runs of the demo targets:
 * from the header's nav to each lesson, through every stop — predict (a radio group and a button),
 * see the verdict and the real step — with the place in the address (?stop=N&answer=…), a reload
 * that lands on the same place, the back button; the embed (its frame headers, and held back when
 * another site frames it); axe-core in light and dark.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { findLesson, type LessonId } from '../../lib/view/lessons';
import { assertNoViolations, SCHEMES, violations } from './axe';
import { startStack, type Stack } from './harness';

let stack: Stack;

before(async () => {
  stack = await startStack();
});

after(async () => {
  await stack?.close();
});

/** Presses Tab until the focused element matches `selector` (as a keyboard user gets there). */
async function tabUntil(page: Page, selector: string, limit = 150): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((css) => document.activeElement?.matches(css) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

const byTestId = (id: string) => `[data-testid="${id}"]`;
const FIRST_CHOICE = '[data-testid=prediction] input[type=radio]';

/** Where the lesson is: the stop in the page and in the address. */
async function place(page: Page): Promise<{ stop: number; urlStop: number; answer: string | null; stopId: string }> {
  const url = new URL(page.url());
  return {
    stop: Number(await page.getByTestId('lesson').getAttribute('data-stop')),
    urlStop: Number(url.searchParams.get('stop') ?? '1'),
    answer: url.searchParams.get('answer'),
    stopId: (await page.getByTestId('lesson-stop').getAttribute('data-stop-id')) ?? '',
  };
}

/** Picks the choice `id` with the keyboard (Tab into the radio group, Space, arrows) and submits it. */
async function predict(page: Page, lesson: LessonId, stopId: string, id: string): Promise<void> {
  const stop = findLesson(lesson)!.stops.find((s) => s.id === stopId)!;
  const index = stop.choices!.findIndex((c) => c.id === id);
  assert.ok(index >= 0, `${id} is a choice of ${stopId}`);
  await tabUntil(page, FIRST_CHOICE);
  await page.keyboard.press('Space');
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('[data-testid=prediction] input:checked').getAttribute('value'), id);
  await tabUntil(page, byTestId('check-prediction'));
  await page.keyboard.press('Enter');
  await page.getByTestId('verdict').waitFor({ timeout: 60_000 });
}

/** Goes on to the next stop with the keyboard and checks the address follows. */
async function next(page: Page): Promise<void> {
  const before = await place(page);
  await tabUntil(page, byTestId('lesson-next'));
  await page.keyboard.press('Enter');
  const now = await place(page);
  assert.equal(now.stop, before.stop + 1);
  assert.equal(now.urlStop, now.stop, 'the address names the stop');
  assert.equal(now.answer, null);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'stop-title', 'the new stop’s heading has the focus');
}

/** The revealed step's title (the run view's step detail). */
async function revealedTitle(page: Page): Promise<string> {
  await page.getByTestId('reveal').waitFor({ timeout: 60_000 });
  return page.getByTestId('reveal').locator('[data-testid=step-detail] h3').first().innerText();
}

/**
 * Each lesson's walk: per stop, the answer to give (undefined: no question), whether it is the right
 * one, and what the revealed step is called. The answers are what the demo targets do (README).
 */
const WALKS: Record<LessonId, { stop: string; answer?: string; right?: boolean; title: RegExp }[]> = {
  tls13: [
    { stop: 'clientHello', title: /^ClientHello$/ },
    { stop: 'serverHello', answer: 'serverHello', right: true, title: /^ServerHello$/ },
    { stop: 'encryptedExtensions', answer: 'certificate', right: false, title: /^EncryptedExtensions$/ },
    { stop: 'certificateVerify', answer: 'certificateVerify', right: true, title: /^CertificateVerify$/ },
    { stop: 'finished', answer: 'finished', right: true, title: /^Finished$/ },
    { stop: 'request', answer: 'sameFlight', right: true, title: /^HTTP request: GET \/$/ },
    { stop: 'ticket', answer: 'response', right: false, title: /^NewSessionTicket$/ },
    { stop: 'summary', title: /^Handshake complete$/ },
  ],
  certificates: [
    { stop: 'chain', title: /^Certificate$/ },
    { stop: 'expired', answer: 'certificate_expired', right: true, title: /certificate_expired/ },
    { stop: 'wrongHost', answer: 'continues', right: false, title: /certificate_unknown/ },
    { stop: 'selfSigned', answer: 'unknown_ca', right: true, title: /unknown_ca/ },
    { stop: 'untrustedRoot', answer: 'unknown_ca', right: true, title: /unknown_ca/ },
    { stop: 'incompleteChain', answer: 'unknown_ca', right: true, title: /unknown_ca/ },
    { stop: 'summary', title: /^Certificate rejected/ },
  ],
  renegotiation: [
    { stop: 'initial', title: /^Handshake complete$/ },
    { stop: 'helloRequest', answer: 'helloRequest', right: true, title: /^HelloRequest$/ },
    { stop: 'refusal', answer: 'warning', right: true, title: /no_renegotiation \(warning\)/ },
    { stop: 'reset', answer: 'forbidden', right: false, title: /RST/ },
    { stop: 'renegotiate', answer: 'clientHello', right: true, title: /^ClientHello$/ },
    { stop: 'certificateRequest', answer: 'certificateRequest', right: true, title: /^CertificateRequest$/ },
    { stop: 'response', answer: 'ok', right: true, title: /200/ },
    { stop: 'fix', title: /^Renegotiation complete$/ },
  ],
};

describe('the lessons, keyboard only', () => {
  it('are reached from the header’s nav', async () => {
    const page = await stack.newPage();
    await page.goto(stack.baseUrl);
    await tabUntil(page, 'nav a[href="/lessons"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/lessons$/);
    const links = await page.getByTestId('lesson-list').getByRole('link').allInnerTexts();
    assert.deepEqual(links, ['TLS 1.3 in one round trip', 'Why browsers reject certificates', 'Renegotiation and the IIS reset']);
  });

  for (const lesson of Object.keys(WALKS) as LessonId[]) {
    it(`${lesson}: predict, reveal, every stop in the address, a reload keeps the place`, async () => {
      const page = await stack.newPage();
      await page.goto(`${stack.baseUrl}/lessons`);
      await tabUntil(page, byTestId(`lesson-link-${lesson}`));
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`/lessons/${lesson}$`));
      const walk = WALKS[lesson];
      for (const [i, step] of walk.entries()) {
        if (i > 0) await next(page);
        const here = await place(page);
        assert.equal(here.stopId, step.stop);
        if (step.answer) {
          assert.equal(await page.getByTestId('reveal').count(), 0, `${step.stop}: nothing is revealed before the prediction`);
          await predict(page, lesson, step.stop, step.answer);
          assert.equal(await page.getByTestId('verdict').getAttribute('data-right'), String(step.right), `${step.stop}: the verdict`);
          assert.equal((await place(page)).answer, step.answer, `${step.stop}: the prediction is in the address`);
          assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'verdict', `the verdict has the focus, not ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))}`);
        }
        assert.match(await revealedTitle(page), step.title, `${lesson}/${step.stop}`);
        // The bytes of a message are shown with it.
        if (/^(ClientHello|ServerHello|EncryptedExtensions|CertificateVerify|Finished|HelloRequest|CertificateRequest|Certificate)$/.test(await revealedTitle(page))) {
          assert.ok((await page.getByTestId('reveal').getByTestId('hex-view').count()) > 0, `${step.stop}: its bytes`);
        }

        // Once per lesson, halfway: a reload lands on the same stop, with the prediction and the real step.
        if (i === Math.floor(walk.length / 2)) {
          const before = page.url();
          await page.reload();
          assert.equal(page.url(), before);
          const again = await place(page);
          assert.equal(again.stopId, step.stop, 'the reload keeps the stop');
          if (step.answer) assert.equal(await page.getByTestId('verdict').getAttribute('data-right'), String(step.right), 'and the verdict');
          assert.match(await revealedTitle(page), step.title);
        }
      }
      assert.equal(await page.getByTestId('lesson-next').count(), 0, 'the last stop');
      const runs = await page.getByTestId('lesson-runs').locator('li').allInnerTexts();
      assert.equal(runs.length, findLesson(lesson)!.runs.length);

      // The back button goes to the stop before.
      await page.goBack();
      assert.equal((await place(page)).stopId, walk.at(-2)!.stop);
    });
  }

  it('asks for an answer before revealing, and a link with an answer opens revealed', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.baseUrl}/lessons/tls13?stop=2`);
    await tabUntil(page, byTestId('check-prediction'));
    await page.keyboard.press('Enter');
    assert.match(await page.getByTestId('choose-first').innerText(), /Choose one of the answers first/);
    assert.equal(await page.getByTestId('reveal').count(), 0);

    await page.goto(`${stack.baseUrl}/lessons/tls13?stop=2&answer=helloRetry`);
    await page.getByTestId('verdict').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('verdict').getAttribute('data-right'), 'false');
    assert.equal(await page.getByTestId('reveal').getAttribute('data-actual'), 'serverHello');
  });

  it('speaks Chinese with ?lang=zh-CN, and keeps the language in the address', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.baseUrl}/lessons/renegotiation?lang=zh-CN`);
    assert.equal(await page.locator('h1').innerText(), '重协商与 IIS 的连接重置');
    await next(page);
    assert.match(page.url(), /lang=zh-CN/);
    assert.match(await page.getByTestId('stop-counter').innerText(), /^第 2 站，共 8 站/);
  });
});

describe('a lesson as an embed', () => {
  let other: Server;
  let otherOrigin: string;

  before(async () => {
    // A page of another site (another port is another origin) that frames the lesson.
    other = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><title>blog</title><iframe id="lesson" src="${stack.baseUrl}/embed/lessons/tls13?stop=2" width="900" height="700" sandbox="allow-scripts allow-same-origin"></iframe>`);
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => other.close(() => resolve())));

  it('may be framed by any site, and there runs only on a click', async () => {
    const response = await fetch(`${stack.baseUrl}/embed/lessons/tls13`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors \*/);
    assert.equal(response.headers.get('x-frame-options'), null);
    const page = (await fetch(`${stack.baseUrl}/lessons/tls13`)).headers;
    assert.equal(page.get('x-frame-options'), 'SAMEORIGIN', 'the lesson page itself is not framed by others');

    const blog = await stack.newPage();
    await blog.goto(otherOrigin);
    const frame = blog.frameLocator('#lesson');
    await frame.getByTestId('lesson-held-back').waitFor();
    await frame.getByTestId('lesson-start-runs').click();
    await frame.getByTestId('lesson-held-back').waitFor({ state: 'detached', timeout: 60_000 });
    await frame.locator('[data-testid=prediction] input[value=serverHello]').check();
    await frame.getByTestId('check-prediction').click();
    await frame.getByTestId('verdict').waitFor({ timeout: 60_000 }).catch(async () => assert.fail(`no verdict in the frame: ${await frame.getByTestId('lesson-stop').innerText()}`));
    assert.equal(await frame.getByTestId('verdict').getAttribute('data-right'), 'true');
  });

  it('runs at once when opened on its own', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.baseUrl}/embed/lessons/certificates?stop=2&answer=certificate_expired`);
    await page.getByTestId('verdict').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('verdict').getAttribute('data-right'), 'true');
  });
});

describe('axe-core finds no violations on the lessons', () => {
  for (const scheme of SCHEMES) {
    it(`/lessons, a lesson before and after a prediction, and its embed (${scheme})`, async () => {
      const page = await stack.newPage({ colorScheme: scheme });
      await page.goto(`${stack.baseUrl}/lessons`);
      const found = await violations(page, `/lessons ${scheme}`);
      await page.goto(`${stack.baseUrl}/lessons/renegotiation?stop=3`);
      await page.getByTestId('prediction').waitFor();
      found.push(...(await violations(page, `/lessons/renegotiation?stop=3 ${scheme}, before`)));
      await page.goto(`${stack.baseUrl}/lessons/renegotiation?stop=3&answer=fatal`);
      await page.getByTestId('verdict').waitFor({ timeout: 60_000 });
      found.push(...(await violations(page, `/lessons/renegotiation?stop=3 ${scheme}, revealed`)));
      await page.goto(`${stack.baseUrl}/lessons/certificates?stop=7`);
      await page.getByTestId('reveal').waitFor({ timeout: 60_000 });
      await page.locator('[data-testid=lesson-runs] li').nth(4).filter({ hasText: /unknown_ca|trusted root/ }).waitFor({ timeout: 60_000 });
      found.push(...(await violations(page, `/lessons/certificates?stop=7 ${scheme}`)));
      await page.goto(`${stack.baseUrl}/embed/lessons/tls13?stop=4&answer=certificateVerify`);
      await page.getByTestId('verdict').waitFor({ timeout: 60_000 });
      found.push(...(await violations(page, `/embed/lessons/tls13 ${scheme}`)));
      assertNoViolations(found);
    });
  }
});
