/** The CLI: the same engine and trace as the web app, over a plain TCP transport. */
import { appendFile } from 'node:fs/promises';
import { demoTargets } from '../server/demo/catalog';
import { readDemoStatus, DEFAULT_DEMO_DATA_DIR, notRunningSaid } from '../server/demo/registry';
import { nodeRunDeps } from '../server/runtime/nodeRun';
import { buildClientOptions, parseTarget, runTls, RunInputError, type RunRequest } from '../lib/run/run';
import type { Trace } from '../lib/trace/schema';
import { cliLocale, langArgument, parseArgs, UsageError, usageWords, USAGE, type CliArgs } from './args';
import { formatStep, formatSummary, isShown, painter } from './format';
import { formatFields } from './fields';
import { diagnose } from '../lib/doctor/diagnose';
import { ENGINE_VERSION } from '../lib/run/version';
import { diagnosisForJson, formatDiagnosis } from './doctor';
import { saveDiagnosis, SaveError, saveWords } from './save';
import { loadCatalog } from '../lib/i18n/catalogs';
import { translator, type MessageKey, type Translate } from '../lib/i18n/translator';
import { en } from '../lib/i18n/messages/en';
import { inEnglish } from '../lib/tls/diagnostics';
import { toLocale, type Locale } from '../lib/i18n/locales';
import { engineWords } from '../lib/view/stepText';
import { runInputWords } from '../lib/view/runOptions';
import { probeLabel } from '../lib/doctor/words';
import { commandPlace, formatReproduction, writeReproduction } from './reproduce';

function requestFrom(a: CliArgs): RunRequest {
  return {
    url: a.url!,
    connect: a.connect,
    versions: a.tls.length ? (a.tls as RunRequest['versions']) : undefined,
    cipherSuites: a.suites.length ? a.suites : undefined,
    groups: a.groups.length ? a.groups : undefined,
    signatureSchemes: a.sigalgs.length ? a.sigalgs : undefined,
    personality: a.as,
    insecure: a.insecure,
    postHandshakeAuth: a.postHandshakeAuth || undefined,
    method: a.method,
    body: a.data !== undefined ? new TextEncoder().encode(a.data) : undefined,
    tls12Off: [
      ...(a.noEms ? (['extended_master_secret'] as const) : []),
      ...(a.noRenegotiationInfo ? (['renegotiation_info'] as const) : []),
      ...(a.noEtm ? (['encrypt_then_mac'] as const) : []),
      ...(a.noTicket ? (['session_ticket'] as const) : []),
    ],
    tamper: a.tamper,
    ...(a.resume ? { resume: true, earlyData: a.earlyData || undefined, pskModes: a.pskModes.length ? (a.pskModes as RunRequest['pskModes']) : undefined } : {}),
  };
}

/**
 * What is wrong with the command line, in the reader's language: a refused option value or request
 * is worded from its data (the engine's diagnostic, the URL's reading); any other is said as written.
 */
function inputProblem(e: Error, t: Translate, locale: Locale): string {
  const about = e instanceof UsageError ? e.about : undefined;
  if (about) return t('cli.error', { message: t('cli.optionProblem', { option: about.option, problem: engineWords(about.refused, t) }) });
  if (e instanceof UsageError) return t('cli.error', { message: usageWords(e.usage, t, locale) });
  return t('cli.error', { message: e instanceof RunInputError ? runInputWords(e, t) : e.message });
}

/** A demo target's description in the reader's language (the page's card words), else the catalog's English. */
function demoDescription(t: Translate, target: (typeof demoTargets)[number]): string {
  return Object.hasOwn(en.demo.targets, target.name) ? t(`demo.targets.${target.name}.description` as MessageKey) : target.description;
}

