import { useTranslations } from 'next-intl';
import { Fixes, ProbeList, Verdict } from '@/components/bundle/DiagnosisReport';
import { ComparisonView } from '@/components/compare/ComparisonView';
import { RunView } from '@/components/run/RunView';
import { comparisonOf, diagnosisOf } from '@/lib/bundle/bundle';
import { bundleRunLabel } from '@/lib/share/describeBundle';
import { useTranslate } from '@/components/i18n/useTranslate';
import { bundlePath, resultPath } from '@/lib/share/embed';
import type { StoredBundle } from '@/server/store';

/**
 * A saved diagnosis (verdict, probes, fixes) or comparison (the two runs aligned), then one of its
 * runs step by step — the one `selected` names; every run links to that view and to its own saved
 * result. `compact` is the embed's layout: links open a new tab, the run in its compact form.
 */
export function BundleView({ id, bundle, selected, compact = false }: { id: string; bundle: StoredBundle; selected: number; compact?: boolean }) {
  const base = compact ? '' : bundlePath(bundle.kind, id);
  const runHref = (i: number) => (compact ? resultPath(bundle.runs[i].traceId) : `${base}?run=${encodeURIComponent(bundle.runs[i].role)}#run`);
  const run = bundle.runs[selected];
  const say = useTranslate();
  const label = bundleRunLabel(bundle, run, say);
  const newTab = compact ? { target: '_blank', rel: 'noopener' } : {};
  const t = useTranslations('bundle');

  return (
    <div className="space-y-6">
      {bundle.kind === 'diagnosis' ? (
        <DiagnosisParts bundle={bundle} selected={selected} runHref={runHref} compact={compact} />
      ) : (
        <ComparisonParts bundle={bundle} selected={selected} runHref={runHref} compact={compact} newTab={newTab} />
      )}
      <section id="run" aria-labelledby="run-heading" className="space-y-3 scroll-mt-4" data-testid="bundle-run" data-role={run.role}>
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="run-heading" className="text-lg font-semibold">
            {t('stepByStep', { label })}
          </h2>
          <a href={resultPath(run.traceId)} {...newTab} className="text-sm text-sky-800 underline dark:text-sky-300" data-testid="bundle-run-alone">
            {t('runAlone')}
          </a>
        </div>
        <RunView key={run.traceId} trace={run.trace} compact={compact} />
      </section>
    </div>
  );
}

function DiagnosisParts({ bundle, selected, runHref, compact }: { bundle: StoredBundle; selected: number; runHref: (i: number) => string; compact: boolean }) {
  const diagnosis = diagnosisOf(bundle);
  const t = useTranslations('bundle');
  return (
    <>
      <Verdict diagnosis={diagnosis} />
      <ProbeList
        probes={diagnosis.probes}
        current={selected}
        link={(_p, i) => (i === selected && !compact ? undefined : { href: runHref(i), label: compact ? t('openRun') : t('showRun') })}
      />
      {compact ? null : <Fixes diagnosis={diagnosis} />}
    </>
  );
}

function ComparisonParts({
  bundle,
  selected,
  runHref,
  compact,
  newTab,
}: {
  bundle: StoredBundle;
  selected: number;
  runHref: (i: number) => string;
  compact: boolean;
  newTab: { target?: string; rel?: string };
}) {
  const { a, b, labelA, labelB } = comparisonOf(bundle);
  const t = useTranslations('bundle');
  const say = useTranslate();
  return (
    <>
      <ComparisonView a={a} b={b} labelA={labelA} labelB={labelB} />
      <nav aria-label={t('eachRun')} className="flex flex-wrap gap-3 text-sm">
        {bundle.runs.map((run, i) =>
          i === selected && !compact ? (
            <span key={run.role} aria-current="true" className="font-semibold">
              {t('shownBelow', { label: bundleRunLabel(bundle, run, say) })}
            </span>
          ) : (
            <a key={run.role} href={runHref(i)} {...newTab} className="text-sky-800 underline dark:text-sky-300" data-testid="probe-link">
              {t('runLink', { label: bundleRunLabel(bundle, run, say) })}
            </a>
          ),
        )}
      </nav>
    </>
  );
}
