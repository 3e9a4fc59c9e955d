/**
 * A run the page could not start (the engine did not load, the page's server did not say where the
 * relay is, the demo client certificate is missing) ends in the 'start' outcome: why, as data, worded
 * in the reader's language, and in English as before; a run saved before the reason was data keeps its English.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { outcomeSentence, stepTitle } from '../../lib/view/stepText';
import { inEnglish, said, type Diagnostic } from '../../lib/tls/diagnostics';
import { translator } from '../../lib/i18n/translator';
import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import type { OutcomeCause, Step } from '../../lib/trace/schema';
import { RunStartError } from '../../components/run/startError';
import { pageConfig } from '../../components/run/pageConfig';

const english = translator('en', en);
const chinese = translator('zh-CN', zhCN);
const HAN = /\p{Script=Han}/u;

function start(diagnostic: Diagnostic): { cause: OutcomeCause; step: Step } {
  const message = inEnglish(diagnostic);
  return {
    cause: { cause: 'start', message, diagnostic },
    step: { seq: 0, timeMs: 0, direction: 'local', layer: 'verdict', kind: 'error', data: { source: 'start', message, diagnostic } },
  };
}

describe('a run that could not start', () => {
  const cases: [Diagnostic, string, string][] = [
    [said('start.configStatus', { status: 502 }), 'The run could not start: this page’s server answered 502 when asked where the relay is', '运行未能开始：询问中继地址时，本页面的服务器返回了 502'],
    [said('start.serverSilent'), 'The run could not start: this page’s server did not answer (is it still running?)', '运行未能开始：本页面的服务器没有应答（它还在运行吗？）'],
    [said('start.engineNotLoaded', { error: 'Loading chunk 123 failed.' }), 'The run could not start: the TLS engine could not be loaded: Loading chunk 123 failed.', '运行未能开始：无法加载 TLS 引擎（“Loading chunk 123 failed.”）'],
    [said('start.demoCertificateUnavailable', { why: 'openssl is not installed' }), 'The run could not start: the demo client certificate is not available: openssl is not installed', '运行未能开始：演示客户端证书不可用（“openssl is not installed”）'],
    [said('start.demoCertificateFormat'), 'The run could not start: the demo client certificate on the server is not in PEM (CERTIFICATE + PRIVATE KEY)', '运行未能开始：服务器上的演示客户端证书不是 PEM 格式（CERTIFICATE + PRIVATE KEY）'],
  ];

  it('says why in English as before, and in Chinese from its data, naming its values', () => {
    for (const [diagnostic, inEn, inZh] of cases) {
      const { cause, step } = start(diagnostic);
      assert.equal(outcomeSentence(cause, english), inEn);
      assert.equal(outcomeSentence(cause, chinese), inZh);
      assert.match(stepTitle(step, chinese), HAN);
      assert.doesNotMatch(outcomeSentence(cause, chinese), /could not|did not|answered|not available|not in PEM/, 'no English sentence');
    }
  });

  it('the page throws it with the data and the same English as the table, when its server answers badly or not at all', async () => {
    const realFetch = globalThis.fetch;
    try {
      globalThis.fetch = async () => new Response('', { status: 502 });
      const answered = await pageConfig().catch((e: unknown) => e);
      assert.ok(answered instanceof RunStartError);
      assert.deepEqual(answered.diagnostic, said('start.configStatus', { status: 502 }));
      assert.equal(answered.message, inEnglish(answered.diagnostic));
      globalThis.fetch = async () => {
        throw new TypeError('fetch failed');
      };
      const silent = await pageConfig().catch((e: unknown) => e);
      assert.ok(silent instanceof RunStartError);
      assert.deepEqual(silent.diagnostic, said('start.serverSilent'));
      assert.equal(silent.message, inEnglish(silent.diagnostic));
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it('a start saved before its reason was data reads as its English, quoted after Chinese words', () => {
    const old: OutcomeCause = { cause: 'start', message: 'this page’s server answered 502 when asked where the relay is' };
    assert.equal(outcomeSentence(old, english), 'The run could not start: this page’s server answered 502 when asked where the relay is');
    assert.match(outcomeSentence(old, chinese), /^运行未能开始：.*“this page’s server answered 502 when asked where the relay is”/);
  });
});
