import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A step's words are presentation: its kind and data decide what it is (lib/trace/steps.ts). A view,
 * the advice, the doctor, the comparison, an export, the CLI or a page that read a title, an
 * explanation or the outcome's sentence to decide something would break the day the words change
 * or are shown in another language. This test reads the sources of those layers and fails on any
 * comparison or match against such words.
 */
const ROOT = join(import.meta.dirname, '../..');
const CONSUMERS = ['lib/view', 'lib/doctor', 'lib/share', 'lib/export', 'components', 'app', 'cli'];

/** Something a decision is made with: equality, a substring or prefix test, a regular expression. */
const DECIDE = String.raw`(?:===|!==|includes\(|startsWith\(|endsWith\(|\.test\(|\.match\(|\.exec\()`;
const DECIDED = String.raw`(?:===|!==|\.includes|\.startsWith|\.endsWith|\.match|\.test)`;
/** The words of a step or a run: stored ones (version 1) and those lib/view makes from the data. */
const WORDS = String.raw`(?:\b(?:step|s|x|st)\.(?:title|explanation)\b|\boutcomeDetail\b|\.meaning\b|\b(?:stepTitle|stepExplanation|outcomeSentence|handshakeTitle)\([^)]*\))`;

const RULES: { name: string; pattern: RegExp }[] = [
  { name: 'decides by comparing or matching words', pattern: new RegExp(`${DECIDE}[^;]{0,40}${WORDS}`) },
  { name: 'decides by comparing or matching words', pattern: new RegExp(`${WORDS} *${DECIDED}`) },
  { name: 'reads a stored title or explanation', pattern: /\b(?:step|s|x|st)\.(?:title|explanation)\b/ },
];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

function offences(text: string): { line: number; rule: string; code: string }[] {
  const found: { line: number; rule: string; code: string }[] = [];
  text.split('\n').forEach((code, i) => {
    for (const rule of RULES) if (rule.pattern.test(code)) found.push({ line: i + 1, rule: rule.name, code: code.trim() });
  });
  return found;
}

describe('words decide nothing', () => {
  it('the rule catches what it is meant to catch', () => {
    const caught = [
      "if (s.title === 'HelloRequest') return true;",
      'const bad = /reset|timed out/i.test(step.title);',
      "steps.find((x) => x.title.startsWith('HelloRetryRequest'))",
      "titles.includes('HelloRequest') && step.explanation",
      "if (stepTitle(s) === 'Handshake complete') done();",
      'const refused = /refused/.test(outcomeSentence(trace.outcomeCause));',
      'return trace.outcomeDetail.startsWith("HTTP");',
    ];
    for (const line of caught) assert.ok(offences(line).length > 0, line);
    const allowed = [
      "if (isHelloRequest(s) || s.kind === 'alert') return true;",
      '<h3>{stepTitle(step)}</h3>',
      "const title = stepTitle(step);",
      "if (step.data.description === 'close_notify') return 'neutral';",
    ];
    for (const line of allowed) assert.deepEqual(offences(line), [], line);
  });

  for (const dir of CONSUMERS) {
    it(`${dir} decides by kinds and data, never by a step's words`, () => {
      const found = sources(join(ROOT, dir)).flatMap((file) => offences(readFileSync(file, 'utf8')).map((o) => `${relative(ROOT, file)}:${o.line}: ${o.rule}: ${o.code}`));
      assert.deepEqual(found, []);
    });
  }
});
