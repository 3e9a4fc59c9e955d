/** `--reproduce [DIR]`: the run as openssl s_client and curl commands, and its key schedule script. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isDemoHost } from '../lib/run/target';
import type { Trace } from '../lib/trace/schema';
import type { Translate } from '../lib/i18n/translator';
import { keyLogText } from '../lib/export/keylog';
import { traceFileName } from '../lib/view/fileNames';
import { reproduceCommands, type CommandPlace } from '../lib/view/reproduce/commands';
import { keyScheduleInputs, keyScheduleScript, scriptFileName } from '../lib/view/reproduce/keyScheduleScript';
import { describeNote } from '../lib/view/reproduce/notes';
import { demoCredentialPaths } from '../server/demo/registry';
import { shellQuote } from '../lib/view/reproduce/shell';
import type { painter } from './format';

/** The files the commands name, as this machine has them: the CAs and client certificate the run used. */
export function commandPlace(trace: Trace, setup: { caFiles: string[]; clientCertFile?: string; clientKeyFile?: string; demoDataDir: string }): CommandPlace {
  const demo = demoCredentialPaths(setup.demoDataDir);
  const caFile = setup.caFiles[0] ?? (isDemoHost(trace.options.url) ? demo.caCert : undefined);
  const [clientCertFile, clientKeyFile] = setup.clientCertFile === 'demo' ? [demo.clientCert, demo.clientKey] : [setup.clientCertFile, setup.clientKeyFile];
  const absolute = (path: string | undefined) => (path === undefined ? undefined : resolve(path));
  return { caFile: absolute(caFile), clientCertFile: absolute(clientCertFile), clientKeyFile: absolute(clientKeyFile) };
}

/** The commands and what to know about them, for the terminal. */
export function formatReproduction(trace: Trace, place: CommandPlace, paint: ReturnType<typeof painter>, t: Translate): string {
  const { openssl, curl, notes } = reproduceCommands(trace, place);
  // A resumed run's openssl steps are one line each: every line indented alike, to paste as a block.
  const indented = (line: string) => line.split('\n').map((l) => `    ${l}`);
  const lines = [paint('cyan', t('reproduce.cli.title')), `  ${t('reproduce.openssl')}`, ...indented(openssl.line), `  ${t('reproduce.curl')}`, ...indented(curl.line)];
  for (const note of notes) lines.push(paint('dim', `  - ${describeNote(note, t)}`));
  return lines.join('\n');
}

/** Writes the key schedule script and the key log it reads into `dir`; says what it wrote and how to run it. */
export async function writeReproduction(trace: Trace, dir: string, t: Translate): Promise<string> {
  const keyLogFile = traceFileName(trace, 'keylog.txt');
  const inputs = keyScheduleInputs(trace, keyLogFile);
  if (!inputs) return t('reproduce.cli.noKeys');
  await mkdir(dir, { recursive: true });
  const script = join(dir, scriptFileName(keyLogFile));
  const keyLog = join(dir, keyLogFile);
  await writeFile(keyLog, keyLogText(trace));
  await writeFile(script, keyScheduleScript(inputs));
  return [t('reproduce.cli.wrote', { files: `${script}, ${keyLog}` }), t('reproduce.cli.run', { command: `node ${shellQuote(script)}` })].join('\n');
}
