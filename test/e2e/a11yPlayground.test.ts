/**
 * axe-core on the playground `/`, in light and dark, before and after a run (the IIS reset), with a
 * step selected and each tab open: no violations. The run's outcome is announced to screen readers
 * (a live region holds it when the run ends). The saved run's pages are checked in a11ySavedRun.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoViolations, checkRunViews, SCHEMES, violations } from './axe';
import { stackForFile } from './harness';

const stack = stackForFile();

describe('axe-core finds no violations', () => {
  for (const scheme of SCHEMES) {
    it(`/ (${scheme}): before and after a run, a step selected, each tab; the outcome is announced`, async () => {
      const page = await stack().newPage({ colorScheme: scheme });
      await page.goto(stack().baseUrl);
      const found = await violations(page, `/ ${scheme}, before a run`);
      await page.getByTestId('url-input').fill('https://iis-renegotiation.test/secure/');
      await page.getByTestId('run-button').click();
      await page.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 40_000 });
      const announced = await page.locator('[role=status], [aria-live=polite]').allInnerTexts();
      assert.ok(announced.some((t) => /Connection reset/.test(t)), `the outcome is in a live region: ${JSON.stringify(announced)}`);
      found.push(...(await checkRunViews(page, `/ ${scheme}`)));
      assertNoViolations(found);
    });
  }
});
