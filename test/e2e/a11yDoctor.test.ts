/**
 * axe-core on the doctor `/doctor` after a diagnosis, and on the saved diagnosis `/d/{id}` (a probe's
 * run with a step selected and each tab open) and its embed `/embed/d/{id}`, in light and dark: no
 * violations.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoViolations, savedBundleViolations, savedId, SCHEMES, violations } from './axe';
import { stackForFile } from './harness';

const stack = stackForFile();
let diagnosisId: string | undefined;

describe('axe-core finds no violations', () => {
  for (const scheme of SCHEMES) {
    it(`/doctor (${scheme}), after a diagnosis`, async () => {
      const page = await stack().newPage({ colorScheme: scheme });
      await page.goto(`${stack().baseUrl}/doctor?url=${encodeURIComponent('https://iis-renegotiation.test/secure/')}`);
      const found = await violations(page, `/doctor ${scheme}, before`);
      await page.getByTestId('doctor-run').click();
      await page.getByTestId('doctor-verdict').waitFor({ timeout: 120_000 });
      found.push(...(await violations(page, `/doctor ${scheme}, after the diagnosis`)));
      if (!diagnosisId) {
        await page.getByTestId('save-bundle-button').click();
        diagnosisId = await savedId(page, 'bundle-link');
      }
      assertNoViolations(found);
    });
  }

  for (const scheme of SCHEMES) {
    it(`/d/{id} and /embed/d/{id} (${scheme})`, async () => {
      assert.ok(diagnosisId, 'the diagnosis was saved by the first test');
      const page = await stack().newPage({ colorScheme: scheme });
      const found = await savedBundleViolations(page, stack().baseUrl, 'd', diagnosisId, scheme);
      assertNoViolations(found);
    });
  }
});
