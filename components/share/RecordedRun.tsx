'use client';

import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import type { Trace } from '@/lib/trace/schema';
import { DiagramHeader, useDiagramRows } from '@/components/trace/DiagramHeader';
import { explainingStep } from '@/lib/view/summary';
import { CertificatePanel } from '@/components/trace/CertificatePanel';
import { DetailTabs, type DetailTab } from '@/components/trace/DetailTabs';
import { KeySchedulePanel } from '@/components/trace/KeySchedulePanel';
import { SequenceDiagram } from '@/components/trace/SequenceDiagram';
import { StepDetail } from '@/components/trace/StepDetail';
import { SummaryCard } from '@/components/trace/SummaryCard';

type Tab = DetailTab;

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * A finished run, read-only: the same summary card, sequence diagram and step detail the playground
 * shows after a live run, drawn from the recorded trace alone (nothing is re-run). `compact` is the
 * embed's layout: one column, the step detail under the diagram, no key schedule or certificate tabs.
 * `running` draws a live embed's run as it grows (remount with a new key when it ends, so a failed run
 * opens on its explaining step). `selectFromHash`: a #step-{seq} fragment selects that step (the light
 * embed's step links open the full embed this way) and puts the keyboard focus on the diagram.
 */
export function RecordedRun({ trace, compact = false, running = false, selectFromHash = false }: { trace: Trace; compact?: boolean; running?: boolean; selectFromHash?: boolean }) {
  // A failed run opens on the step that explains why, as the playground does after a live run.
  const [selectedSeq, setSelectedSeq] = useState<number | undefined>(() => (trace.outcome !== 'ok' ? explainingStep(trace) : undefined));
  const [tab, setTab] = useState<Tab>('step');
  const detailId = useId();

  const diagramRows = useDiagramRows(trace.steps);
  const selectedStep = selectedSeq !== undefined ? trace.steps.find((s) => s.seq === selectedSeq) : undefined;
  const explaining = useMemo(() => (running ? undefined : explainingStep(trace)), [trace, running]);

  const selectStep = useCallback((seq: number) => {
    setSelectedSeq(seq);
    setTab('step');
  }, []);

  // The fragment is the browser's alone (never sent), so it is read after hydration.
  useEffect(() => {
    if (!selectFromHash) return;
    const fromHash = () => {
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
    <StepDetail step={selectedStep} trace={trace} explainsOutcome={selectedStep.seq === explaining} />
  ) : (
    <p className="rounded-md border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-500 dark:text-zinc-400 dark:border-zinc-700">
      Select a step in the diagram (click it, or focus the diagram and use the arrow keys) to see its bytes and what they mean.
    </p>
  );

  const counts = <DiagramHeader rows={diagramRows} />;

  const diagramView = (
    <SequenceDiagram rows={diagramRows.visibleRows} selectedSeq={selectedSeq} onSelect={selectStep} running={running} serverLabel={hostOf(trace.options.url)} controls={detailId} />
  );

  if (compact) {
    // In someone else's page the diagram scrolls in a box of its own, so the embed stays a sensible
    // height; the selected step's detail opens below it.
    return (
      <section aria-label={running ? 'Run' : 'Recorded run'} className="space-y-3" data-testid="run" data-status={running ? 'running' : 'done'}>
        <SummaryCard trace={trace} running={running} external />
        <div className="min-w-0 space-y-2">
          {counts}
          <div className="max-h-[32rem] overflow-y-auto rounded-md" data-testid="embed-diagram">
            {diagramView}
          </div>
        </div>
        <div id={detailId} className="min-w-0">
          {stepDetail}
        </div>
      </section>
    );
  }

  return (
    <section aria-label={running ? 'Run' : 'Recorded run'} className="space-y-4" data-testid="run" data-status={running ? 'running' : 'done'}>
      <SummaryCard trace={trace} running={running} />
      <div className="grid gap-4 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
        <div className="min-w-0 space-y-2">
          {counts}
          {diagramView}
        </div>
        <div className="min-w-0">
          <DetailTabs
            id={detailId}
            tab={tab}
            onTab={setTab}
            panels={{
              step: () => stepDetail,
              keys: () => (
                <KeySchedulePanel
                  steps={trace.steps}
                  keyLog={trace.keyLog}
                  onShowStep={(seq) => {
                    diagramRows.setShowKeys(true);
                    selectStep(seq);
                  }}
                />
              ),
              certificate: () => <CertificatePanel trace={trace} onShowStep={selectStep} />,
            }}
          />
        </div>
      </div>
    </section>
  );
}
