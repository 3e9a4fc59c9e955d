'use client';

import type { Step, Trace } from '@/lib/trace/schema';
import { isProblemAlert } from '@/lib/trace/steps';
import { classifyTcp, stepNumber, TCP_MARK_LABEL } from '@/lib/view/diagram';
import { outcomeSentence, stepExplanation, stepTitle } from '@/lib/view/stepText';
import { formatMs } from '@/lib/view/summary';
import { CopyButton } from './CopyButton';
import { HexView } from './HexView';
import { RfcLink } from './RfcLink';

const DIRECTION_LABEL: Record<Step['direction'], string> = {
  'client->server': 'Client → server',
  'server->client': 'Server → client',
  local: 'In the client',
};

const LAYER_LABEL: Record<Step['layer'], string> = {
  tcp: 'TCP',
  record: 'Record layer',
  handshake: 'Handshake message',
  alert: 'Alert',
  application: 'Application data',
  key: 'Key schedule',
  certificate: 'Certificate check',
  verdict: 'Verdict',
  http: 'HTTP',
};

/** Whether this step ended the run badly, so the "why" box should be shown. */
function isFailure(step: Step, trace: Trace): boolean {
  if (step.kind === 'alert') return isProblemAlert(step);
  if (step.layer === 'tcp') {
    const kind = classifyTcp(step);
    return kind !== 'connect' && kind !== 'closed' && kind !== 'resolved' && kind !== 'shutdown' && !(kind === 'fin' && trace.outcome === 'ok');
  }
  return (step.kind === 'check' && !step.data.ok) || step.kind === 'refusal';
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 1);
}

export function StepDetail({ step, trace, explainsOutcome }: { step: Step; trace: Trace; explainsOutcome: boolean }) {
  const failure = isFailure(step, trace);
  const title = stepTitle(step);
  const explanation = stepExplanation(step);
  const outcome = outcomeSentence(trace.outcomeCause);
  const dataEntries = Object.entries(step.data ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return (
    <article aria-labelledby={`step-title-${step.seq}`} className="space-y-4" data-testid="step-detail" data-seq={step.seq}>
      <header>
        <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
          <span data-testid="step-number">
            Step {stepNumber(trace.steps, step.seq)} of {trace.steps.length}
          </span>
          <span aria-hidden="true">·</span>
          <span>{DIRECTION_LABEL[step.direction]}</span>
          <span aria-hidden="true">·</span>
          <span>{step.layer === 'tcp' ? TCP_MARK_LABEL[classifyTcp(step)] : LAYER_LABEL[step.layer]}</span>
          <span aria-hidden="true">·</span>
          <span className="tabular-nums">at {formatMs(step.timeMs)}</span>
          {step.bytes && (
            <>
              <span aria-hidden="true">·</span>
              <span className="tabular-nums">{step.bytes.hex.length / 2} bytes</span>
            </>
          )}
        </div>
        <h3 id={`step-title-${step.seq}`} className="mt-1 text-lg font-semibold tracking-tight">
          {title}
        </h3>
      </header>

      {(explanation || step.rfc) && (
        <div className={`rounded-md border p-3 text-sm ${failure ? 'border-red-300 bg-red-50 dark:border-red-900 dark:bg-red-950/50' : 'border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900'}`}>
          {failure && <h4 className="mb-1 font-semibold text-red-800 dark:text-red-300">Why did this happen?</h4>}
          {explanation && <p className="leading-relaxed">{explanation}</p>}
          {failure && explainsOutcome && outcome && outcome !== explanation && <p className="mt-1 leading-relaxed">{outcome}</p>}
          {step.rfc && (
            <p className="mt-2 text-xs">
              Specified in <RfcLink reference={step.rfc} />
            </p>
          )}
        </div>
      )}

      {step.bytes && (
        <section aria-label={step.plaintext ? 'Ciphertext on the wire' : 'Bytes on the wire'}>
          <h4 className="mb-2 text-sm font-semibold">{step.plaintext ? 'On the wire (ciphertext)' : 'Bytes'}</h4>
          <HexView data={step.bytes} label={`${title}${step.plaintext ? ' (ciphertext)' : ''}`} />
        </section>
      )}
      {step.plaintext && (
        <section aria-label="Decrypted plaintext">
          <h4 className="mb-2 text-sm font-semibold">Decrypted plaintext</h4>
          <HexView data={step.plaintext} label={`${title} (decrypted)`} />
        </section>
      )}

      {dataEntries.length > 0 && (
        <section aria-label="Details">
          <h4 className="mb-2 text-sm font-semibold">Details</h4>
          <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
            {dataEntries.map(([key, value]) => {
              const text = formatValue(value);
              const copyable = typeof value === 'string' && /^[0-9a-f]{16,}$/i.test(value);
              return (
                <div key={key} className="contents">
                  <dt className="font-mono text-xs leading-6 text-zinc-500 dark:text-zinc-400">{key}</dt>
                  <dd className="flex min-w-0 items-start gap-2">
                    <span className="min-w-0 break-all font-mono text-xs leading-6 whitespace-pre-wrap">{text}</span>
                    {copyable && <CopyButton value={text} label={key} />}
                  </dd>
                </div>
              );
            })}
          </dl>
        </section>
      )}
    </article>
  );
}
