/**
 * The guided lessons against the real demo targets (on loopback, started here): every stop of
 * every lesson finds its step in the live run, the run proves one of the stop's choices right, and
 * every word the lesson shows exists in both catalogs. The expected answers below are what the
 * demo targets do (README's table); the lesson itself never stores them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTls } from '../../lib/run/run';
import type { Trace } from '../../lib/trace/schema';
import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { outcomeSentence } from '../../lib/view/stepText';
import { LESSONS, findLesson, lessonHref, lessonPlace, pickedChoice, revealStop, stopNumber, type Lesson } from '../../lib/view/lessons';
import { nodeRunDeps } from '../../server/runtime/nodeRun';
import { startDemoTargets, type RunningDemo } from '../../server/demo/start';

let dataDir: string;
let demo: RunningDemo;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tlspg-lessons-'));
  demo = await startDemoTargets({ dataDir, log: () => undefined });
});

after(async () => {
  await demo?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The lesson's runs, made as the page makes them (same target, personality and certificate), over TCP. */
async function runLesson(lesson: Lesson): Promise<Trace[]> {
  const traces: Trace[] = [];
  for (const run of lesson.runs) {
    const name = new URL(run.url).hostname.replace(/\.test$/, '');
    const port = demo.targets.find((t) => t.name === name)?.port;
    assert.ok(port, `demo target ${name} runs`);
    const { req, deps } = await nodeRunDeps(
      { url: run.url, connect: `127.0.0.1:${port}`, personality: run.personality },
      { caFiles: [demo.ca.certPath], demoDataDir: dataDir, clientCertFile: run.clientCertificate ? 'demo' : undefined },
    );
    traces.push(await runTls(req, deps));
  }
  return traces;
}

function lookup(catalog: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), catalog);
}

const EXPECTED: Record<string, Record<string, string | undefined>> = {
  tls13: {
    clientHello: undefined,
    serverHello: 'serverHello',
    encryptedExtensions: 'encryptedExtensions',
    certificateVerify: 'certificateVerify',
    finished: 'finished',
    request: 'sameFlight',
    ticket: 'newSessionTicket',
    summary: undefined,
  },
  certificates: {
    chain: undefined,
    expired: 'certificate_expired',
    wrongHost: 'certificate_unknown',
    selfSigned: 'unknown_ca',
    untrustedRoot: 'unknown_ca',
    incompleteChain: 'unknown_ca',
    summary: undefined,
  },
  renegotiation: {
    initial: undefined,
    helloRequest: 'helloRequest',
    refusal: 'warning',
    reset: 'reset',
    renegotiate: 'clientHello',
    certificateRequest: 'certificateRequest',
    response: 'ok',
    fix: undefined,
  },
};

describe('the guided lessons over live runs of the demo targets', () => {
  for (const lesson of LESSONS) {
    it(`${lesson.id}: every stop reveals a step of its run, and the run decides which prediction was right`, async () => {
      const traces = await runLesson(lesson);
      const seen: Record<string, string | undefined> = {};
      for (const stop of lesson.stops) {
        const trace = traces[stop.run];
        const shown = revealStop(stop, trace);
        assert.ok(shown.step, `${lesson.id}/${stop.id}: a step is revealed (${outcomeSentence(trace.outcomeCause)})`);
        if (stop.choices) assert.ok(shown.actual, `${lesson.id}/${stop.id}: the run matches one of the choices`);
        seen[stop.id] = shown.actual;
        // No two choices can both be right: the predicates tell the answers apart.
        if (stop.choices && shown.step) {
          const right = stop.choices.filter((c) => c.matches(shown.step!, trace)).map((c) => c.id);
          assert.equal(right.length, 1, `${lesson.id}/${stop.id}: exactly one choice matches (${right.join(', ')})`);
        }
      }
      assert.deepEqual(seen, EXPECTED[lesson.id]);
    });
  }

  it('the certificate stops show the failed check beside the alert', async () => {
    const lesson = findLesson('certificates')!;
    const traces = await runLesson(lesson);
    const expired = revealStop(lesson.stops.find((s) => s.id === 'expired')!, traces[0]);
    assert.equal(expired.context?.kind, 'check');
    assert.equal(expired.step?.kind, 'alert');
  });
});

describe('the words of the lessons', () => {
  it('exist in English and Chinese for every lesson, stop and choice', () => {
    for (const lesson of LESSONS) {
      const keys = [`lessons.${lesson.id}.title`, `lessons.${lesson.id}.summary`];
      for (const stop of lesson.stops) {
        const base = `lessons.${lesson.id}.stops.${stop.id}`;
        keys.push(`${base}.title`, `${base}.prose`, `${base}.after`);
        if (stop.choices) keys.push(`${base}.question`, ...stop.choices.map((c) => `${base}.choices.${c.id}`));
      }
      for (const key of keys) {
        assert.equal(typeof lookup(en, key), 'string', `en has ${key}`);
        assert.equal(typeof lookup(zhCN, key), 'string', `zh-CN has ${key}`);
      }
    }
  });
});

describe('a lesson’s place in the address', () => {
  const lesson = findLesson('tls13')!;
  it('reads ?stop= as a stop number, the first stop for anything else, the last for too large a number', () => {
    assert.equal(stopNumber(lesson, '3'), 3);
    assert.equal(stopNumber(lesson, null), 1);
    assert.equal(stopNumber(lesson, 'x'), 1);
    assert.equal(stopNumber(lesson, '0'), 1);
    assert.equal(stopNumber(lesson, '99'), lesson.stops.length);
  });

  it('keeps a prediction only when it is one of the stop’s choices', () => {
    const stop = lesson.stops[1];
    assert.equal(pickedChoice(stop, 'serverHello'), 'serverHello');
    assert.equal(pickedChoice(stop, 'nonsense'), undefined);
    assert.equal(pickedChoice(lesson.stops[0], 'serverHello'), undefined, 'a stop without a question takes no answer');
  });

  it('reads a page’s search parameters as a stop and its prediction, the last of a repeated one counting', () => {
    assert.deepEqual(lessonPlace(lesson, { stop: '2', answer: 'serverHello' }), { stop: 2, answer: 'serverHello' });
    assert.deepEqual(lessonPlace(lesson, { stop: ['5', '2'], answer: ['nonsense', 'serverHello'] }), { stop: 2, answer: 'serverHello' });
    assert.deepEqual(lessonPlace(lesson, {}), { stop: 1, answer: undefined });
  });

  it('writes the stop, the answer and the language', () => {
    assert.equal(lessonHref('/lessons/tls13', 3), '/lessons/tls13?stop=3');
    assert.equal(lessonHref('/lessons/tls13', 2, 'serverHello', { lang: 'zh-CN' }), '/lessons/tls13?lang=zh-CN&stop=2&answer=serverHello');
  });
});
