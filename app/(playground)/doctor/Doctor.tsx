'use client';

import { useState, type FormEvent } from 'react';
import type { Diagnosis, ProbeResult } from '@/lib/doctor/diagnose';
import { DemoCertificateCheck, FormError, SubmitButton, UrlField } from '@/components/run/FormParts';
import { CopyButton } from '@/components/trace/CopyButton';
import { TONE_BADGE, TONE_TEXT } from '@/components/trace/tone';
import { checkTarget, DEFAULT_FORM, toRunRequest } from '@/lib/view/runOptions';
import { prepareRun } from '../prepare';

type State = { status: 'idle' } | { status: 'running'; probes: ProbeResult[] } | { status: 'done'; diagnosis: Diagnosis } | { status: 'failed'; message: string };

const SEVERITY_TONE = { problem: 'bad', ok: 'good', unreachable: 'warning' } as const;

function probeTone(p: ProbeResult): 'good' | 'bad' | 'warning' {
  if (p.outcome === 'ok') return p.httpStatus !== undefined && p.httpStatus >= 400 ? 'warning' : 'good';
  return 'bad';
}

function probeResultText(p: ProbeResult): string {
  if (p.outcome === 'ok') return `HTTP ${p.httpStatus ?? '?'}${p.renegotiated ? ' after renegotiating' : ''}`;
  if (p.outcome === 'reset') return 'connection reset by peer';
  if (p.outcome === 'timeout') return 'hangs until a timeout';
  return p.detail;
}

/** The renegotiation doctor: probes a URL with several clients from this browser and explains. */
export function Doctor({ initialUrl }: { initialUrl: string }) {
  const [url, setUrl] = useState(initialUrl);
  const [clientCertificate, setClientCertificate] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [state, setState] = useState<State>({ status: 'idle' });

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const target = checkTarget(url);
    if (!target.ok) {
      setError(target.message);
      return;
    }
    setError(undefined);
    setState({ status: 'running', probes: [] });
    try {
      const { startDiagnosis } = await import('../engine');
      const request = toRunRequest({ ...DEFAULT_FORM, clientCertificate }, target.url);
      const diagnosis = await startDiagnosis(request, (probe) =>
        setState((s) => (s.status === 'running' ? { status: 'running', probes: [...s.probes, probe] } : s)),
      );
      setState({ status: 'done', diagnosis });
    } catch (e) {
      setState({ status: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  }

  const probes = state.status === 'running' ? state.probes : state.status === 'done' ? state.diagnosis.probes : [];
  return (
    <div className="space-y-6">
      <form onSubmit={onSubmit} onFocus={prepareRun} onPointerEnter={prepareRun} className="flex flex-col gap-3 sm:flex-row sm:items-end" aria-label="Diagnose a URL" noValidate>
        <UrlField value={url} onChange={setUrl} testId="doctor-url" />
        <DemoCertificateCheck checked={clientCertificate} onChange={setClientCertificate} label="With the demo client certificate" className="sm:pb-2" />
        <SubmitButton busy={state.status === 'running'} label="Diagnose" busyLabel="Probing…" testId="doctor-run" />
      </form>
      {error && <FormError>{error}</FormError>}
      {state.status === 'failed' && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          The diagnosis could not run: {state.message}
        </p>
      )}
      {state.status === 'done' && (
        <section aria-labelledby="verdict" className={`rounded-lg p-4 ring-1 ${TONE_BADGE[SEVERITY_TONE[state.diagnosis.severity]]}`} data-testid="doctor-verdict" data-severity={state.diagnosis.severity}>
          <h2 id="verdict" className="mb-1 font-semibold">
            Verdict
          </h2>
          <p className="leading-relaxed">{state.diagnosis.verdict}</p>
        </section>
      )}
      {probes.length > 0 && (
        <section aria-labelledby="probes" className="space-y-2">
          <h2 id="probes" className="text-lg font-semibold">
            Probes
          </h2>
          <ul className="divide-y divide-zinc-200 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800" aria-live="polite">
            {probes.map((p, i) => (
              <li key={i} className="flex flex-wrap items-baseline justify-between gap-2 px-3 py-2 text-sm" data-testid="doctor-probe">
                <span>
                  {p.label}
                  {p.helloRequest && <span className="ml-2 rounded bg-zinc-100 px-1.5 text-xs dark:bg-zinc-800">HelloRequest</span>}
                </span>
                <span className={`font-medium ${TONE_TEXT[probeTone(p)]}`}>{probeResultText(p)}</span>
              </li>
            ))}
            {state.status === 'running' && <li className="px-3 py-2 text-sm text-zinc-500">Next probe running…</li>}
          </ul>
        </section>
      )}
      {state.status === 'done' && state.diagnosis.fixes.length > 0 && (
        <section aria-labelledby="fixes" className="space-y-3">
          <h2 id="fixes" className="text-lg font-semibold">
            What to change
          </h2>
          <ol className="space-y-4">
            {state.diagnosis.fixes.map((fix) => (
              <li key={fix.title} className="space-y-1" data-testid="doctor-fix">
                <h3 className="font-medium">
                  <span className="mr-2 rounded bg-zinc-100 px-1.5 py-0.5 text-xs uppercase text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">{fix.who}</span>
                  {fix.title}
                </h3>
                <p className="text-sm text-zinc-700 dark:text-zinc-300">{fix.detail}</p>
                {fix.commands?.map((command) => (
                  <div key={command} className="flex items-start gap-2 rounded-md bg-zinc-100 p-2 dark:bg-zinc-900">
                    <code className="min-w-0 flex-1 break-all font-mono text-sm">{command}</code>
                    <CopyButton value={command} label={command} />
                  </div>
                ))}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
