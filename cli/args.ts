/** Command-line parsing for the CLI: strict, with one clear message per mistake. */

import { DEFAULT_LOCALE, LOCALES, toLocale, type Locale } from '../lib/i18n/locales';
import type { Diagnostic } from '../lib/tls/diagnostics';
import { parseTamperSpec, TamperSpecError, type Tamper } from '../lib/tls/tamper/spec';
import { cliEn, en } from '../lib/i18n/messages/en';
import { translator, type MessageValues, type Translate } from '../lib/i18n/translator';

/** The CLI's language: --lang, else the POSIX locale (LC_ALL overrides LANG), else English. */
export function cliLocale(lang: string | undefined, env: Record<string, string | undefined>): Locale {
  return toLocale(lang) ?? toLocale(env.LC_ALL) ?? toLocale(env.LANG) ?? DEFAULT_LOCALE;
}

type UsageSaid = typeof cliEn.usage;
/** The names in braces of a template: '--tls takes 1.2 or 1.3, not "{value}"' → 'value'. */
type Holes<S> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Holes<Rest> : never;

/** A list of choices, said as the reader's language says "a or b" (Intl.ListFormat). */
export interface Choices {
  choices: readonly string[];
}

/** One mistake on the command line as data: the sentence's code and the values it names (catalog `cli.usage`). */
export type Usage = {
  [C in keyof UsageSaid]: Holes<UsageSaid[C]> extends never ? { code: C; params?: undefined } : { code: C; params: Record<Holes<UsageSaid[C]>, string | number | Choices> };
}[keyof UsageSaid];

/** A usage mistake in `locale`'s words, through its translator. */
export function usageWords(usage: Usage, t: Translate, locale: Locale): string {
  const params: MessageValues = {};
  for (const [name, value] of Object.entries(usage.params ?? {})) {
    params[name] = typeof value === 'object' ? new Intl.ListFormat(locale, { type: 'disjunction' }).format(value.choices) : value;
  }
  return t(`cli.usage.${usage.code}`, params);
}

const english = translator('en', en);

/**
 * A command line that cannot run: its mistake as data (`usage`), worded in the reader's language by
 * cli/main.ts; the message is its English. An option whose value the engine reads (--tamper) also
 * keeps the engine's diagnostic, so the CLI words that in the reader's language too.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    readonly usage: Usage,
    /** The option's value as the engine refused it: its English and its diagnostic. */
    readonly about?: { option: string; refused: { message: string; diagnostic: Diagnostic } },
  ) {
    super(usageWords(usage, english, 'en'));
  }
}

/** The --lang the command line asks for, read on its own: a command line that fails to parse is still answered in it. */
export function langArgument(argv: string[]): string | undefined {
  let lang: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === '--lang') lang = argv[i + 1];
    else if (arg.startsWith('--lang=')) lang = arg.slice('--lang='.length);
  });
  return lang;
}

export interface CliArgs {
  command: 'run' | 'demo-list' | 'diagnose' | 'help' | 'version';
  url?: string;
  tls: string[];
  suites: string[];
  groups: string[];
  sigalgs: string[];
  ca: string[];
  insecure: boolean;
  clientCert?: string;
  clientKey?: string;
  connect?: string;
  keylog?: string;
  /** diagnose --save: the TLS Playground app (its origin) to save the diagnosis on. */
  save?: string;
  json: boolean;
  /** --fields: print every annotated field of every message with its explanation. */
  fields: boolean;
  verbose: boolean;
  as?: string;
  method?: string;
  data?: string;
  timeoutMs?: number;
  postHandshakeAuth: boolean;
  color: boolean;
  noEms: boolean;
  noRenegotiationInfo: boolean;
  noEtm: boolean;
  noTicket: boolean;
  /** --resume: a second connection that resumes the first one's session. */
  resume: boolean;
  /** --early-data: with --resume, the request goes as 0-RTT data when the ticket allows. */
  earlyData: boolean;
  /** --psk-mode: the TLS 1.3 PSK key exchange modes offered when resuming. */
  pskModes: string[];
  /** --lang: the language of the transcript, summary, advice and doctor (else LC_ALL / LANG). */
  lang?: string;
  /** --reproduce: print the run as openssl s_client and curl commands. */
  reproduce: boolean;
  /** --reproduce DIR: also write the key schedule script and the key log it reads there. */
  reproduceDir?: string;
  /** --tamper SPEC: one field of the client's flight changed before it is sent (lib/tls/tamper/spec.ts). */
  tamper?: Tamper;
}

