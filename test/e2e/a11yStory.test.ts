/**
 * axe-core on the IIS story `/renegotiation` and the comparison `/compare` after their runs, and on
 * the saved comparison `/c/{id}` (a run with a step selected and each tab open) and its embed
 * `/embed/c/{id}`, in light and dark: no violations.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoViolations, savedBundleViolations, savedId, SCHEMES, violations } from './axe';
import { stackForFile } from './harness';

const stack = stackForFile();
let comparisonId: string | undefined;

describe('axe-core finds no violations', () => {
  for (const scheme of SCHEMES) {
    it(`/renegotiation and /compare (${scheme}), after their runs`, async () => {
      const page = await stack().newPage({ colorScheme: scheme });
      await page.goto(`${stack().baseUrl}/renegotiation`);
      await page.getByTestId('story-run-all').click();
      await page.getByTestId('comparison').waitFor({ timeout: 60_000 });
      const found = await violations(page, `/renegotiation ${scheme}, after the runs`);
      await page.goto(`${stack().baseUrl}/compare?url=${encodeURIComponent('https://iis-renegotiation.test/secure/')}`);
      await page.getByTestId('compare-run').click();
      await page.getByTestId('comparison').waitFor({ timeout: 60_000 });
      found.push(...(await violations(page, `/compare ${scheme}, after the runs`)));
      if (!comparisonId) {
        await page.getByTestId('save-bundle-button').click();
        comparisonId = await savedId(page, 'bundle-link');
      }
      assertNoViolations(found);
    });
  }

  for (const scheme of SCHEMES) {
    it(`/c/{id} and /embed/c/{id} (${scheme})`, async () => {
      assert.ok(comparisonId, 'the comparison was saved by the first test');
      const page = await stack().newPage({ colorScheme: scheme });
      const found = await savedBundleViolations(page, stack().baseUrl, 'c', comparisonId, scheme);
      assertNoViolations(found);
    });
  }
});
