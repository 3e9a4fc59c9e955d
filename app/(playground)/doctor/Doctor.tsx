'use client';

import { useState, type FormEvent } from 'react';
import { useTranslations } from 'next-intl';
import { asTranslate } from '@/lib/i18n/translator';
import type { Diagnosis, ProbeResult } from '@/lib/doctor/diagnose';
import { DemoCertificateCheck, FormError, SubmitButton, UrlField } from '@/components/run/FormParts';
import { Fixes, ProbeList, Verdict } from '@/components/bundle/DiagnosisReport';
import { SaveBundleButton } from '@/components/bundle/SaveBundleButton';
import { diagnosisBundle } from '@/lib/bundle/bundle';
import { checkTarget, DEFAULT_FORM, toRunRequest } from '@/lib/view/runOptions';
import { prepareRun } from '@/components/run/prepare';

type State = { status: 'idle' } | { status: 'running'; probes: ProbeResult[] } | { status: 'done'; diagnosis: Diagnosis } | { status: 'failed'; message: string };

/** The renegotiation doctor: probes a URL with several clients from this browser and explains. */
export function Doctor({ initialUrl }: { initialUrl: string }) {
  const t = useTranslations();
  const [url, setUrl] = useState(initialUrl);
  const [clientCertificate, setClientCertificate] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [state, setState] = useState<State>({ status: 'idle' });

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const target = checkTarget(url, asTranslate(t));
    if (!target.ok) {
      setError(target.message);
      return;
    }
    setError(undefined);
    setState({ status: 'running', probes: [] });
    try {
      const { startDiagnosis } = await import('@/components/run/engine');
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
      <form onSubmit={onSubmit} onFocus={prepareRun} onPointerEnter={prepareRun} className="flex flex-col gap-3 sm:flex-row sm:items-end" aria-label={t('doctor.formLabel')} noValidate>
        <UrlField value={url} onChange={setUrl} testId="doctor-url" />
        <DemoCertificateCheck checked={clientCertificate} onChange={setClientCertificate} label={t('forms.withDemoCertificate')} className="sm:pb-2" />
        <SubmitButton busy={state.status === 'running'} label={t('doctor.diagnose')} busyLabel={t('doctor.probing')} testId="doctor-run" />
      </form>
      {error && <FormError>{error}</FormError>}
      {state.status === 'failed' && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {t('doctor.couldNotRun', { message: state.message })}
        </p>
      )}
      {state.status === 'done' && <Verdict diagnosis={state.diagnosis} />}
      {state.status === 'done' && <SaveBundleButton key={state.diagnosis.probes[0]?.trace.startedAt} bundle={diagnosisBundle(state.diagnosis.url, state.diagnosis.probes)} />}
      {probes.length > 0 && <ProbeList probes={probes} pending={state.status === 'running'} />}
      {state.status === 'done' && <Fixes diagnosis={state.diagnosis} />}
    </div>
  );
}