const FLAGS_WITH_VALUE = new Set(['--tls', '--suite', '--group', '--sigalg', '--ca', '--client-cert', '--client-key', '--connect', '--keylog', '--save', '--as', '--method', '--data', '--timeout', '--lang', '--tamper', '--psk-mode']);
const BOOLEAN_FLAGS = new Set(['--no-ems', '--no-reneg-info', '--no-etm', '--no-ticket', '--insecure', '--json', '--fields', '--verbose', '-v', '--post-handshake-auth', '--no-color', '--help', '-h', '--version', '--resume', '--early-data']);

export function parseArgs(argv: string[], isTty: boolean): CliArgs {
  const a: CliArgs = { command: 'run', tls: [], suites: [], groups: [], sigalgs: [], ca: [], insecure: false, json: false, fields: false, verbose: false, postHandshakeAuth: false, color: isTty, noEms: false, noRenegotiationInfo: false, noEtm: false, noTicket: false, reproduce: false, resume: false, earlyData: false, pskModes: [] };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline: string | undefined;
    if (arg.startsWith('--') && arg.includes('=')) {
      inline = arg.slice(arg.indexOf('=') + 1);
      arg = arg.slice(0, arg.indexOf('='));
    }
    if (arg === '--reproduce') {
      // DIR is optional: the next word is it unless it is an option, a URL, or the URL still to come.
      a.reproduce = true;
      const next = argv[i + 1];
      if (inline !== undefined) {
        if (inline === '') throw new UsageError({ code: 'reproduceDir' });
        a.reproduceDir = inline;
      } else if (next !== undefined && !next.startsWith('-') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(next) && (positional.length > 0 || i + 2 < argv.length)) {
        a.reproduceDir = next;
        i++;
      }
      continue;
    }
    if (FLAGS_WITH_VALUE.has(arg)) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError({ code: 'needsValue', params: { option: arg } });
      switch (arg) {
        case '--tls': {
          const v = value.replace(/^TLSv?/i, '');
          if (v !== '1.2' && v !== '1.3') throw new UsageError({ code: 'tls', params: { value } });
          a.tls.push(`TLSv${v}`);
          break;
        }
        case '--suite': a.suites.push(value); break;
        case '--group': a.groups.push(value); break;
        case '--sigalg': a.sigalgs.push(value); break;
        case '--psk-mode': a.pskModes.push(value); break;
        case '--ca': a.ca.push(value); break;
        case '--client-cert': a.clientCert = value; break;
        case '--client-key': a.clientKey = value; break;
        case '--connect': a.connect = value; break;
        case '--keylog': a.keylog = value; break;
        case '--save': {
          let app: URL;
          try {
            app = new URL(value);
          } catch {
            throw new UsageError({ code: 'saveAddress', params: { value } });
          }
          if (app.protocol !== 'http:' && app.protocol !== 'https:') throw new UsageError({ code: 'saveScheme', params: { value } });
          a.save = app.origin;
          break;
        }
        case '--as': a.as = value; break;
        case '--method': a.method = value.toUpperCase(); break;
        case '--data': a.data = value; break;
        case '--lang': {
          if (!toLocale(value)) throw new UsageError({ code: 'lang', params: { choices: { choices: LOCALES }, value } });
          a.lang = value;
          break;
        }
        case '--tamper': {
          if (a.tamper) throw new UsageError({ code: 'tamperTwice' });
          try {
            a.tamper = parseTamperSpec(value);
          } catch (e) {
            if (e instanceof TamperSpecError) throw new UsageError({ code: 'tamperSpec', params: { problem: e.message } }, { option: '--tamper', refused: e });
            throw e;
          }
          break;
        }
        case '--timeout': {
          const n = Number(value);
          if (!Number.isFinite(n) || n <= 0) throw new UsageError({ code: 'timeout', params: { value } });
          a.timeoutMs = n;
          break;
        }
      }
    } else if (BOOLEAN_FLAGS.has(arg)) {
      if (inline !== undefined) throw new UsageError({ code: 'takesNoValue', params: { option: arg } });
      switch (arg) {
        case '--insecure': a.insecure = true; break;
        case '--no-ems': a.noEms = true; break;
        case '--no-reneg-info': a.noRenegotiationInfo = true; break;
        case '--no-etm': a.noEtm = true; break;
        case '--no-ticket': a.noTicket = true; break;
        case '--resume': a.resume = true; break;
        case '--early-data': a.earlyData = true; break;
        case '--json': a.json = true; break;
        case '--fields': a.fields = true; break;
        case '--verbose': case '-v': a.verbose = true; break;
        case '--post-handshake-auth': a.postHandshakeAuth = true; break;
        case '--no-color': a.color = false; break;
        case '--help': case '-h': a.command = 'help'; break;
        case '--version': if (a.command !== 'help') a.command = 'version'; break;
      }
    } else if (arg.startsWith('-')) {
      throw new UsageError({ code: 'unknownOption', params: { option: arg } });
    } else {
      positional.push(arg);
    }
  }
  if (a.command === 'help' || a.command === 'version') return a;
  if (positional[0] === 'demo') {
    if (positional[1] !== 'list' || positional.length > 2) throw new UsageError({ code: 'demoList' });
    a.command = 'demo-list';
    return a;
  }
  if (positional[0] === 'diagnose') {
    a.command = 'diagnose';
    positional.shift();
  }
  if (a.reproduce && a.command === 'diagnose') throw new UsageError({ code: 'reproduceDiagnose' });
  if (a.tamper && a.command === 'diagnose') throw new UsageError({ code: 'tamperDiagnose' });
  if (a.fields && a.command === 'diagnose') throw new UsageError({ code: 'fieldsDiagnose' });
  if (a.fields && a.json) throw new UsageError({ code: 'fieldsJson' });
  if ((a.earlyData || a.pskModes.length) && !a.resume) throw new UsageError({ code: 'resumeOnly' });
  if (a.save !== undefined && a.command !== 'diagnose') throw new UsageError({ code: 'saveDiagnose' });
  if (positional.length === 0) throw new UsageError({ code: 'missingUrl' });
  if (positional.length > 1) throw new UsageError({ code: 'oneUrl', params: { count: positional.length, urls: positional.join(' ') } });
  a.url = positional[0];
  if (a.clientCert !== 'demo' && (a.clientCert === undefined) !== (a.clientKey === undefined)) throw new UsageError({ code: 'clientCertKey' });
  return a;
}

