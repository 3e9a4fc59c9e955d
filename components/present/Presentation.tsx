'use client';

import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslations } from 'next-intl';
import type { Trace } from '@/lib/trace/schema';
import { stepAfterKey } from '@/lib/view/presentation';
import { stepExplanation, stepTitle } from '@/lib/view/stepText';
import { useTranslate } from '@/components/i18n/useTranslate';
import type { DiagramRows } from '@/components/trace/DiagramHeader';
import { HexView } from '@/components/trace/HexView';
import { RfcLink } from '@/components/trace/RfcLink';
import { SequenceDiagram } from '@/components/trace/SequenceDiagram';

/**
 * The run view's own components, drawn larger: the diagram and the hex view are scaled as a whole
 * (CSS zoom), so a projector shows them as the page does, only bigger.
 */
const DIAGRAM_ZOOM = 1.5;
const BYTES_ZOOM = 1.25;

/**
 * Presentation mode: the run in a modal dialog that fills the window, in large type and in the
 * high-contrast palette (.presentation in app/globals.css: 7:1 in light and dark). The diagram
 * builds up one step at a time (→ / ← / Home / End, PageDown / PageUp from a clicker); beside it
 * the current step's title, its explanation and its bytes. A run still in progress keeps growing:
 * End goes to the newest step. Escape or the exit button ends it (`onClose`). It opens on step
 * `startAt` (0-based; a live run shows it once there are that many steps) and tells `onStep` each
 * step the presenter goes to, so the page can keep it in its address.
 */
export function Presentation({
  trace,
  rows,
  running,
  serverLabel,
  onClose,
  startAt = 0,
  onStep,
}: {
  trace: Trace;
  rows: DiagramRows;
  running: boolean;
  serverLabel: string;
  onClose: () => void;
  startAt?: number;
  onStep?: (index: number) => void;
}) {
  const t = useTranslations('present');
  const say = useTranslate();
  const dialog = useRef<HTMLDialogElement>(null);
  const [index, setIndex] = useState(startAt);
  const titleId = useId();
  const stepId = useId();

  const shown = rows.visibleRows;
  const at = Math.min(index, Math.max(shown.length - 1, 0));
  const row = shown[at];
  const step = row ? trace.steps.find((s) => s.seq === row.seq) : undefined;
  const atEnd = at >= shown.length - 1;

  // The step the presenter asked for (not `at`, which a live run's early rows cap for a moment).
  useEffect(() => {
    onStep?.(index);
  }, [index, onStep]);

  useEffect(() => {
    const element = dialog.current;
    if (!element || element.open) return;
    element.showModal();
    // The step, not the first button: a screen reader starts on what is shown, and the keys work at once.
    element.querySelector<HTMLElement>('[data-present-focus]')?.focus();
    return () => element.close();
  }, []);

  function onKey(event: KeyboardEvent<HTMLDialogElement>) {
    // The hex view's byte cursor and field tree use the arrow keys themselves.
    if ((event.target as HTMLElement).closest('[data-testid=hex-view]')) return;
    const next = stepAfterKey(event.key, at, shown.length);
    if (next === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    event.stopPropagation();
    setIndex(next);
  }

  const button =
    'rounded-md border-2 border-zinc-800 px-4 py-2 text-lg font-semibold hover:bg-zinc-100 disabled:cursor-not-allowed disabled:opacity-60 dark:border-zinc-200 dark:hover:bg-zinc-800';

  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      onKeyDownCapture={onKey}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      className="presentation fixed inset-0 m-0 flex h-dvh max-h-none w-screen max-w-none flex-col gap-4 bg-white p-6 text-zinc-900 backdrop:bg-black dark:bg-zinc-950 dark:text-zinc-100"
      data-testid="presentation"
      data-index={at}
    >
      <header className="flex flex-wrap items-center justify-between gap-x-6 gap-y-2">
        <div className="min-w-0">
          <h2 id={titleId} className="truncate text-2xl font-semibold tracking-tight">
            {t('title', { host: serverLabel })}
          </h2>
          <p className="text-lg text-zinc-700 dark:text-zinc-300">{t('keys')}</p>
        </div>
        <div className="flex items-center gap-3">
          <button type="button" className={button} onClick={() => setIndex(Math.max(at - 1, 0))} disabled={at === 0} data-testid="present-previous">
            {t('previous')}
          </button>
          <button type="button" className={button} onClick={() => setIndex(Math.min(at + 1, shown.length - 1))} disabled={atEnd} data-testid="present-next">
            {t('next')}
          </button>
          <button type="button" className={button} onClick={onClose} data-testid="present-exit">
            {t('exit')}
          </button>
        </div>
      </header>

      <div className="grid min-h-0 flex-1 gap-8 grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
        <div className="min-h-0 overflow-y-auto" data-testid="present-diagram">
          <div style={{ zoom: DIAGRAM_ZOOM }}>
            <SequenceDiagram
              rows={shown.slice(0, at + 1)}
              selectedSeq={row?.seq}
              onSelect={(seq) => setIndex(Math.max(shown.findIndex((r) => r.seq === seq), 0))}
              running={running && atEnd}
              serverLabel={serverLabel}
              controls={stepId}
            />
          </div>
        </div>

        <section id={stepId} aria-labelledby={`${stepId}-title`} className="min-h-0 space-y-5 overflow-y-auto pr-2" data-testid="present-step" data-seq={row?.seq}>
          {/* Focusable so the dialog opens on the step (and a screen reader reads it); announced as it changes. */}
          <div tabIndex={-1} data-present-focus aria-live="polite" className="space-y-2 outline-none">
            <p className="text-xl text-zinc-700 dark:text-zinc-300" data-testid="present-counter">
              {shown.length === 0 ? t('waiting') : t('counter', { n: String(at + 1), total: String(shown.length) })}
              {running && atEnd && shown.length > 0 && ` · ${t('more')}`}
            </p>
            {step && (
              <h3 id={`${stepId}-title`} className="text-4xl font-semibold tracking-tight break-words" data-testid="present-title">
                {stepTitle(step, say)}
              </h3>
            )}
          </div>
          {step && <Explanation text={stepExplanation(step, say)} rfc={step.rfc} />}
          {step?.bytes && (
            <section aria-label={step.plaintext ? t('ciphertext') : t('bytes')}>
              <h4 className="mb-2 text-xl font-semibold">{step.plaintext ? t('ciphertext') : t('bytes')}</h4>
              <div style={{ zoom: BYTES_ZOOM }}>
                <HexView data={step.bytes} label={stepTitle(step, say)} />
              </div>
            </section>
          )}
          {step?.plaintext && (
            <section aria-label={t('plaintext')}>
              <h4 className="mb-2 text-xl font-semibold">{t('plaintext')}</h4>
              <div style={{ zoom: BYTES_ZOOM }}>
                <HexView data={step.plaintext} label={t('plaintextOf', { title: stepTitle(step, say) })} />
              </div>
            </section>
          )}
          {step && !step.bytes && <p className="text-xl text-zinc-700 dark:text-zinc-300">{t('noBytes')}</p>}
        </section>
      </div>
    </dialog>
  );
}

function Explanation({ text, rfc }: { text?: string; rfc?: string }) {
  const t = useTranslations('present');
  if (!text && !rfc) return null;
  return (
    <div className="space-y-2" data-testid="present-explanation">
      {text && <p className="text-[1.5rem] leading-relaxed">{text}</p>}
      {rfc && (
        <p className="text-xl">
          {t('specifiedIn')} <RfcLink reference={rfc} />
        </p>
      )}
    </div>
  );
}