async function listDemos(a: CliArgs, t: Translate): Promise<number> {
  const status = await readDemoStatus(process.env.DEMO_DATA_DIR ?? DEFAULT_DEMO_DATA_DIR);
  const registry = status?.running;
  if (a.json) {
    process.stdout.write(JSON.stringify(demoTargets.map((t) => ({ ...t, running: registry?.[t.name] ?? null, notStarted: status?.notStarted[t.name] })), null, 2) + '\n');
    return 0;
  }
  for (const target of demoTargets) {
    const endpoint = registry?.[target.name];
    const notStarted = status?.notStarted[target.name];
    const why = notStarted && notRunningSaid(notStarted);
    const where = endpoint
      ? t('cli.demoRunning', { address: `${endpoint.host}:${endpoint.port}` })
      : why
        ? t('cli.demoNotRunning', { why: engineWords({ message: inEnglish(why), diagnostic: why }, t) })
        : t('cli.demoNeverStarted');
    process.stdout.write(`https://${target.host}/  ${demoDescription(t, target)}\n    ${where}\n`);
  }
  if (!registry) process.stdout.write(`\n${t('cli.demoTargetsLiveInTheRepository', { clone: '<clone>' })}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  let a: CliArgs;
  try {
    a = parseArgs(argv, Boolean(process.stdout.isTTY));
  } catch (e) {
    const locale = cliLocale(toLocale(langArgument(argv)) ? langArgument(argv) : undefined, process.env);
    process.stderr.write(inputProblem(e as Error, translator(locale, await loadCatalog(locale)), locale) + '\n');
    return 2;
  }
  if (a.command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (a.command === 'version') {
    process.stdout.write(`tls-playground ${ENGINE_VERSION}\n`);
    return 0;
  }
  const paint = painter(a.color && !a.json);
  const locale = cliLocale(a.lang, process.env);
  const t = translator(locale, await loadCatalog(locale));
  if (a.command === 'demo-list') return listDemos(a, t);
  try {
    // Bad input is the user's to fix: say so before any connection is attempted.
    const request = requestFrom(a);
    buildClientOptions(request, parseTarget(request.url, request.connect));
    const setup = { caFiles: a.ca, clientCertFile: a.clientCert, clientKeyFile: a.clientKey, timeoutMs: a.timeoutMs };
    if (a.command === 'diagnose') {
      const report = await diagnose(requestFrom(a), (req) => nodeRunDeps(req, setup), {
        probeTimeoutMs: a.timeoutMs,
        onProbe: a.json ? undefined : (p) => process.stderr.write(paint('dim', t('doctor.cli.probe', { label: probeLabel(p, t), outcome: p.outcome }) + '\n')),
      });
      const saved = a.save ? await saveDiagnosis(a.save, report).catch((e: Error) => e) : undefined;
      if (a.json) {
        const link = saved instanceof Error ? { saveError: saved.message } : saved ? { savedUrl: saved.url } : {};
        process.stdout.write(JSON.stringify({ ...diagnosisForJson(report), ...link }, null, 2) + '\n');
      } else {
        process.stdout.write(formatDiagnosis(report, paint, t) + '\n');
        if (saved && !(saved instanceof Error)) process.stdout.write(`\n${t('cli.saved', { url: saved.url })}\n  ${t('cli.savedNote')}\n`);
      }
      if (saved instanceof Error) {
        process.stderr.write(t('cli.error', { message: saved instanceof SaveError ? saveWords(saved.problem, t) : saved.message }) + '\n');
        return 1;
      }
      return 0;
    }
    const { req, deps } = await nodeRunDeps(requestFrom(a), setup);
    // With --resume the steps of two connections go by: each one's first step gets a heading.
    let connection: Trace | undefined;
    let connections = 0;
    const trace: Trace = await runTls(req, {
      ...deps,
      onStep: a.json || a.fields ? undefined : (step, current) => {
        if (a.resume && current !== connection) {
          connection = current;
          connections++;
          process.stdout.write(paint('dim', t(connections === 1 ? 'cli.firstConnection' : 'cli.secondConnection')) + '\n');
        }
        if (isShown(step, a.verbose)) process.stdout.write(formatStep(step, paint, t) + '\n');
      },
    });
    const keyLog = [...(trace.firstConnection?.keyLog ?? []), ...trace.keyLog];
    if (a.keylog && keyLog.length) await appendFile(a.keylog, keyLog.join('\n') + '\n');
    if (a.json) process.stdout.write(JSON.stringify(trace, null, 2) + '\n');
    else if (a.fields) process.stdout.write(formatFields(trace, t).join('\n') + '\n');
    else process.stdout.write('\n' + formatSummary(trace, paint, t) + '\n');
    if (a.reproduce) {
      // With --json, stdout is the trace alone: the reproduction goes to stderr.
      const out = a.json ? process.stderr : process.stdout;
      const place = commandPlace(trace, { caFiles: a.ca, clientCertFile: a.clientCert, clientKeyFile: a.clientKey, demoDataDir: process.env.DEMO_DATA_DIR ?? DEFAULT_DEMO_DATA_DIR });
      out.write('\n' + formatReproduction(trace, place, paint, t) + '\n');
      if (a.reproduceDir) out.write(paint('dim', await writeReproduction(trace, a.reproduceDir, t)) + '\n');
    }
    return trace.outcome === 'ok' ? 0 : 1;
  } catch (e) {
    if (e instanceof RunInputError || e instanceof UsageError) {
      process.stderr.write(inputProblem(e, t, locale) + '\n');
      return 2;
    }
    process.stderr.write(t('cli.error', { message: String((e as Error).message ?? e) }) + '\n');
    return 1;
  }
}

// Output piped into a program that stops reading (`| head`) ends the CLI quietly, as SIGPIPE ends
// other command-line tools (exit status 128 + 13), instead of with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(141);
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
