/**
 * axe-core on a saved run `/r/{id}` (a step selected, each tab open) and its embed `/embed/r/{id}`,
 * in light and dark: no violations. The run is the IIS reset, made and saved from the playground.
 * (A file of its own: each axe pass over every tab is long on a shared machine, and the playground's
 * own checks are in a11yPlayground.)
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoViolations, checkRunViews, savedId, SCHEMES, violations } from './axe';
import { stackForFile } from './harness';

const stack = stackForFile();
let runId: string | undefined;

describe('axe-core finds no violations on a saved run', () => {
  before(async () => {
    const page = await stack().newPage();
    await page.goto(stack().baseUrl);
    await page.getByTestId('url-input').fill('https://iis-renegotiation.test/secure/');
    await page.getByTestId('run-button').click();
    await page.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 40_000 });
    await page.getByTestId('save-button').click();
    runId = await savedId(page, 'result-link');
  });

  for (const scheme of SCHEMES) {
    it(`/r/{id} and /embed/r/{id} (${scheme})`, async () => {
      assert.ok(runId, 'the run was saved before the tests');
      const page = await stack().newPage({ colorScheme: scheme });
      await page.goto(`${stack().baseUrl}/r/${runId}`);
      await page.locator('[data-testid=run][data-status=done]').waitFor();
      const found = [...(await violations(page, `/r ${scheme}`)), ...(await checkRunViews(page, `/r ${scheme}`))];
      await page.goto(`${stack().baseUrl}/embed/r/${runId}`);
      found.push(...(await violations(page, `/embed/r ${scheme}`)));
      assertNoViolations(found);
    });
  }
});
