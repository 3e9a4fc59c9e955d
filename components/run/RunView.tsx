'use client';

import { useCallback, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import type { Trace } from '@/lib/trace/schema';
import { DiagramHeader, useDiagramRows } from '@/components/trace/DiagramHeader';
import type { Diagram } from '@/lib/view/diagram';
import { explainingStep, hostOf } from '@/lib/view/summary';
import { CertificatePanel } from '@/components/trace/CertificatePanel';
import dynamic from 'next/dynamic';
import { DetailTabs, EMBED_TABS, type DetailTab } from '@/components/trace/DetailTabs';
import { KeySchedulePanel } from '@/components/trace/KeySchedulePanel';
import { SequenceDiagram } from '@/components/trace/SequenceDiagram';
import { StepDetail } from '@/components/trace/StepDetail';
import { SummaryCard } from '@/components/trace/SummaryCard';
import { ConnectionsView } from '@/components/run/ConnectionsView';
import { Presentation } from '@/components/present/Presentation';
import { presentedStep, wantsPresentation, withPresentation } from '@/lib/view/presentation';

/**
 * Reproduce it yourself is code only its tab needs (the commands, the notes, the script's text): it
 * loads when the tab is first opened, so the full embed and the run page stay as light as they were.
 */
const ReproducePanel = dynamic(() => import('@/components/trace/ReproducePanel').then((m) => m.ReproducePanel), {
  loading: () => <p className="text-sm text-zinc-600 dark:text-zinc-400" role="status">…</p>,
});

/**
 * The step a finished run opens on: the one that explains how it ended. A recorded run opens there
 * when it failed; a run on this page (`live`) whenever it ends, so the diagram shows where it ended
 * instead of wherever the stream stopped.
 */
function openingStep(trace: Trace, running: boolean, live: boolean): number | undefined {
  return !running && (live || trace.outcome !== 'ok') ? explainingStep(trace) : undefined;
}

/**
 * What a saved run's page draws before its trace has arrived (components/share/SavedTrace.tsx): the
 * summary card and the diagram, made on the server from the trace, so the page's HTML has them
 * without carrying the trace itself. They stay as they are when the trace arrives (they are the
 * same), so nothing on the page moves and a row chosen meanwhile stays chosen.
 */
export interface RunPreview {
  /** The summary card, rendered on the server (<SummaryCard trace>). */
  summary: ReactNode;
  /** buildDiagram(trace.steps) in the page's language. */
  diagram: Diagram;
  /** The server's host, above the diagram's right lifeline. */
  serverLabel: string;
  /** The step a recorded run opens on (the one that explains how it ended), if any. */
  openingSeq?: number;
}

/**
 * One run, as the playground draws it live and a saved run (/r/{id}) or an embed draws it recorded:
 * the summary card, the sequence diagram and the selected step's detail, with the key schedule and
 * the certificate and "reproduce it yourself" in tabs. `running` draws the trace as it grows; when it ends in anything but "ok",
 * the step that explains why opens unless the user chose one. `compact` is the embed's layout: one
 * column, the diagram in a box of its own, under it two tabs: the step detail and reproduce it yourself. `live` announces the
 * step counts to screen readers (a run in progress on this page); `actions` go under the summary.
 * Give each run its own `key`, so a new run starts with nothing selected.
 *
 * A saved run's page gives a `preview` and the trace when it has come (`trace` undefined until then,
 * `pending` saying what stands in for the parts that need its bytes).
 */
export function RunView({
  trace,
  preview,
  pending,
  running = false,
  compact = false,
  live = false,
  actions,
  selectFromHash = false,
}: ({ trace: Trace; preview?: RunPreview } | { trace: Trace | undefined; preview: RunPreview }) & {
  pending?: ReactNode;
  running?: boolean;
  compact?: boolean;
  live?: boolean;
  actions?: ReactNode;
  selectFromHash?: boolean;
}) {
  const [selectedSeq, setSelectedSeq] = useState<number | undefined>(() => (trace ? openingStep(trace, running, live) : preview?.openingSeq));
  const [tab, setTab] = useState<DetailTab>('step');
  const detailId = useId();
  const t = useTranslations('playground');

  const diagramRows = useDiagramRows(trace?.steps, preview?.diagram);
  const selectedStep = selectedSeq !== undefined ? trace?.steps.find((s) => s.seq === selectedSeq) : undefined;
  const explaining = useMemo(() => (running || !trace ? undefined : explainingStep(trace)), [trace, running]);
  const serverLabel = trace ? hostOf(trace.options.url) : preview!.serverLabel;

  // A run that just ended: open its explaining step, unless the user already chose one.
  useEffect(() => {
    if (selectedSeq === undefined && trace) {
      const seq = openingStep(trace, running, live);
      if (seq !== undefined) setSelectedSeq(seq);
    }
  }, [trace, running, live, selectedSeq]);

  const selectStep = useCallback((seq: number) => {
    setSelectedSeq(seq);
    setTab('step');
  }, []);

  // The fragment is the browser's alone (never sent), so it is read after hydration. #reproduce (the
  // light embed's link) opens that tab.
  useEffect(() => {
    if (!selectFromHash || !trace) return;
    const fromHash = () => {
      if (window.location.hash === '#reproduce') {
        setTab('reproduce');
        return;
      }
      const seq = Number(/^#step-(\d+)$/.exec(window.location.hash)?.[1]);
      if (!Number.isInteger(seq) || !trace.steps.some((s) => s.seq === seq)) return;
      if (trace.steps.find((s) => s.seq === seq)?.layer === 'key') diagramRows.setShowKeys(true);
      selectStep(seq);
      // After the selection is drawn: focusing first would let the diagram's focus handler pick step one.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid=sequence-diagram] [role=listbox]')?.focus({ preventScroll: true }));
    };
    fromHash();
    window.addEventListener('hashchange', fromHash);
    return () => window.removeEventListener('hashchange', fromHash);
    // Once per trace (diagramRows.setShowKeys is a state setter).
  }, [selectFromHash, trace, selectStep]);

  const stepDetail = selectedStep ? (
    <StepDetail step={selectedStep} trace={trace!} explainsOutcome={selectedStep.seq === explaining} />
  ) : selectedSeq !== undefined && !trace ? (
    pending
  ) : (
    <p className="rounded-md border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-500 dark:text-zinc-400 dark:border-zinc-700">
      {t('selectStep')}
    </p>
  );

  const counts = <DiagramHeader rows={diagramRows} live={live} />;

  // Presentation mode (?present=1): the address says so, so a reload or a shared link opens it again.
  const present = useTranslations('present');
  // The step it shows is in the address too (&step=N), replaced (not pushed) at each step: the back
  // button leaves the page, it does not replay the talk.
  const [presenting, setPresenting] = useState(false);
  const [presentFrom, setPresentFrom] = useState(0);
  const presentButton = useRef<HTMLButtonElement>(null);
  const here = () => `${window.location.pathname}${window.location.search}${window.location.hash}`;
  useEffect(() => {
    if (compact || !wantsPresentation(window.location.search)) return;
    setPresentFrom(presentedStep(window.location.search));
    setPresenting(true);
  }, [compact]);
  const presentation = (on: boolean) => {
    if (on) setPresentFrom(0);
    setPresenting(on);
    window.history.replaceState(window.history.state, '', withPresentation(here(), on, on ? 0 : undefined));
    if (!on) requestAnimationFrame(() => presentButton.current?.focus());
  };
  const keepStep = useCallback((index: number) => {
    window.history.replaceState(window.history.state, '', withPresentation(here(), true, index));
  }, []);

  const diagramView = (
    <SequenceDiagram
      rows={diagramRows.visibleRows}
      selectedSeq={selectedSeq}
      onSelect={selectStep}
      running={running}
      serverLabel={serverLabel}
      controls={detailId}
      compact={compact}
    />
  );

  const label = live || running ? t('runLabel') : t('recordedRunLabel');
  // A saved run's page whose trace has not come yet: drawn, but its bytes are still on their way.
  const status = running ? 'running' : trace ? 'done' : 'loading';

  if (compact) {
    // In someone else's page the diagram's list scrolls in a box of its own (one box: the list
    // itself), so the embed stays a sensible height; the selected step's detail opens below it.
    return (
      <section aria-label={label} className="space-y-3" data-testid="run" data-status={status}>
        {preview?.summary ?? <SummaryCard trace={trace!} running={running} external />}
        {actions}
        <div className="min-w-0 space-y-2">
          {counts}
          <div className="rounded-md" data-testid="embed-diagram">
            {diagramView}
          </div>
        </div>
        <div className="min-w-0">
          <DetailTabs id={detailId} tab={tab} onTab={setTab} tabs={EMBED_TABS} panels={{ step: () => stepDetail, reproduce: () => (trace ? <ReproducePanel trace={trace} /> : pending) }} />
        </div>
      </section>
    );
  }

  return (
    <section aria-label={label} className="space-y-4" data-testid="run" data-status={status}>
      {preview?.summary ?? <SummaryCard trace={trace!} running={running} />}
      {actions}
      <div className="grid gap-4 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
        <div className="min-w-0 space-y-2">
          <div className="flex items-center justify-between gap-3">
            <div className="min-w-0 flex-1">{counts}</div>
            <button
              ref={presentButton}
              type="button"
              onClick={() => presentation(true)}
              title={present('buttonTitle')}
              className="shrink-0 rounded border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
              data-testid="present-button"
            >
              {present('button')}
            </button>
          </div>
          {diagramView}
          {presenting && trace && <Presentation trace={trace} rows={diagramRows} running={running} serverLabel={serverLabel} onClose={() => presentation(false)} startAt={presentFrom} onStep={keepStep} />}
        </div>
        <div className="min-w-0">
          <DetailTabs
            id={detailId}
            tab={tab}
            onTab={setTab}
            panels={{
              step: () => stepDetail,
              keys: () =>
                trace ? (
                  <KeySchedulePanel
                    steps={trace.steps}
                    keyLog={trace.keyLog}
                    onShowStep={(seq) => {
                      diagramRows.setShowKeys(true);
                      selectStep(seq);
                    }}
                  />
                ) : (
                  pending
                ),
              certificate: () => (trace ? <CertificatePanel trace={trace} onShowStep={selectStep} /> : pending),
              reproduce: () => (trace ? <ReproducePanel trace={trace} /> : pending),
            }}
          />
        </div>
      </div>
      {!running && trace?.firstConnection ? <ConnectionsView trace={trace} /> : null}
    </section>
  );
}
