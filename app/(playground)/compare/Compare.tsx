'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslations } from 'next-intl';
import { asTranslate } from '@/lib/i18n/translator';
import { ComparisonView } from '@/components/compare/ComparisonView';
import { SaveBundleButton } from '@/components/bundle/SaveBundleButton';
import { comparisonBundle } from '@/lib/bundle/bundle';
import { DemoCertificateCheck, FormError, SubmitButton, UrlField } from '@/components/run/FormParts';
import { personalityNames } from '@/lib/tls/client/personalities';
import { checkTarget, DEFAULT_FORM, toRunRequest, type PersonalityName } from '@/lib/view/runOptions';
import { prepareRun } from '@/components/run/prepare';
import { useLiveRuns, type LiveRun } from '@/components/run/useLiveRuns';

/** Runs one URL with two client personalities and shows the runs side by side. */
export function Compare({ initialUrl, initialA = 'rustls', initialCertificate = false, runNow = false }: { initialUrl: string; initialA?: PersonalityName; initialCertificate?: boolean; runNow?: boolean }) {
  const t = useTranslations();
  const [url, setUrl] = useState(initialUrl);
  const [a, setA] = useState<PersonalityName>(initialA);
  const [b, setB] = useState<PersonalityName>(initialA === 'openssl' ? 'rustls' : 'openssl');
  const [clientCertificate, setClientCertificate] = useState(initialCertificate);
  const [error, setError] = useState<string | undefined>(undefined);
  const { runs, runAll } = useLiveRuns(2);
  const running = runs.some((r) => r.status === 'running');

  // ?run=1: run the comparison as soon as the page is here, once.
  const ranOnLoad = useRef(false);
  useEffect(() => {
    if (!runNow || ranOnLoad.current) return;
    ranOnLoad.current = true;
    compare();
  }, [runNow]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    compare();
  }

  function compare() {
    const target = checkTarget(url, asTranslate(t));
    if (!target.ok) {
      setError(target.message);
      return;
    }
    setError(undefined);
    const base = { ...DEFAULT_FORM, clientCertificate };
    void runAll([toRunRequest({ ...base, personality: a }, target.url), toRunRequest({ ...base, personality: b }, target.url)]);
  }

  const [runA, runB] = runs;
  return (
    <div className="space-y-5">
      <form onSubmit={onSubmit} onFocus={prepareRun} onPointerEnter={prepareRun} className="flex flex-col gap-3 lg:flex-row lg:items-end" aria-label={t('compare.formLabel')} noValidate>
        <UrlField value={url} onChange={setUrl} testId="compare-url" />
        <PersonalitySelect label={t('compare.clientA')} value={a} onChange={setA} testId="compare-a" />
        <PersonalitySelect label={t('compare.clientB')} value={b} onChange={setB} testId="compare-b" />
        <DemoCertificateCheck checked={clientCertificate} onChange={setClientCertificate} label={t('forms.demoCertificate')} className="lg:pb-2" />
        <SubmitButton busy={running} label={t('compare.runBoth')} busyLabel={t('compare.running')} testId="compare-run" />
      </form>
      {error && <FormError>{error}</FormError>}
      {runA.status === 'done' && runB.status === 'done' && (
        <SaveBundleButton key={runA.trace.startedAt} bundle={comparisonBundle(runA.trace.options.url, runA.trace, runB.trace)} />
      )}
      <RunResult runA={runA} runB={runB} labelA={`A: ${a}`} labelB={`B: ${b}`} />
    </div>
  );
}

export function RunResult({ runA, runB, labelA, labelB }: { runA: LiveRun; runB: LiveRun; labelA: string; labelB: string }) {
  const t = useTranslations('compare');
  if (runA.status === 'done' && runB.status === 'done') return <ComparisonView a={runA.trace} b={runB.trace} labelA={labelA} labelB={labelB} />;
  const failed = [runA, runB].find((r): r is Extract<LiveRun, { status: 'failed' }> => r.status === 'failed');
  if (failed) {
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-400">
        {t('couldNotStart', { message: failed.message })}
      </p>
    );
  }
  if (runA.status === 'running' || runB.status === 'running') {
    return (
      <p className="text-sm text-zinc-500 dark:text-zinc-400" role="status">
        {t('runningOne', { label: runA.status === 'running' ? labelA : labelB })}
      </p>
    );
  }
  return null;
}

function PersonalitySelect({ label, value, onChange, testId }: { label: string; value: PersonalityName; onChange: (p: PersonalityName) => void; testId: string }) {
  return (
    <label className="flex flex-col gap-1 text-sm">
      <span className="font-medium">{label}</span>
      <select
        value={value}
        onChange={(e) => onChange(e.target.value as PersonalityName)}
        className="rounded-md border border-zinc-300 bg-white px-2 py-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
        data-testid={testId}
      >
        {personalityNames.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
