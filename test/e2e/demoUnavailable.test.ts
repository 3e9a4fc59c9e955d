/**
 * A demo target whose program is missing on this machine: tls13-0rtt needs nginx, which is stubbed
 * away here (its program is a path where nothing is installed; nothing is uninstalled). The demo
 * servers start without it and say why in their registry; the playground shows its card as not
 * available here, with the reason in the reader's language and no run to start; running it by URL
 * ends with one clear sentence (the relay's), and the advice names who can fix it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { screenshotPath, startStack, type Stack } from './harness';

let stack: Stack;

before(async () => {
  stack = await startStack({ demoPrograms: { nginx: '/nonexistent/bin/nginx' } });
});

after(async () => {
  await stack?.close();
});

/** The steps' names and the summary of the run the page started from its address. */
async function runFromAddress(page: Page, url: string): Promise<{ steps: string[]; summary: string; advice: string }> {
  await page.goto(`${stack.baseUrl}/?url=${encodeURIComponent(url)}&run=1`);
  await page.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 40_000 });
  const steps = await page.locator('[data-testid=step-row]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return { steps, summary: await page.getByTestId('summary-card').innerText(), advice: await page.getByTestId('advice').innerText() };
}

describe('a demo target whose program is missing', () => {
  it('is not started, and the demo servers record why; the others run', () => {
    assert.deepEqual(
      stack.demo.notStarted.map(({ name, program, missing }) => ({ name, program, missing })),
      [{ name: 'tls13-0rtt', program: 'nginx', missing: true }],
    );
    const running = stack.demo.targets.map((t) => t.name);
    assert.ok(!running.includes('tls13-0rtt'));
    for (const name of ['tls13', 'tls13-no-0rtt', 'tls13-pha']) assert.ok(running.includes(name), name);
  });

  it('is shown as not available here, with why, and offers no run; the other cards still run', async () => {
    const page = await stack.newPage();
    await page.goto(stack.baseUrl);
    const card = page.locator('[data-testid=demo-target-unavailable][data-target="tls13-0rtt"]');
    assert.match(await card.innerText(), /TLS 1\.3 resumption with 0-RTT early data\ntls13-0rtt\.test\/[\s\S]*Not available on this server: it needs nginx, which is not installed here\./);
    assert.equal(await card.locator('button').count(), 0, 'nothing on the card starts a run');
    assert.equal(await page.locator('[data-testid=demo-target][data-target="tls13-0rtt"]').count(), 0);
    assert.equal(await page.locator('[data-testid=demo-target-unavailable]').count(), 1, 'only the target that did not start');
    assert.equal(await page.locator('[data-testid=demo-target][data-target="tls13-no-0rtt"]').count(), 1);
    await page.screenshot({ path: screenshotPath('demo-target-unavailable'), fullPage: true });
  });

  it('says why in Chinese too', async () => {
    const page = await stack.newPage({ locale: 'zh-CN' });
    await page.goto(stack.baseUrl);
    const card = page.locator('[data-testid=demo-target-unavailable][data-target="tls13-0rtt"]');
    assert.match(await card.innerText(), /本服务器上不可用：它需要 nginx，但这里没有安装。/);
  });

  it('run by its URL, ends with one clear sentence: the target is not running here, and why', async () => {
    const run = await runFromAddress(await stack.newPage(), 'https://tls13-0rtt.test/');
    const refused = run.steps.filter((s) => /^Relay refused:/.test(s));
    assert.equal(refused.length, 1, run.steps.join('\n'));
    assert.match(refused[0], /Relay refused: tls13-0rtt\.test is a built-in demo target that is not running on this server: it needs nginx, which is not installed/);
    assert.doesNotMatch(run.steps.join('\n'), /special-use name/, 'not the refusal of an unknown .test name');
    assert.match(run.advice, /^The relay will not connect there\n[\s\S]*install the program this demo target needs/);
    assert.doesNotMatch(run.advice, /npx tls-playground|RELAY_ALLOW/, 'neither the CLI nor the relay policy helps here');
  });

  it('run by its URL in Chinese, says the same in Chinese', async () => {
    const run = await runFromAddress(await stack.newPage({ locale: 'zh-CN' }), 'https://tls13-0rtt.test/');
    assert.ok(
      run.steps.some((s) => s.includes('中继拒绝：这是一个内置演示目标，但它没有在本服务器上运行（它需要的程序没有安装或没有启动）')),
      run.steps.join('\n'),
    );
    assert.match(run.advice, /安装这个演示目标需要的程序/);
  });

  it('leaves no console errors behind', () => {
    assert.deepEqual(stack.consoleErrors, []);
  });
});