export const USAGE = `TLS Playground CLI: a real TLS handshake, step by step.

usage:
  tls-playground https://HOST[:PORT]/PATH [options]
  tls-playground diagnose https://HOST[:PORT]/PATH [--save APP_URL] [options]
  tls-playground demo list
(installed with npm install -g tls-playground, or run as npx tls-playground …;
 in a clone of the repository: npm run -s cli -- …)

options:
  --tls 1.2|1.3          offer only these versions (repeatable)
  --suite NAME           cipher suite, IANA name (repeatable)
  --group NAME           key-exchange group: x25519, secp256r1, secp384r1, X25519MLKEM768 (repeatable)
  --sigalg NAME          signature scheme, IANA name (repeatable)
  --as PERSONALITY       rustls | openssl | schannel | boringssl | boringssl-ignore | go
  --ca FILE              extra trusted CA certificates (PEM; repeatable)
  --insecure             continue after a failed certificate check (marked insecure)
  --client-cert FILE     client certificate chain (PEM), with --client-key FILE (PKCS#8 or SEC1/PKCS#1 PEM);
                         --client-cert demo uses the demo client certificate
  --post-handshake-auth  offer TLS 1.3 post-handshake client authentication
  --no-ems, --no-reneg-info, --no-etm, --no-ticket
                         TLS 1.2: do not offer extended_master_secret / renegotiation_info /
                         encrypt_then_mac / session_ticket
  --tamper SPEC          change one field of the client's flight before it is sent, e.g.
                         finished.verify_data:flip=0, client_hello.extensions.supported_versions:drop,
                         client_hello.cipher_suites:set=1301, client_hello.extensions:reorder=key_share,
                         client_hello.record.legacy_record_version:set=0300 (SPEC: TARGET:OP, OP is
                         set=HEX, flip=BIT, drop or reorder=NAME,…; see the README)
  --resume               two connections: the second offers the session the first one kept (TLS 1.3
                         ticket, TLS 1.2 ticket or session id); --json prints the second connection's
                         trace, with the first one's whole trace in "firstConnection"
  --early-data           with --resume: send the request as 0-RTT early data when the ticket allows
  --psk-mode MODE        with --resume: psk_dhe_ke (default) or psk_ke (repeatable)
  --connect HOST:PORT    dial this address instead (SNI and Host stay the URL's)
  --method M --data S    HTTP method and request body
  --keylog FILE          append NSS key log lines (SSLKEYLOGFILE format)
  --reproduce [DIR]      print the run as openssl s_client and curl commands; with DIR (after the URL),
                         also write a Node script there that recomputes the run's key schedule from
                         its key log (written next to it) and checks it against the trace
  --timeout MS           whole-run limit (default 15000)
  --json                 print the trace as JSON
  --fields               print every annotated field of every message, one per line:
                         path = value — explanation (in the --lang language)
  --save APP_URL         diagnose: save the diagnosis (every probe's run) on the TLS Playground app
                         at APP_URL and print its link (APP_URL/d/ID)
  -v, --verbose          also show records and key derivations
  --lang en|zh-CN        language of the transcript, summary, advice and doctor
                         (default: from LC_ALL or LANG, e.g. LANG=zh_CN.UTF-8; --json is data, in no language)
  --version              print the version
`;
