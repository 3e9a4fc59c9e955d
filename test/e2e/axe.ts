/**
 * Accessibility checks with axe-core (every rule it runs by default: WCAG 2.x A/AA and best
 * practices), shared by the a11y*.test.ts files: each file checks a few pages in light and dark
 * after a run, with a step selected and with each detail tab open. Violations come back as one line
 * per element (rule, impact, element, what to fix), so a failure says what to change.
 */
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

export type Scheme = 'light' | 'dark';
export const SCHEMES: Scheme[] = ['light', 'dark'];

/** axe on the page as it is now. */
export async function violations(page: Page, where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${where}: ${v.id} (${v.impact}) ${n.target.join(' ')} — ${(n.failureSummary ?? '').split('\n').slice(1).join(' ').trim()}`),
  );
}

/** Fails with every violation found, one a line. */
export function assertNoViolations(found: string[]): void {
  assert.deepEqual(found, [], `${found.length} violations:\n${found.join('\n')}`);
}

/**
 * axe's enhanced contrast rule (WCAG 1.4.6, 7:1; 4.5:1 for large text) inside `selector` only: the
 * projector views (presentation mode) promise it, the rest of the app promises AA.
 */
export async function enhancedContrastViolations(page: Page, selector: string, where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include(selector).withRules(['color-contrast-enhanced']).analyze();
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${where}: ${v.id} ${n.target.join(' ')} — ${(n.failureSummary ?? '').split('\n').slice(1).join(' ').trim()}`),
  );
}

/** Selects a message step, then opens each detail tab there is, checking the page at each stop. */
export async function checkRunViews(page: Page, where: string): Promise<string[]> {
  const found: string[] = [];
  await page.locator('[data-testid=step-row][data-kind=message]').first().click();
  await page.getByTestId('step-detail').first().waitFor();
  found.push(...(await violations(page, `${where}, a step selected`)));
  for (const tab of ['keys', 'certificate', 'step'] as const) {
    const button = page.getByTestId(`tab-${tab}`).first();
    if ((await button.count()) === 0) continue;
    await button.click();
    await page.waitForTimeout(100);
    found.push(...(await violations(page, `${where}, ${tab} tab`)));
  }
  return found;
}

/** The id at the end of a saved link (/r/…, /d/…, /c/…) shown by `testId`. */
export async function savedId(page: Page, testId: string): Promise<string> {
  const link = page.getByTestId(testId);
  await link.waitFor({ timeout: 30_000 });
  const id = /\/[rdc]\/([A-Za-z0-9_-]{22})(?:[?#]|$)/.exec((await link.getAttribute('href')) ?? '')?.[1];
  if (!id) throw new Error(`no saved link in ${testId}`);
  return id;
}

/**
 * A saved diagnosis (`d`) or comparison (`c`): its page with a probe's run, a step selected and each
 * tab open, then its embed, all after their runs have rendered.
 */
export async function savedBundleViolations(page: Page, baseUrl: string, kind: 'd' | 'c', id: string, scheme: Scheme): Promise<string[]> {
  await page.goto(`${baseUrl}/${kind}/${id}`);
  await page.locator('[data-testid=run][data-status=done]').waitFor();
  const found = [...(await violations(page, `/${kind} ${scheme}`)), ...(await checkRunViews(page, `/${kind} ${scheme}`))];
  await page.goto(`${baseUrl}/embed/${kind}/${id}`);
  await page.locator('[data-testid=run][data-status=done]').waitFor();
  found.push(...(await violations(page, `/embed/${kind} ${scheme}`)));
  return found;
}
