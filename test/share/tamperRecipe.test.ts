/**
 * A tamper travels with the experiment: in recipe links (tamper=SPEC, readable as typed), in a saved
 * run's options (so "Run again live" repeats it), and in the options summary line; a link or a trace
 * with a tamper this version cannot read still opens, without it, and says so.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRecipe, encodeRecipe, formFromRunOptions, formFromTrace } from '../../lib/share/recipe';
import { DEFAULT_FORM, describeForm, readTamperSpec, toRunRequest } from '../../lib/view/runOptions';
import { translator } from '../../lib/i18n/translator';
import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { tls13OkTrace } from '../view/fixtures/traces';

const tEn = translator('en', en);
const tZh = translator('zh-CN', zhCN);

describe('a tamper in the run options', () => {
  it('is written into a recipe link as its SPEC, readable, and read back', () => {
    const form = { ...DEFAULT_FORM, url: 'https://tls13.test/', tamper: 'finished.verify_data:flip=0' };
    const query = encodeRecipe(form, { run: true });
    assert.equal(query, 'url=https://tls13.test/&tamper=finished.verify_data:flip=0&run=1');
    assert.deepEqual(decodeRecipe(query), { form, run: true, ignored: [] });
    // A URL-encoded link reads the same.
    assert.equal(decodeRecipe('url=https://tls13.test/&tamper=client_hello.cipher_suites%3Aset%3D1301')?.form.tamper, 'client_hello.cipher_suites:set=1301');
  });

  it('a link whose tamper does not parse opens without it, and says why', () => {
    const recipe = decodeRecipe('url=https://tls13.test/&tamper=server_hello.random:flip=0');
    assert.equal(recipe?.form.tamper, '');
    assert.equal(recipe?.ignored.length, 1);
    assert.match(recipe!.ignored[0], /^Tamper “server_hello.random:flip=0” ignored: the target "server_hello.random" must start with the client message/);
  });

  it('a saved run re-runs with its tamper; a trace recorded before tampers existed re-runs without one', () => {
    const plain = tls13OkTrace();
    const tampered = { ...plain, options: { ...plain.options, tamper: { target: 'client_hello.extensions.supported_versions', op: 'drop' as const } } };
    assert.equal(formFromTrace(tampered).tamper, 'client_hello.extensions.supported_versions:drop');
    assert.equal('tamper' in plain.options, false);
    assert.equal(formFromTrace(plain).tamper, '');
    // A recorded tamper from a newer or hand-edited trace that this version cannot read is left out.
    assert.equal(formFromRunOptions({ url: 'https://x.test/', tamper: { target: 'server_hello.random', op: 'drop' } }).tamper, '');
  });

  it('becomes the run request’s tamper, and is shown in the summary line in both languages', () => {
    const form = { ...DEFAULT_FORM, tamper: 'finished.verify_data:flip=0' };
    assert.deepEqual(toRunRequest(form, 'https://tls13.test/').tamper, { target: 'finished.verify_data', op: 'flip', bit: 0 });
    assert.equal(toRunRequest(DEFAULT_FORM, 'https://tls13.test/').tamper, undefined);
    assert.equal(describeForm(form, tEn), 'as rustls · tamper finished.verify_data:flip=0');
    assert.equal(describeForm(form, tZh), '按 rustls 的方式 · 篡改 finished.verify_data:flip=0');
  });

  it('a SPEC typed in the form is checked before anything runs', () => {
    assert.deepEqual(readTamperSpec(''), {});
    assert.deepEqual(readTamperSpec('finished.verify_data:flip=1'), { tamper: { target: 'finished.verify_data', op: 'flip', bit: 1 } });
    assert.match(readTamperSpec('finished.verify_data:flip=x').problem ?? '', /flip needs a bit number/);
  });
});
